package dev.clavier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.clavier.ScriptedScout.Verdict;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.filter.Filters;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.listener.NoHealthyEndpointException;
import dev.clavier.listener.Pick;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the listener's counted picks ({@link Listener#pick()}, {@link Listener#start}): the
 * calls in flight per endpoint, what the {@code least-request} filter reads, and their outcomes
 * fed to outlier detection.
 */
class ClavierListenerPickTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final Endpoint A = Endpoint.of("127.0.0.2", 8080);

	private static final Endpoint B = Endpoint.of("127.0.0.3", 8080);

	private static final Endpoint C = Endpoint.of("127.0.0.4", 8080);

	private final Clavier clavier = Clavier.create();

	private final ScriptedScout scout = new ScriptedScout();

	@AfterEach
	void close() {
		this.clavier.close();
	}

	private ListenerConfig.Builder fast(dev.clavier.discovery.Discovery discovery) {
		return ListenerConfig.builder(discovery)
			.scout(this.scout)
			.interval(Duration.ofMillis(100))
			.timeout(Duration.ofMillis(60))
			.jitter(0);
	}

	private Listener ready(ListenerConfig config) throws InterruptedException {
		Listener listener = this.clavier.addListener("svc", config);
		assertThat(listener.awaitReady(WAIT)).isTrue();
		return listener;
	}

	@Test
	void pickShouldCountTheCallInFlightUntilItEndsOnce() throws Exception {
		Listener listener = ready(fast(MutableDiscoveryOf.of(A)).build());
		Pick first = listener.pick();
		Pick second = listener.pick();
		assertThat(first.endpoint()).isEqualTo(A);
		assertThat(listener.callsInFlight(A)).isEqualTo(2);
		first.complete(true, null);
		first.complete(true, null);
		first.close();
		assertThat(listener.callsInFlight(A)).isEqualTo(1);
		second.close();
		second.complete(false, "late");
		assertThat(listener.callsInFlight(A)).isZero();
	}

	@Test
	void pickWhenCompletedAsFailedShouldFeedOutlierDetectionOncePerPick() throws Exception {
		Listener listener = ready(fast(MutableDiscoveryOf.of(A, B)).interval(Duration.ofMinutes(10))
			.outlierFailures(2)
			.build());
		Pick failed = listener.start(A);
		failed.complete(false, "refused");
		// A second completion of the same pick is not a second failure.
		failed.complete(false, "refused");
		assertThat(listener.selection().endpoints()).containsExactly(A, B);
		listener.start(A).complete(false, "refused");
		await().atMost(WAIT).until(() -> listener.selection().endpoints().equals(List.of(B)));
		assertThat(listener.endpoints().get(0).status()).isEqualTo(HealthStatus.UNHEALTHY);
		assertThat(listener.endpoints().get(0).cause()).contains("refused");
	}

	@Test
	void leastRequestWhenOneEndpointHoldsCallsShouldSendItFewerPicks() throws Exception {
		Listener listener = ready(fast(MutableDiscoveryOf.of(A, B, C)).filter(Filters.leastRequest()).build());
		List<Pick> held = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			held.add(listener.start(A));
		}
		Map<Endpoint, Integer> counts = new HashMap<>();
		for (int i = 0; i < 3000; i++) {
			try (Pick pick = listener.pick()) {
				counts.merge(pick.endpoint(), 1, Integer::sum);
			}
		}
		// Each pick compares two distinct endpoints: A always meets an idle one.
		assertThat(counts).containsOnlyKeys(B, C);
		held.forEach(Pick::close);
		assertThat(listener.callsInFlight(A)).isZero();
		assertThat(listener.callsInFlight(B)).isZero();
	}

	@Test
	void callsInFlightWhenTheHealthySetChangesShouldKeepTheirCount() throws Exception {
		Listener listener = ready(fast(MutableDiscoveryOf.of(A, B, C)).filter(Filters.leastRequest()).build());
		List<Pick> held = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			held.add(listener.start(A));
		}
		this.scout.set(C.address(), Verdict.FAIL);
		await().atMost(WAIT).until(() -> listener.selection().endpoints().equals(List.of(A, B)));
		assertThat(listener.callsInFlight(A)).isEqualTo(10);
		// The new selector reads A's kept count: B, idle, wins every pick.
		for (int i = 0; i < 1000; i++) {
			try (Pick pick = listener.pick()) {
				assertThat(pick.endpoint()).isEqualTo(B);
			}
		}
		held.forEach(Pick::close);
		assertThat(listener.callsInFlight(A)).isZero();
	}

	@Test
	void callsInFlightWhenTheEndpointLeavesDiscoveryShouldBeDropped() throws Exception {
		MutableDiscovery discovery = new MutableDiscovery(Duration.ofMillis(20), A, B);
		Listener listener = ready(fast(discovery).build());
		Pick held = listener.start(A);
		assertThat(listener.callsInFlight(A)).isEqualTo(1);
		discovery.set(B);
		await().atMost(WAIT).until(() -> listener.selection().endpoints().equals(List.of(B)));
		assertThat(listener.callsInFlight(A)).isZero();
		discovery.set(A, B);
		await().atMost(WAIT).until(() -> listener.selection().endpoints().equals(List.of(A, B)));
		Pick fresh = listener.start(A);
		// The call started before A left ends against its old record, not the new one.
		held.close();
		assertThat(listener.callsInFlight(A)).isEqualTo(1);
		fresh.close();
		assertThat(listener.callsInFlight(A)).isZero();
	}

	@Test
	void pickWhenNothingHealthyShouldThrowAndWhenClosedShouldSaySo() throws Exception {
		this.scout.set(A.address(), Verdict.FAIL);
		Listener listener = ready(fast(MutableDiscoveryOf.of(A)).build());
		assertThatExceptionOfType(NoHealthyEndpointException.class).isThrownBy(listener::pick);
		this.clavier.removeListener("svc");
		assertThatIllegalStateException().isThrownBy(listener::pick).withMessageContaining("closed");
	}

	@Test
	void startWhenTheEndpointIsUnknownShouldCountNothingAndStillEnd() throws Exception {
		Listener listener = ready(fast(MutableDiscoveryOf.of(A)).build());
		Pick pick = listener.start(B);
		assertThat(listener.callsInFlight(B)).isZero();
		pick.complete(false, "refused");
		assertThat(listener.callsInFlight(A)).isZero();
	}

	/**
	 * Static endpoints through {@link MutableDiscovery}, refreshed seldom.
	 */
	private static final class MutableDiscoveryOf {

		static MutableDiscovery of(Endpoint... endpoints) {
			return new MutableDiscovery(Duration.ofMinutes(10), endpoints);
		}

	}

}
