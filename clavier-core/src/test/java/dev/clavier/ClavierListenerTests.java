package dev.clavier;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.clavier.ScriptedScout.Verdict;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.filter.Filters;
import dev.clavier.scout.Scouts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the engine's listener: discovery merging, the health state machine on a live
 * schedule, selection and the all-down policies, driven by scripted plug-ins.
 */
class ClavierListenerTests {

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

	private static HealthStatus status(Listener listener, Endpoint endpoint) {
		return listener.endpoints()
			.stream()
			.filter((state) -> state.endpoint().sameAddress(endpoint))
			.findFirst()
			.orElseThrow()
			.status();
	}

	@Test
	void awaitReadyWhenFirstRoundDoneShouldBeTrueAndStatesKnown() throws Exception {
		this.scout.set(B.address(), Verdict.FAIL);
		Listener listener = this.clavier.addListener("svc", fast(StaticDiscovery.of(A, B)).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		assertThat(status(listener, A)).isEqualTo(HealthStatus.HEALTHY);
		assertThat(status(listener, B)).isEqualTo(HealthStatus.UNHEALTHY);
		EndpointState a = listener.endpoints().get(0);
		assertThat(a.lastCheck()).isNotNull();
		assertThat(a.latency()).isNotNull();
		assertThat(a.cause()).startsWith("first probe passed");
		assertThat(listener.endpoints().get(1).lastError()).isEqualTo("scripted failure");
	}

	@Test
	void getEndpointWhenOneUnhealthyShouldOnlyReturnHealthyOnes() throws Exception {
		this.scout.set(B.address(), Verdict.FAIL);
		Listener listener = this.clavier.addListener("svc", fast(StaticDiscovery.of(A, B, C)).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		Map<Endpoint, Integer> counts = new HashMap<>();
		for (int i = 0; i < 1000; i++) {
			counts.merge(listener.getEndpoint(), 1, Integer::sum);
		}
		assertThat(counts).containsOnlyKeys(A, C);
		assertThat(counts.get(A)).isEqualTo(500);
		assertThat(counts.get(C)).isEqualTo(500);
	}

	@Test
	void healthyEndpointWhenFallFailuresShouldBecomeUnhealthyAndRiseSuccessesBringItBack() throws Exception {
		List<HealthTransition> transitions = new CopyOnWriteArrayList<>();
		Listener listener = this.clavier.addListener("svc", fast(StaticDiscovery.of(A)).rise(3).fall(2).build());
		listener.subscribe(new ListenerObserver() {
			@Override
			public void transitioned(Listener source, HealthTransition transition) {
				transitions.add(transition);
			}
		});
		assertThat(listener.awaitReady(WAIT)).isTrue();
		await().atMost(WAIT).until(() -> status(listener, A) == HealthStatus.HEALTHY);
		this.scout.set(A.address(), Verdict.FAIL);
		await().atMost(WAIT).until(() -> status(listener, A) == HealthStatus.UNHEALTHY);
		EndpointState down = listener.endpoints().get(0);
		assertThat(down.consecutiveFailures()).isGreaterThanOrEqualTo(2);
		assertThat(down.cause()).isEqualTo("2 consecutive probe(s) failed: scripted failure");
		assertThatExceptionOfType(NoHealthyEndpointException.class).isThrownBy(listener::getEndpoint);
		this.scout.set(A.address(), Verdict.PASS);
		await().atMost(WAIT).until(() -> status(listener, A) == HealthStatus.HEALTHY);
		assertThat(listener.endpoints().get(0).cause()).isEqualTo("3 consecutive probe(s) passed: ok");
		assertThat(listener.getEndpoint()).isEqualTo(A);
		// The first transition (UNKNOWN to HEALTHY) may come before the observer subscribed.
		await().atMost(WAIT).until(() -> transitions.size() >= 2);
		assertThat(transitions).extracting(HealthTransition::to).endsWith(HealthStatus.UNHEALTHY, HealthStatus.HEALTHY);
		assertThat(listener.endpoints().get(0).transitions()).hasSizeGreaterThanOrEqualTo(3);
	}

	@Test
	void healthyEndpointWhenFailuresFewerThanFallShouldStayHealthy() throws Exception {
		Listener listener = this.clavier.addListener("svc", fast(StaticDiscovery.of(A)).fall(1000).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		this.scout.set(A.address(), Verdict.FAIL);
		int before = this.scout.probes(A.address());
		await().atMost(WAIT).until(() -> this.scout.probes(A.address()) >= before + 3);
		assertThat(status(listener, A)).isEqualTo(HealthStatus.HEALTHY);
		assertThat(listener.endpoints().get(0).consecutiveFailures()).isGreaterThanOrEqualTo(3);
	}

	@Test
	void probeWhenScoutHangsShouldFailAtTimeoutAndCancelIt() throws Exception {
		this.scout.set(A.address(), Verdict.HANG);
		Listener listener = this.clavier.addListener("svc", fast(StaticDiscovery.of(A)).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		EndpointState state = listener.endpoints().get(0);
		assertThat(state.status()).isEqualTo(HealthStatus.UNHEALTHY);
		assertThat(state.lastError()).isEqualTo("timed out after 60ms");
		assertThat(this.scout.hanging.get(0)).isCancelled();
	}

	@Test
	void probeWhenScoutThrowsShouldFailWithItsMessageAndKeepProbing() throws Exception {
		this.scout.set(A.address(), Verdict.THROW);
		Listener listener = this.clavier.addListener("svc", fast(StaticDiscovery.of(A)).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		assertThat(listener.endpoints().get(0).lastError()).isEqualTo("scripted exception");
		int before = this.scout.probes(A.address());
		await().atMost(WAIT).until(() -> this.scout.probes(A.address()) > before + 2);
	}

	@Test
	void probesShouldNeverOverlapForOneEndpoint() throws Exception {
		this.scout.set(A.address(), Verdict.HANG);
		Listener listener = this.clavier.addListener("svc", fast(StaticDiscovery.of(A)).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		for (int i = 0; i < 20; i++) {
			listener.probeNow();
		}
		int before = this.scout.probes(A.address());
		await().atMost(WAIT).until(() -> this.scout.probes(A.address()) >= before + 3);
		assertThat(this.scout.maxConcurrent.get()).isEqualTo(1);
	}

	@Test
	void endpointWhenItLeavesDiscoveryShouldStopBeingProbedAndBeReleased() throws Exception {
		MutableDiscovery discovery = new MutableDiscovery(Duration.ofMillis(50), A, B);
		Listener listener = this.clavier.addListener("svc", fast(discovery).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		discovery.set(A);
		await().atMost(WAIT).until(() -> listener.endpoints().size() == 1);
		assertThat(this.scout.released).containsExactly(B.address());
		int probesOfB = this.scout.probes(B.address());
		int probesOfA = this.scout.probes(A.address());
		await().atMost(WAIT).until(() -> this.scout.probes(A.address()) >= probesOfA + 3);
		assertThat(this.scout.probes(B.address())).isEqualTo(probesOfB);
		for (int i = 0; i < 100; i++) {
			assertThat(listener.getEndpoint()).isEqualTo(A);
		}
	}

	@Test
	void newEndpointWhenDiscoveredShouldBeProbedAtOnceAndJoinRotation() throws Exception {
		MutableDiscovery discovery = new MutableDiscovery(Duration.ofMillis(50), A);
		Listener listener = this.clavier.addListener("svc",
				fast(discovery).interval(Duration.ofSeconds(30)).timeout(Duration.ofSeconds(1)).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		discovery.set(A, B);
		// With a 30 s interval only the immediate first probe can make B healthy within the wait.
		await().atMost(WAIT).until(() -> listener.selection().size() == 2);
		assertThat(this.scout.probes(B.address())).isEqualTo(1);
	}

	@Test
	void endpointWhenWeightChangesShouldKeepItsHealth() throws Exception {
		MutableDiscovery discovery = new MutableDiscovery(Duration.ofMillis(50), A);
		Listener listener = this.clavier.addListener("svc", fast(discovery).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		discovery.set(A.withWeight(7));
		await().atMost(WAIT).until(() -> listener.getEndpoint().weight() == 7);
		assertThat(status(listener, A)).isEqualTo(HealthStatus.HEALTHY);
	}

	@Test
	void discoveryWhenItFailsShouldKeepLastGoodSetAndRetry() throws Exception {
		MutableDiscovery discovery = new MutableDiscovery(Duration.ofMillis(50), A, B);
		Listener listener = this.clavier.addListener("svc",
				fast(discovery).discoveryRetry(Duration.ofMillis(20), Duration.ofMillis(100)).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		discovery.fail(true);
		await().atMost(WAIT).until(() -> listener.discoveryState().attempts() >= 3);
		DiscoveryState state = listener.discoveryState();
		assertThat(state.lastError()).isEqualTo("scripted discovery failure");
		assertThat(state.nextRefresh()).isNotNull();
		assertThat(listener.endpoints()).hasSize(2);
		assertThat(listener.selection().size()).isEqualTo(2);
		discovery.set(A);
		await().atMost(WAIT).until(() -> listener.endpoints().size() == 1);
		assertThat(listener.discoveryState().lastError()).isNull();
		assertThat(listener.discoveryState().attempts()).isZero();
	}

	@Test
	void discoveryWhenItHangsShouldTimeOutAndRetry() throws Exception {
		MutableDiscovery discovery = new MutableDiscovery(Duration.ofMillis(50), A);
		discovery.hang(true);
		Listener listener = this.clavier.addListener("svc", fast(discovery).discoveryTimeout(Duration.ofMillis(50))
			.discoveryRetry(Duration.ofMillis(10), Duration.ofMillis(20))
			.build());
		await().atMost(WAIT).until(() -> listener.discoveryState().attempts() >= 2);
		assertThat(listener.discoveryState().lastError()).isEqualTo("discovery timed out after 50ms");
		assertThat(listener.awaitReady(Duration.ofMillis(10))).isFalse();
		discovery.hang(false);
		assertThat(listener.awaitReady(WAIT)).isTrue();
	}

	@Test
	void discoveryWhenAnswerEmptyShouldKeepKnownEndpointsByDefault() throws Exception {
		MutableDiscovery discovery = new MutableDiscovery(Duration.ofMillis(50), A, B);
		Listener listener = this.clavier.addListener("svc", fast(discovery).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		int calls = discovery.calls.get();
		discovery.set();
		await().atMost(WAIT).until(() -> discovery.calls.get() > calls + 2);
		assertThat(listener.endpoints()).hasSize(2);
		assertThat(listener.discoveryState().lastNote()).isEqualTo("NXDOMAIN");
	}

	@Test
	void discoveryWhenAnswerEmptyAndClearOnEmptyShouldEmptyTheSet() throws Exception {
		MutableDiscovery discovery = new MutableDiscovery(Duration.ofMillis(50), A, B);
		Listener listener = this.clavier.addListener("svc", fast(discovery).clearOnEmpty(true).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		discovery.set();
		await().atMost(WAIT).until(() -> listener.endpoints().isEmpty());
		assertThatExceptionOfType(NoHealthyEndpointException.class).isThrownBy(listener::getEndpoint)
			.withMessage("[svc] no healthy endpoint: none discovered by mutable scripted list (last answer: NXDOMAIN)");
	}

	@Test
	void getEndpointWhenAllDownAndPolicyFailShouldNameListenerCountsAndErrors() throws Exception {
		this.scout.setAll(Verdict.FAIL);
		Listener listener = this.clavier.addListener("backend", fast(StaticDiscovery.of(A, B)).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		assertThatExceptionOfType(NoHealthyEndpointException.class).isThrownBy(listener::getEndpoint)
			.satisfies((ex) -> assertThat(ex.getListener()).isEqualTo("backend"))
			.withMessage("[backend] no healthy endpoint: 2 discovered (0 HEALTHY, 2 UNHEALTHY, 0 UNKNOWN); "
					+ "last errors: 127.0.0.2:8080: scripted failure; 127.0.0.3:8080: scripted failure");
	}

	@Test
	void getEndpointWhenAllDownAndPolicyAllShouldFallBackToEveryEndpoint() throws Exception {
		this.scout.setAll(Verdict.FAIL);
		Listener listener = this.clavier.addListener("svc",
				fast(StaticDiscovery.of(A, B)).allDownPolicy(AllDownPolicy.ALL).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		assertThat(listener.selection().isFallback()).isTrue();
		assertThat(List.of(listener.getEndpoint(), listener.getEndpoint())).containsExactlyInAnyOrder(A, B);
		this.scout.set(B.address(), Verdict.PASS);
		await().atMost(WAIT).until(() -> !listener.selection().isFallback());
		assertThat(listener.getEndpoint()).isEqualTo(B);
		assertThat(listener.getEndpoint()).isEqualTo(B);
	}

	@Test
	void getEndpointWhenIgnoreHealthShouldPickAmongAllDiscovered() throws Exception {
		this.scout.setAll(Verdict.FAIL);
		Listener listener = this.clavier.addListener("svc", fast(StaticDiscovery.of(A, B)).ignoreHealth(true).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		assertThat(List.of(listener.getEndpoint(), listener.getEndpoint())).containsExactlyInAnyOrder(A, B);
		assertThat(listener.endpoints()).extracting(EndpointState::status).containsOnly(HealthStatus.UNHEALTHY);
	}

	@Test
	void getEndpointWhenNothingDiscoveredYetShouldSaySo() {
		MutableDiscovery discovery = new MutableDiscovery(Duration.ofMillis(50), A);
		discovery.hang(true);
		Listener listener = this.clavier.addListener("svc", fast(discovery).build());
		assertThatExceptionOfType(NoHealthyEndpointException.class).isThrownBy(listener::getEndpoint)
			.withMessageContaining("[svc] no healthy endpoint: none discovered by mutable scripted list");
	}

	@Test
	void scoutNoneShouldMakeEveryEndpointHealthyWithoutProbing() throws Exception {
		Listener listener = this.clavier.addListener("svc",
				ListenerConfig.builder(StaticDiscovery.of(A, B)).scout(Scouts.none()).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		assertThat(listener.endpoints()).extracting(EndpointState::status).containsOnly(HealthStatus.HEALTHY);
		assertThat(listener.endpoints()).extracting(EndpointState::lastCheck).containsOnlyNulls();
	}

	@Test
	void randomFilterShouldPickOnlyHealthyEndpoints() throws Exception {
		this.scout.set(B.address(), Verdict.FAIL);
		Listener listener = this.clavier.addListener("svc",
				fast(StaticDiscovery.of(A, B, C)).filter(Filters.random()).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		for (int i = 0; i < 200; i++) {
			assertThat(listener.getEndpoint()).isIn(A, C);
		}
	}

	@Test
	void observerWhenItThrowsShouldNotStopTheListener() throws Exception {
		Listener listener = this.clavier.addListener("svc", fast(StaticDiscovery.of(A)).build());
		listener.subscribe(new ListenerObserver() {
			@Override
			public void probed(Listener source, Endpoint endpoint, boolean healthy, Duration latency, String error) {
				throw new IllegalStateException("faulty observer");
			}
		});
		assertThat(listener.awaitReady(WAIT)).isTrue();
		int before = this.scout.probes(A.address());
		await().atMost(WAIT).until(() -> this.scout.probes(A.address()) > before + 2);
		assertThat(listener.getEndpoint()).isEqualTo(A);
	}

	@Test
	void removeListenerShouldStopProbesCloseSessionsAndFailPicks() throws Exception {
		MutableDiscovery discovery = new MutableDiscovery(Duration.ofMillis(50), A);
		Listener listener = this.clavier.addListener("svc", fast(discovery).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		assertThat(this.clavier.removeListener("svc")).isTrue();
		assertThat(listener.isClosed()).isTrue();
		assertThat(this.scout.closedSessions).hasValue(1);
		assertThat(discovery.closedSessions).hasValue(1);
		int probes = this.scout.probes(A.address());
		int calls = discovery.calls.get();
		// Keep a live listener beside it to prove the scheduler goes on while the removed one stays still.
		Listener other = this.clavier.addListener("other", fast(StaticDiscovery.of(B)).build());
		int otherProbes = this.scout.probes(B.address());
		await().atMost(WAIT).until(() -> this.scout.probes(B.address()) >= otherProbes + 3);
		assertThat(other.isClosed()).isFalse();
		assertThat(this.scout.probes(A.address())).isEqualTo(probes);
		assertThat(discovery.calls.get()).isEqualTo(calls);
		assertThatIllegalStateException().isThrownBy(listener::getEndpoint).withMessage("[svc] listener is closed");
	}

	@Test
	void reportCallWhenFailuresReachThresholdShouldEjectUntilNextPassingProbe() throws Exception {
		Listener listener = this.clavier.addListener("svc",
				fast(StaticDiscovery.of(A, B)).interval(Duration.ofSeconds(1)).timeout(Duration.ofMillis(500))
					.rise(5).outlierFailures(3).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		listener.reportCall(A, false, "connect refused");
		listener.reportCall(A, false, "connect refused");
		listener.reportCall(A, true, null);
		listener.reportCall(A, false, "connect refused");
		listener.reportCall(A, false, "connect refused");
		assertThat(status(listener, A)).isEqualTo(HealthStatus.HEALTHY);
		listener.reportCall(A, false, "read timed out");
		await().atMost(WAIT).until(() -> status(listener, A) == HealthStatus.UNHEALTHY);
		assertThat(listener.endpoints().get(0).cause())
			.isEqualTo("3 consecutive call(s) failed: read timed out; out of rotation until a probe passes");
		assertThat(listener.selection().endpoints()).containsExactly(B);
		// One passing probe (not rise = 5) brings an ejected endpoint back.
		listener.probeNow();
		await().atMost(WAIT).until(() -> status(listener, A) == HealthStatus.HEALTHY);
		assertThat(listener.selection().endpoints()).containsExactly(A, B);
	}

	@Test
	void reportCallWhenOutlierDetectionOffOrEndpointUnknownShouldDoNothing() throws Exception {
		Listener listener = this.clavier.addListener("svc", fast(StaticDiscovery.of(A)).outlierFailures(0).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		for (int i = 0; i < 50; i++) {
			listener.reportCall(A, false, "boom");
			listener.reportCall(C, false, "boom");
		}
		listener.probeNow();
		int before = this.scout.probes(A.address());
		await().atMost(WAIT).until(() -> this.scout.probes(A.address()) > before);
		assertThat(status(listener, A)).isEqualTo(HealthStatus.HEALTHY);
	}

}
