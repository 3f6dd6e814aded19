package dev.clavier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.clavier.ScriptedScout.Verdict;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.endpoint.HealthTransition;
import dev.clavier.filter.Filters;
import dev.clavier.listener.AllDownPolicy;
import dev.clavier.listener.DiscoveryState;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.listener.ListenerObserver;
import dev.clavier.listener.ListenerSnapshot;
import dev.clavier.listener.NoHealthyEndpointException;
import dev.clavier.scout.ProbeResult;
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

	/**
	 * Returns a configuration whose probes come seldom and may take long, so that a test decides
	 * when a scripted hanging probe ends.
	 */
	/**
	 * Starts a listener on {@code discovery} (holding A), then moves discovery to B, whose first
	 * probe hangs until the test completes it; returns once that probe is in flight.
	 */
	private Listener listenerMovedFromAToHangingB(MutableDiscovery discovery) throws InterruptedException {
		Listener listener = this.clavier.addListener("svc", slow(discovery).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		this.scout.set(B.address(), Verdict.HANG);
		discovery.set(B);
		await().atMost(WAIT).until(() -> this.scout.hanging.size() == 1);
		return listener;
	}

	private ListenerConfig.Builder slow(dev.clavier.discovery.Discovery discovery) {
		return fast(discovery).interval(Duration.ofMinutes(10)).timeout(Duration.ofMinutes(1));
	}

	private static List<Endpoint> ports(int count) {
		List<Endpoint> endpoints = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			endpoints.add(Endpoint.of("127.0.0.1", 7000 + i));
		}
		return endpoints;
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
	void endpointsWhenProbesChangeNoHealthShouldShowEachEndpointsLatestProbe() throws Exception {
		Listener listener = this.clavier.addListener("svc", fast(StaticDiscovery.of(A, B, C)).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		List<EndpointState> first = listener.endpoints();
		// Probes that change no health are published by patching only their own states: every
		// endpoint must still show its own newest probe, in address order, and keep its health.
		await().atMost(WAIT).untilAsserted(() -> {
			List<EndpointState> now = listener.endpoints();
			assertThat(now).extracting(EndpointState::endpoint).containsExactly(A, B, C);
			for (int i = 0; i < 3; i++) {
				assertThat(now.get(i).lastCheck()).isAfter(first.get(i).lastCheck());
				assertThat(now.get(i).consecutiveSuccesses()).isGreaterThanOrEqualTo(3);
				assertThat(now.get(i).status()).isEqualTo(HealthStatus.HEALTHY);
			}
		});
		assertThat(listener.snapshot().selection().endpoints()).containsExactly(A, B, C);
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
			public void transitioned(ListenerSnapshot source, HealthTransition transition) {
				transitions.add(transition);
			}
		});
		assertThat(listener.awaitReady(WAIT)).isTrue();
		await().atMost(WAIT).until(() -> status(listener, A) == HealthStatus.HEALTHY);
		this.scout.set(A.address(), Verdict.FAIL);
		// States are published at once, the selection a moment later (rebuilt once per burst).
		await().atMost(WAIT).until(() -> status(listener, A) == HealthStatus.UNHEALTHY && listener.selection().isEmpty());
		EndpointState down = listener.endpoints().get(0);
		assertThat(down.consecutiveFailures()).isGreaterThanOrEqualTo(2);
		assertThat(down.cause()).isEqualTo("2 consecutive probe(s) failed: scripted failure");
		assertThatExceptionOfType(NoHealthyEndpointException.class).isThrownBy(listener::getEndpoint);
		this.scout.set(A.address(), Verdict.PASS);
		await().atMost(WAIT).until(() -> status(listener, A) == HealthStatus.HEALTHY && !listener.selection().isEmpty());
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
		// Waits for recorded outcomes, not for probes started: the last one's may not be in yet.
		await().atMost(WAIT).until(() -> listener.endpoints().get(0).consecutiveFailures() >= 3);
		assertThat(status(listener, A)).isEqualTo(HealthStatus.HEALTHY);
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
	void probesWhenMoreFallDueThanTheBoundShouldWaitForFreeSlotsAndAllRunInOrder() throws Exception {
		GatedScout gated = new GatedScout();
		List<Endpoint> endpoints = ports(20);
		Listener listener = this.clavier.addListener("svc",
				slow(StaticDiscovery.of(endpoints)).scout(gated).maxProbesInFlight(4).build());
		await().atMost(WAIT).until(() -> gated.pending.size() == 4);
		assertThat(gated.started).containsExactlyElementsOf(endpoints.subList(0, 4));
		// Each probe that ends lets the next waiting one start, in the order they fell due.
		for (int ended = 1; ended <= 16; ended++) {
			gated.passOldest();
			int expected = 4 + ended;
			await().atMost(WAIT).until(() -> gated.started.size() == expected);
			assertThat(gated.inFlight()).isLessThanOrEqualTo(4);
		}
		assertThat(listener.awaitReady(Duration.ofMillis(1))).isFalse();
		for (int i = 0; i < 4; i++) {
			gated.passOldest();
		}
		assertThat(listener.awaitReady(WAIT)).isTrue();
		assertThat(gated.started).containsExactlyElementsOf(endpoints);
		assertThat(gated.maxInFlight).hasValue(4);
		assertThat(listener.selection().endpoints()).containsExactlyElementsOf(endpoints);
	}

	@Test
	void probeWhenItWaitedForASlotLongerThanTheTimeoutShouldStillHaveItsWholeTimeout() throws Exception {
		GatedScout gated = new GatedScout();
		// B passes as soon as its probe starts; A's probe never ends and times out after 200 ms,
		// all of which B spends waiting for the only slot.
		gated.passAtOnce(B);
		Listener listener = this.clavier.addListener("svc", slow(StaticDiscovery.of(A, B))
			.timeout(Duration.ofMillis(200)).scout(gated).maxProbesInFlight(1).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		assertThat(gated.events).containsExactly("start " + A.address(), "end " + A.address(), "start " + B.address(),
				"end " + B.address());
		assertThat(status(listener, A)).isEqualTo(HealthStatus.UNHEALTHY);
		assertThat(listener.endpoints().get(0).lastError()).isEqualTo("timed out after 200ms");
		assertThat(status(listener, B)).isEqualTo(HealthStatus.HEALTHY);
		assertThat(gated.maxInFlight).hasValue(1);
	}

	@Test
	void probeNowWhenEverySlotIsTakenShouldProbeEachEndpointOnceWithoutOverlap() throws Exception {
		GatedScout gated = new GatedScout();
		List<Endpoint> endpoints = ports(5);
		Listener listener = this.clavier.addListener("svc",
				slow(StaticDiscovery.of(endpoints)).scout(gated).maxProbesInFlight(2).build());
		for (int i = 0; i < 5; i++) {
			await().atMost(WAIT).until(() -> !gated.pending.isEmpty());
			gated.passOldest();
		}
		assertThat(listener.awaitReady(WAIT)).isTrue();
		for (int i = 0; i < 10; i++) {
			listener.probeNow();
		}
		for (int i = 0; i < 5; i++) {
			await().atMost(WAIT).until(() -> !gated.pending.isEmpty());
			gated.passOldest();
		}
		await().atMost(WAIT).until(() -> listener.endpoints().stream().allMatch((state) -> state.consecutiveSuccesses() == 2));
		for (Endpoint endpoint : endpoints) {
			assertThat(gated.probes(endpoint)).as(endpoint.address()).isEqualTo(2);
		}
		assertThat(gated.started.subList(5, 10)).containsExactlyElementsOf(endpoints);
		assertThat(gated.maxInFlight).hasValue(2);
		assertThat(gated.pending).isEmpty();
	}

	@Test
	void endpointWhenItLeavesDiscoveryWhileWaitingForASlotShouldNeverBeProbed() throws Exception {
		GatedScout gated = new GatedScout();
		MutableDiscovery discovery = new MutableDiscovery(Duration.ofMillis(20), A);
		Listener listener = this.clavier.addListener("svc", slow(discovery).scout(gated).maxProbesInFlight(1).build());
		await().atMost(WAIT).until(() -> gated.pending.size() == 1);
		gated.passOldest();
		assertThat(listener.awaitReady(WAIT)).isTrue();
		// A probe of B holds the only slot; C's first probe waits; C leaves before a slot frees.
		discovery.set(A, B, C);
		await().atMost(WAIT).until(() -> gated.pending.size() == 1 && listener.endpoints().size() == 3);
		discovery.set(A, B);
		await().atMost(WAIT).until(() -> listener.endpoints().size() == 2);
		assertThat(gated.passOldest()).isEqualTo(B);
		await().atMost(WAIT).until(() -> status(listener, B) == HealthStatus.HEALTHY);
		assertThat(gated.started).containsExactly(A, B);
		assertThat(gated.pending).isEmpty();
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
	void discoveryWhenItReplacesTheOnlyHealthyEndpointShouldKeepPickingItUntilTheNewOnePasses() throws Exception {
		MutableDiscovery discovery = new MutableDiscovery(Duration.ofMillis(20), A);
		Listener listener = listenerMovedFromAToHangingB(discovery);
		// B awaits its first probe: A, gone from discovery, is still picked and shown as draining.
		assertThat(listener.selection().endpoints()).containsExactly(A);
		assertThat(listener.getEndpoint()).isEqualTo(A);
		assertThat(listener.endpoints()).extracting(EndpointState::endpoint).containsExactly(A, B);
		EndpointState draining = listener.endpoints().get(0);
		assertThat(draining.status()).isEqualTo(HealthStatus.HEALTHY);
		assertThat(draining.cause()).startsWith("left discovery");
		assertThat(status(listener, B)).isEqualTo(HealthStatus.UNKNOWN);
		// Not probed any more: released at once.
		assertThat(this.scout.released).containsExactly(A.address());
		int probesOfA = this.scout.probes(A.address());
		this.scout.hanging.get(0).complete(ProbeResult.passed("ok"));
		await().atMost(WAIT).until(() -> listener.selection().endpoints().equals(List.of(B)));
		assertThat(listener.endpoints()).extracting(EndpointState::endpoint).containsExactly(B);
		assertThat(listener.getEndpoint()).isEqualTo(B);
		assertThat(this.scout.probes(A.address())).isEqualTo(probesOfA);
	}

	@Test
	void discoveryWhenTheNewEndpointFailsItsFirstProbeShouldStopPickingTheRemovedOne() throws Exception {
		MutableDiscovery discovery = new MutableDiscovery(Duration.ofMillis(20), A);
		Listener listener = listenerMovedFromAToHangingB(discovery);
		assertThat(listener.getEndpoint()).isEqualTo(A);
		this.scout.hanging.get(0).complete(ProbeResult.failed("scripted failure"));
		await().atMost(WAIT).until(() -> listener.selection().isEmpty());
		assertThat(listener.endpoints()).extracting(EndpointState::endpoint).containsExactly(B);
		assertThatExceptionOfType(NoHealthyEndpointException.class).isThrownBy(listener::getEndpoint)
			.withMessage("[svc] no healthy endpoint: 1 discovered (0 HEALTHY, 1 UNHEALTHY, 0 UNKNOWN); "
					+ "last errors: 127.0.0.3:8080: scripted failure");
	}

	@Test
	void discoveryWhenTheNewEndpointNeverAnswersShouldStopPickingTheRemovedOneAfterOneTimeout() throws Exception {
		MutableDiscovery discovery = new MutableDiscovery(Duration.ofMillis(20), A);
		Listener listener = this.clavier.addListener("svc", slow(discovery).timeout(Duration.ofMillis(300)).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		// Observers run on the engine's scheduler thread, so what they see is not raced: the
		// selection right after B was discovered, and B's state when the engine stops picking A
		// (UNKNOWN: the deadline ended the draining, not the outcome of B's probe).
		List<List<Endpoint>> whenDiscovered = new CopyOnWriteArrayList<>();
		List<List<EndpointState>> whenEmptied = new CopyOnWriteArrayList<>();
		listener.subscribe(new ListenerObserver() {
			@Override
			public void discovered(ListenerSnapshot source, List<Endpoint> endpoints, Throwable error) {
				if (endpoints.equals(List.of(B)) && whenDiscovered.isEmpty()) {
					whenDiscovered.add(source.selection().endpoints());
				}
			}

			@Override
			public void selectionChanged(ListenerSnapshot source, List<Endpoint> selectable) {
				if (selectable.isEmpty()) {
					whenEmptied.add(source.endpoints());
				}
			}
		});
		this.scout.set(B.address(), Verdict.HANG);
		discovery.set(B);
		await().atMost(WAIT).until(() -> !whenEmptied.isEmpty());
		assertThat(whenDiscovered).containsExactly(List.of(A));
		assertThat(whenEmptied.get(0)).extracting(EndpointState::endpoint).containsExactly(B);
		assertThat(whenEmptied.get(0).get(0).status()).isEqualTo(HealthStatus.UNKNOWN);
		assertThatExceptionOfType(NoHealthyEndpointException.class).isThrownBy(listener::getEndpoint);
		await().atMost(WAIT).until(() -> status(listener, B) == HealthStatus.UNHEALTHY);
		assertThat(listener.endpoints().get(0).lastError()).isEqualTo("timed out after 300ms");
		assertThat(listener.selection().isEmpty()).isTrue();
	}

	@Test
	void discoveryWhenAHealthyEndpointRemainsShouldDropTheRemovedOneAtOnce() throws Exception {
		MutableDiscovery discovery = new MutableDiscovery(Duration.ofMillis(20), A, B);
		Listener listener = this.clavier.addListener("svc", slow(discovery).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		this.scout.set(C.address(), Verdict.HANG);
		discovery.set(B, C);
		await().atMost(WAIT).until(() -> listener.selection().endpoints().equals(List.of(B)));
		assertThat(listener.endpoints()).extracting(EndpointState::endpoint).containsExactly(B, C);
	}

	@Test
	void removeListenerWhileDrainingShouldLeaveNothingToPick() throws Exception {
		MutableDiscovery discovery = new MutableDiscovery(Duration.ofMillis(20), A);
		Listener listener = listenerMovedFromAToHangingB(discovery);
		assertThat(listener.getEndpoint()).isEqualTo(A);
		assertThat(this.clavier.removeListener("svc")).isTrue();
		assertThat(listener.selection().isEmpty()).isTrue();
		assertThat(listener.endpoints()).isEmpty();
		assertThatIllegalStateException().isThrownBy(listener::getEndpoint).withMessage("[svc] listener is closed");
	}

	@Test
	void discoveryWhenADrainingEndpointComesBackShouldShowItOnceAndPickItUntilProbed() throws Exception {
		MutableDiscovery discovery = new MutableDiscovery(Duration.ofMillis(20), A);
		Listener listener = this.clavier.addListener("svc", slow(discovery).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		this.scout.setAll(Verdict.HANG);
		discovery.set(B);
		await().atMost(WAIT).until(() -> this.scout.hanging.size() == 1);
		discovery.set(A, B);
		// A is discovered again: a new endpoint awaiting its first probe, shown once; the
		// draining A is still what picks return.
		await().atMost(WAIT).until(() -> this.scout.hanging.size() == 2);
		assertThat(listener.endpoints()).extracting(EndpointState::endpoint).containsExactly(A, B);
		assertThat(listener.endpoints()).extracting(EndpointState::status).containsOnly(HealthStatus.UNKNOWN);
		assertThat(listener.getEndpoint()).isEqualTo(A);
		this.scout.hanging.get(1).complete(ProbeResult.passed("ok"));
		await().atMost(WAIT).until(() -> status(listener, A) == HealthStatus.HEALTHY);
		assertThat(listener.selection().endpoints()).containsExactly(A);
		assertThat(listener.endpoints()).extracting(EndpointState::endpoint).containsExactly(A, B);
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
			public void probed(ListenerSnapshot source, Endpoint endpoint, boolean healthy, Duration latency, String error) {
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
		// States are published just before the selection.
		await().atMost(WAIT).until(() -> status(listener, A) == HealthStatus.UNHEALTHY
				&& listener.selection().endpoints().equals(List.of(B)));
		assertThat(listener.endpoints().get(0).cause())
			.isEqualTo("3 consecutive call(s) failed: read timed out; out of rotation for 30s (ejection 1) or until a "
					+ "probe passes");
		// One passing probe (not rise = 5) brings an ejected endpoint back.
		listener.probeNow();
		await().atMost(WAIT).until(() -> status(listener, A) == HealthStatus.HEALTHY
				&& listener.selection().endpoints().equals(List.of(A, B)));
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

	/**
	 * Returns a configuration whose interval is ten minutes, so that a healthy endpoint is probed
	 * once in a test, with the given fast and down intervals.
	 */
	private ListenerConfig.Builder stateDependent(dev.clavier.discovery.Discovery discovery, Duration fastInterval,
			Duration downInterval) {
		return slow(discovery).timeout(Duration.ofMillis(10)).fastInterval(fastInterval).downInterval(downInterval);
	}

	/**
	 * Waits until a listener of its own has probed C, every 20 ms, {@code ticks} more times: a
	 * clock in probes, so that a test can show another endpoint was not probed on a 20 ms
	 * schedule meanwhile without timing anything.
	 */
	private void awaitClockTicks(int ticks) {
		if (this.clavier.listener("clock").isEmpty()) {
			this.clavier.addListener("clock",
					fast(StaticDiscovery.of(C)).interval(Duration.ofMillis(20)).timeout(Duration.ofMillis(10)).build());
		}
		int start = this.scout.probes(C.address());
		await().atMost(WAIT).until(() -> this.scout.probes(C.address()) >= start + ticks);
	}

	@Test
	void probeWhenHealthyShouldWaitTheIntervalAndWhenUnhealthyTheDownInterval() throws Exception {
		this.scout.set(B.address(), Verdict.FAIL);
		Listener listener = this.clavier.addListener("svc",
				stateDependent(StaticDiscovery.of(A, B), Duration.ofMillis(20), Duration.ofMillis(20)).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		await().atMost(WAIT).until(() -> this.scout.probes(B.address()) >= 10);
		assertThat(status(listener, B)).isEqualTo(HealthStatus.UNHEALTHY);
		assertThat(status(listener, A)).isEqualTo(HealthStatus.HEALTHY);
		assertThat(this.scout.probes(A.address())).isEqualTo(1);
	}

	@Test
	void probeWhenHealthyEndpointFailsShouldUseTheFastIntervalUntilItFalls() throws Exception {
		Listener listener = this.clavier.addListener("svc",
				stateDependent(StaticDiscovery.of(A), Duration.ofMillis(20), Duration.ofMinutes(10)).fall(3).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		this.scout.set(A.address(), Verdict.FAIL);
		listener.probeNow();
		// At the ten-minute interval the second and third failures would take twenty minutes.
		await().atMost(WAIT).until(() -> status(listener, A) == HealthStatus.UNHEALTHY);
		assertThat(this.scout.probes(A.address())).isEqualTo(4);
		assertThat(listener.endpoints().get(0).consecutiveFailures()).isEqualTo(3);
		// Fallen, it waits the ten-minute down interval.
		awaitClockTicks(10);
		assertThat(this.scout.probes(A.address())).isEqualTo(4);
	}

	@Test
	void probeWhenHealthyEndpointFailsOnceThenPassesShouldReturnToTheInterval() throws Exception {
		Listener listener = this.clavier.addListener("svc",
				stateDependent(StaticDiscovery.of(A), Duration.ofMillis(20), Duration.ofMillis(20)).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		this.scout.script(A.address(), Verdict.FAIL, Verdict.PASS);
		listener.probeNow();
		await().atMost(WAIT).until(() -> this.scout.probes(A.address()) == 3
				&& listener.endpoints().get(0).consecutiveSuccesses() == 1);
		assertThat(status(listener, A)).isEqualTo(HealthStatus.HEALTHY);
		awaitClockTicks(10);
		assertThat(this.scout.probes(A.address())).isEqualTo(3);
	}

	@Test
	void probeWhenUnhealthyEndpointPassesShouldUseTheFastIntervalUntilItRises() throws Exception {
		Listener listener = this.clavier.addListener("svc",
				stateDependent(StaticDiscovery.of(A), Duration.ofMillis(20), Duration.ofMinutes(10)).rise(3)
					.fall(1)
					.build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		this.scout.set(A.address(), Verdict.FAIL);
		listener.probeNow();
		await().atMost(WAIT).until(() -> status(listener, A) == HealthStatus.UNHEALTHY);
		assertThat(this.scout.probes(A.address())).isEqualTo(2);
		this.scout.set(A.address(), Verdict.PASS);
		listener.probeNow();
		// Once healthy it needs rise (3) passes; at the ten-minute down interval they would take twenty minutes.
		await().atMost(WAIT).until(() -> status(listener, A) == HealthStatus.HEALTHY);
		assertThat(this.scout.probes(A.address())).isEqualTo(5);
		assertThat(listener.endpoints().get(0).consecutiveSuccesses()).isEqualTo(3);
		// Risen, it waits the ten-minute interval.
		awaitClockTicks(10);
		assertThat(this.scout.probes(A.address())).isEqualTo(5);
	}

	@Test
	void probeWhenFastIntervalShorterThanTimeoutShouldStartEachProbeOnlyAfterThePreviousEnded() throws Exception {
		Listener listener = this.clavier.addListener("svc",
				stateDependent(StaticDiscovery.of(A), Duration.ofMillis(5), Duration.ofMinutes(10)).timeout(Duration.ofMillis(100))
					.fall(3)
					.build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		this.scout.set(A.address(), Verdict.HANG);
		listener.probeNow();
		await().atMost(WAIT).until(() -> status(listener, A) == HealthStatus.UNHEALTHY);
		assertThat(this.scout.probes(A.address())).isEqualTo(4);
		assertThat(this.scout.maxConcurrent.get()).isEqualTo(1);
		assertThat(listener.endpoints().get(0).lastError()).isEqualTo("timed out after 100ms");
	}

	@Test
	void endpointWhenItLeavesDiscoveryBetweenStatesShouldNoLongerBeProbed() throws Exception {
		MutableDiscovery discovery = new MutableDiscovery(Duration.ofMillis(20), A);
		Listener listener = this.clavier.addListener("svc",
				stateDependent(discovery, Duration.ofMillis(20), Duration.ofMinutes(10)).fall(1000).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		this.scout.set(A.address(), Verdict.FAIL);
		listener.probeNow();
		await().atMost(WAIT).until(() -> this.scout.probes(A.address()) >= 5);
		discovery.set(B);
		await().atMost(WAIT).until(() -> this.scout.released.contains(A.address()));
		int probes = this.scout.probes(A.address());
		awaitClockTicks(10);
		assertThat(this.scout.probes(A.address())).isEqualTo(probes);
	}

}
