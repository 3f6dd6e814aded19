package dev.clavier.internal.listener;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.clavier.Clavier;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Ejection;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.endpoint.HealthTransition;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.listener.ListenerObserver;
import dev.clavier.listener.ListenerSnapshot;
import dev.clavier.scout.Scouts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for timed, capped ejection and the failure-percentage rule, through the engine's API:
 * calls reported with {@link Listener#reportCall}, under the scout {@code none}, where only the
 * ejection time brings an endpoint back. No endpoint is connected to.
 */
class OutlierEjectorTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final Clavier clavier = Clavier.create();

	@AfterEach
	void close() {
		this.clavier.close();
	}

	private static List<Endpoint> endpoints(int count) {
		List<Endpoint> endpoints = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			endpoints.add(Endpoint.of("127.0.0.1", 7000 + i));
		}
		return endpoints;
	}

	private static ListenerConfig.Builder none(List<Endpoint> endpoints) {
		return ListenerConfig.builder(StaticDiscovery.of(endpoints)).scout(Scouts.none());
	}

	private static EndpointState state(Listener listener, Endpoint endpoint) {
		return listener.endpoints()
			.stream()
			.filter((state) -> state.endpoint().sameAddress(endpoint))
			.findFirst()
			.orElseThrow();
	}

	private static long ejected(Listener listener) {
		return listener.endpoints().stream().filter((state) -> state.ejection() != null).count();
	}

	/**
	 * Waits until the engine's scheduler has run every task queued before: ejections are queued
	 * there by {@code reportCall}, and a listener added now starts behind them.
	 */
	private void flushScheduler() throws InterruptedException {
		String name = "flush-" + System.nanoTime();
		Listener flush = this.clavier.addListener(name, none(endpoints(1)).build());
		assertThat(flush.awaitReady(WAIT)).isTrue();
		this.clavier.removeListener(name);
	}

	@Test
	void reportCallWhenEjectedUnderScoutNoneShouldReturnAfterTheEjectionTime() throws Exception {
		List<Endpoint> endpoints = endpoints(2);
		Endpoint a = endpoints.get(0);
		Listener listener = this.clavier.addListener("svc", none(endpoints).outlierFailures(2)
			.baseEjectionTime(Duration.ofMillis(300))
			.build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		listener.reportCall(a, false, "connection refused");
		listener.reportCall(a, false, "connection refused");
		await().atMost(WAIT).until(() -> state(listener, a).status() == HealthStatus.UNHEALTHY);
		EndpointState ejected = state(listener, a);
		Ejection ejection = ejected.ejection();
		assertThat(ejection).isNotNull();
		assertThat(ejection.times()).isEqualTo(1);
		assertThat(ejection.reason()).isEqualTo("2 consecutive call(s) failed");
		HealthTransition out = ejected.transitions().get(ejected.transitions().size() - 1);
		assertThat(Duration.between(out.at(), ejection.until())).isEqualTo(Duration.ofMillis(300));
		assertThat(ejected.cause())
			.isEqualTo("2 consecutive call(s) failed: connection refused; out of rotation for 300ms (ejection 1)");
		assertThat(listener.selection().endpoints()).containsExactly(endpoints.get(1));
		// Calls that picked it before the ejection was published fail meanwhile: they count for nothing.
		for (int i = 0; i < 5; i++) {
			listener.reportCall(a, false, "connection refused");
		}
		await().atMost(WAIT).until(() -> state(listener, a).status() == HealthStatus.HEALTHY);
		EndpointState back = state(listener, a);
		assertThat(back.ejection()).isNull();
		assertThat(back.cause()).isEqualTo("ejection of 300ms ended (ejection 1)");
		assertThat(back.transitions().get(back.transitions().size() - 1).at()).isAfterOrEqualTo(ejection.until());
		assertThat(listener.selection().endpoints()).containsExactlyElementsOf(endpoints);
		// Back in rotation, two failed calls in a row eject it again.
		listener.reportCall(a, false, "connection refused");
		listener.reportCall(a, false, "connection refused");
		await().atMost(WAIT).until(() -> state(listener, a).ejection() != null);
		assertThat(state(listener, a).ejection().times()).isEqualTo(2);
	}

	@Test
	void reportCallWhenEjectedAgainSoonShouldLastTwiceAsLongAndDecayWhileInRotation() throws Exception {
		List<Endpoint> endpoints = endpoints(2);
		Endpoint a = endpoints.get(0);
		Duration base = Duration.ofMillis(200);
		Listener listener = this.clavier.addListener("svc", none(endpoints).outlierFailures(1)
			.baseEjectionTime(base)
			.maxEjectionTime(Duration.ofMillis(500))
			.build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		List<Ejection> ejections = new CopyOnWriteArrayList<>();
		AtomicInteger returns = new AtomicInteger();
		listener.subscribe(new ListenerObserver() {

			@Override
			public void ejected(ListenerSnapshot snapshot, Endpoint endpoint, Ejection ejection) {
				ejections.add(ejection);
			}

			@Override
			public void transitioned(ListenerSnapshot snapshot, HealthTransition transition) {
				// Fails again as soon as it is back, twice: within the base time, so nothing decays.
				if (transition.to() == HealthStatus.HEALTHY && returns.incrementAndGet() <= 2) {
					listener.reportCall(a, false, "HTTP 503");
				}
			}

		});
		listener.reportCall(a, false, "HTTP 503");
		await().atMost(WAIT).until(() -> ejections.size() == 3 && state(listener, a).status() == HealthStatus.HEALTHY);
		assertThat(ejections).extracting(Ejection::times).containsExactly(1, 2, 3);
		List<HealthTransition> transitions = state(listener, a).transitions();
		List<Duration> lasted = new ArrayList<>();
		for (int i = 0; i < transitions.size(); i++) {
			if (transitions.get(i).to() == HealthStatus.UNHEALTHY) {
				lasted.add(Duration.between(transitions.get(i).at(), ejections.get(lasted.size()).until()));
			}
		}
		// 200 ms, twice that, then capped at 500 ms rather than three times.
		assertThat(lasted).containsExactly(base, base.multipliedBy(2), Duration.ofMillis(500));
		// In rotation for two base times since: the count of 3 loses two.
		Instant back = transitions.get(transitions.size() - 1).at();
		await().atMost(WAIT).until(() -> Duration.between(back, Instant.now()).compareTo(base.multipliedBy(2)) > 0);
		listener.reportCall(a, false, "HTTP 503");
		await().atMost(WAIT).until(() -> ejections.size() == 4);
		assertThat(ejections.get(3).times()).isEqualTo(2);
	}

	@Test
	void reportCallWhenEveryEndpointFailsShouldNeverEjectMoreThanTheCap() throws Exception {
		List<Endpoint> endpoints = endpoints(4);
		Listener listener = this.clavier.addListener("svc", none(endpoints).outlierFailures(1)
			.maxEjectionPercent(50)
			.build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		AtomicInteger most = new AtomicInteger();
		listener.subscribe(new ListenerObserver() {

			@Override
			public void selectionChanged(ListenerSnapshot snapshot, List<Endpoint> selectable) {
				most.accumulateAndGet(endpoints.size() - selectable.size(), Math::max);
			}

		});
		// A client-side bug: every call to every endpoint fails.
		for (int round = 0; round < 20; round++) {
			for (Endpoint endpoint : endpoints) {
				listener.reportCall(endpoint, false, "HTTP 400");
			}
		}
		flushScheduler();
		assertThat(ejected(listener)).isEqualTo(2);
		assertThat(listener.selection().size()).isEqualTo(2);
		assertThat(most.get()).isEqualTo(2);
	}

	@Test
	void reportCallWhenCapIsBelowOneEndpointShouldStillEjectOne() throws Exception {
		List<Endpoint> endpoints = endpoints(4);
		Listener listener = this.clavier.addListener("svc", none(endpoints).outlierFailures(1)
			.maxEjectionPercent(10)
			.build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		for (int round = 0; round < 5; round++) {
			for (Endpoint endpoint : endpoints) {
				listener.reportCall(endpoint, false, "HTTP 400");
			}
		}
		flushScheduler();
		assertThat(ejected(listener)).isEqualTo(1);
		assertThat(listener.selection().size()).isEqualTo(3);
	}

	@Test
	void reportCallWhenFailurePercentageReachedWithMinimumCallsShouldEject() throws Exception {
		List<Endpoint> endpoints = endpoints(2);
		Endpoint a = endpoints.get(0);
		Listener listener = this.clavier.addListener("svc", none(endpoints).outlierFailures(100)
			.failurePercentage(50, 10, Duration.ofMinutes(1))
			.build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		// Every other call fails: never two in a row, half of them.
		for (int i = 0; i < 4; i++) {
			listener.reportCall(a, true, null);
			listener.reportCall(a, false, "HTTP 503");
		}
		flushScheduler();
		assertThat(state(listener, a).status()).as("8 calls: below the minimum of 10").isEqualTo(HealthStatus.HEALTHY);
		listener.reportCall(a, false, "HTTP 503");
		listener.reportCall(a, true, null);
		flushScheduler();
		assertThat(state(listener, a).status()).as("10 calls, 5 failed, the last a success: not judged on a success")
			.isEqualTo(HealthStatus.HEALTHY);
		listener.reportCall(a, false, "HTTP 503");
		await().atMost(WAIT).until(() -> state(listener, a).status() == HealthStatus.UNHEALTHY);
		Ejection ejection = state(listener, a).ejection();
		assertThat(ejection).isNotNull();
		assertThat(ejection.reason()).isEqualTo("at least 50% of 10 or more calls within 60s failed");
	}

	@Test
	void reportCallWhenFailureShareBelowThresholdShouldNotEject() throws Exception {
		List<Endpoint> endpoints = endpoints(2);
		Endpoint a = endpoints.get(0);
		Listener listener = this.clavier.addListener("svc", none(endpoints).outlierFailures(100)
			.failurePercentage(60, 10, Duration.ofMinutes(1))
			.build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		for (int i = 0; i < 50; i++) {
			listener.reportCall(a, true, null);
			listener.reportCall(a, false, "HTTP 503");
		}
		flushScheduler();
		assertThat(state(listener, a).status()).isEqualTo(HealthStatus.HEALTHY);
		assertThat(state(listener, a).ejection()).isNull();
	}

}
