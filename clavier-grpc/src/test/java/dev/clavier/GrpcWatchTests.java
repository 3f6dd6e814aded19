package dev.clavier;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.endpoint.ProbeMode;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.listener.ListenerObserver;
import dev.clavier.listener.ListenerSnapshot;
import dev.clavier.scout.grpc.GrpcScout;
import dev.clavier.test.TestGrpcBackend;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the engine's watch path (gRPC {@code Health/Watch}) against real gRPC servers on
 * loopback. The poll interval is one minute, so that only a pushed status can explain a change
 * seen within the tests' waits.
 */
class GrpcWatchTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final Duration LONG_INTERVAL = Duration.ofMinutes(1);

	private Clavier clavier;

	private TestGrpcBackend backend;

	@BeforeEach
	void setUp() {
		this.clavier = Clavier.create();
		this.backend = TestGrpcBackend.start("127.0.0.1", 0);
	}

	@AfterEach
	void tearDown() {
		this.clavier.close();
		this.backend.close();
	}

	/**
	 * Returns a configuration that polls once a minute, confirms and reconnects quickly, and
	 * needs two passes to rise and three failures to fall.
	 */
	private static ListenerConfig.Builder watched(dev.clavier.discovery.Discovery discovery, GrpcScout scout) {
		// Generous timeout: a cold JVM's first stream loads Netty and gRPC classes.
		return ListenerConfig.builder(discovery)
			.scout(scout)
			.interval(LONG_INTERVAL)
			.fastInterval(Duration.ofMillis(200))
			.downInterval(Duration.ofSeconds(3))
			.timeout(Duration.ofSeconds(2))
			.rise(2)
			.fall(3);
	}

	private static HealthStatus status(Listener listener) {
		List<EndpointState> endpoints = listener.endpoints();
		return endpoints.isEmpty() ? HealthStatus.UNKNOWN : endpoints.get(0).status();
	}

	private static EndpointState only(Listener listener) {
		List<EndpointState> endpoints = listener.endpoints();
		assertThat(endpoints).hasSize(1);
		return endpoints.get(0);
	}

	@Test
	void notServingWhenWatchedShouldLeaveRotationAtOnceAndServingShouldBringItBack() throws Exception {
		Listener listener = this.clavier.addListener("grpc",
				watched(StaticDiscovery.of(Endpoint.of("127.0.0.1", this.backend.port())), GrpcScout.builder().build())
					.build());
		await().atMost(WAIT).until(() -> status(listener) == HealthStatus.HEALTHY);
		assertThat(only(listener).probeMode()).isEqualTo(ProbeMode.WATCH);
		await().atMost(WAIT).until(() -> only(listener).nextProbe() == null);
		this.backend.status("", ServingStatus.NOT_SERVING);
		// One push, fall 3: only the pushed status taking it out at once explains this.
		await().atMost(WAIT).until(() -> status(listener) == HealthStatus.UNHEALTHY);
		assertThat(listener.selection().isEmpty()).isTrue();
		assertThat(only(listener).cause()).isEqualTo("watch stream reported NOT_SERVING");
		this.backend.status("", ServingStatus.SERVING);
		await().atMost(WAIT).until(() -> status(listener) == HealthStatus.HEALTHY);
		assertThat(only(listener).cause()).startsWith("2 consecutive probe(s) passed");
		assertThat(this.backend.checks()).isZero();
		assertThat(this.backend.watches()).isEqualTo(1);
	}

	@Test
	void serviceUnknownWhenWatchedShouldLeaveRotationAtOnce() throws Exception {
		Listener listener = this.clavier.addListener("grpc",
				watched(StaticDiscovery.of(Endpoint.of("127.0.0.1", this.backend.port())), GrpcScout.builder().build())
					.build());
		await().atMost(WAIT).until(() -> status(listener) == HealthStatus.HEALTHY);
		this.backend.clearStatus("");
		await().atMost(WAIT).until(() -> status(listener) == HealthStatus.UNHEALTHY);
		assertThat(only(listener).lastError()).isEqualTo("SERVICE_UNKNOWN");
	}

	@Test
	void ejectedWhenWatchedShouldReturnAfterDownIntervalWhileServing() throws Exception {
		Endpoint endpoint = Endpoint.of("127.0.0.1", this.backend.port());
		Listener listener = this.clavier.addListener("grpc",
				watched(StaticDiscovery.of(endpoint), GrpcScout.builder().build()).outlierFailures(1).build());
		await().atMost(WAIT).until(() -> status(listener) == HealthStatus.HEALTHY);
		listener.reportCall(endpoint, false, "UNAVAILABLE");
		await().atMost(WAIT).until(() -> status(listener) == HealthStatus.UNHEALTHY);
		await().atMost(WAIT).until(() -> only(listener).nextProbe() != null);
		// Down interval 3 s, poll interval 1 min: only the watch's confirmation brings it back.
		await().atMost(WAIT).until(() -> status(listener) == HealthStatus.HEALTHY);
		await().atMost(WAIT).until(() -> only(listener).nextProbe() == null);
		assertThat(this.backend.checks()).isZero();
	}

	@Test
	void serverWithoutWatchShouldBePolledAndStayHealthy() throws Exception {
		try (TestGrpcBackend old = TestGrpcBackend.builder().watch(false).start()) {
			Listener listener = this.clavier.addListener("grpc",
					watched(StaticDiscovery.of(Endpoint.of("127.0.0.1", old.port())), GrpcScout.builder().build())
						.interval(Duration.ofSeconds(1))
						.fastInterval(Duration.ofMillis(100))
						.timeout(Duration.ofMillis(900))
						.build());
			await().atMost(WAIT).until(() -> status(listener) == HealthStatus.HEALTHY);
			int transitions = only(listener).transitions().size();
			int checks = old.checks();
			await().atMost(WAIT).until(() -> old.checks() >= checks + 2 && only(listener).nextProbe() != null);
			EndpointState state = only(listener);
			assertThat(state.status()).isEqualTo(HealthStatus.HEALTHY);
			assertThat(state.probeMode()).isEqualTo(ProbeMode.POLL);
			assertThat(state.probeModeReason()).contains("UNIMPLEMENTED").contains("Health/Check");
			assertThat(state.nextProbe()).isNotNull();
			assertThat(state.transitions()).hasSize(transitions);
			assertThat(old.watches()).isEqualTo(1);
			assertThat(old.openWatches()).isZero();
		}
	}

	@Test
	void killedServerShouldGoDownAndRecoverAfterRestart() throws Exception {
		AtomicInteger reconnects = new AtomicInteger();
		Listener listener = this.clavier.addListener("grpc",
				watched(StaticDiscovery.of(Endpoint.of("127.0.0.1", this.backend.port())), GrpcScout.builder().build())
					.build());
		listener.subscribe(new ListenerObserver() {

			@Override
			public void watchReconnected(ListenerSnapshot snapshot, Endpoint endpoint) {
				reconnects.incrementAndGet();
			}

		});
		await().atMost(WAIT).until(() -> status(listener) == HealthStatus.HEALTHY);
		this.backend.stop();
		// The broken stream and two refused reconnects: fall 3 failed probes.
		await().atMost(WAIT).until(() -> status(listener) == HealthStatus.UNHEALTHY);
		assertThat(only(listener).lastError()).startsWith("UNAVAILABLE");
		// Set and told just after the outcome that made it UNHEALTHY.
		await().atMost(WAIT).until(() -> only(listener).nextProbe() != null && reconnects.get() >= 2);
		this.backend.start();
		await().atMost(WAIT).until(() -> status(listener) == HealthStatus.HEALTHY);
		assertThat(only(listener).probeMode()).isEqualTo(ProbeMode.WATCH);
		await().atMost(WAIT).until(() -> this.backend.openWatches() == 1);
		assertThat(this.backend.checks()).isZero();
	}

	@Test
	void streamsShouldCloseWhenEndpointLeavesListenerCloses() throws Exception {
		try (TestGrpcBackend second = TestGrpcBackend.start("127.0.0.1", 0)) {
			MutableDiscovery discovery = new MutableDiscovery(Duration.ofMillis(100),
					Endpoint.of("127.0.0.1", this.backend.port()), Endpoint.of("127.0.0.1", second.port()));
			Listener listener = this.clavier.addListener("grpc",
					watched(discovery, GrpcScout.builder().build()).build());
			await().atMost(WAIT).until(() -> this.backend.openWatches() == 1 && second.openWatches() == 1);
			await().atMost(WAIT).until(() -> listener.selection().endpoints().size() == 2);
			discovery.set(Endpoint.of("127.0.0.1", this.backend.port()));
			await().atMost(WAIT).until(() -> second.openWatches() == 0);
			assertThat(this.backend.openWatches()).isEqualTo(1);
			assertThat(second.watches()).isEqualTo(1);
			this.clavier.removeListener("grpc");
			await().atMost(WAIT).until(() -> this.backend.openWatches() == 0);
			assertThat(this.backend.watches()).isEqualTo(1);
		}
	}

	@Test
	void streamsShouldCloseWhenEngineCloses() throws Exception {
		Clavier engine = Clavier.create();
		try {
			for (int i = 0; i < 3; i++) {
				engine.addListener("grpc-" + i, watched(StaticDiscovery.of(Endpoint.of("127.0.0.1", this.backend.port())),
						GrpcScout.builder().build())
					.build());
			}
			await().atMost(WAIT).until(() -> this.backend.openWatches() == 3);
		}
		finally {
			engine.close();
		}
		await().atMost(WAIT).until(() -> this.backend.openWatches() == 0);
		assertThat(this.backend.watches()).isEqualTo(3);
	}

	@Test
	void checkModeShouldPollAndOpenNoStream() throws Exception {
		Listener listener = this.clavier.addListener("grpc",
				watched(StaticDiscovery.of(Endpoint.of("127.0.0.1", this.backend.port())),
						GrpcScout.builder().mode(GrpcScout.Mode.CHECK).build())
					.interval(Duration.ofSeconds(1))
					.fastInterval(Duration.ofMillis(100))
					.timeout(Duration.ofMillis(900))
					.build());
		await().atMost(WAIT).until(() -> status(listener) == HealthStatus.HEALTHY);
		await().atMost(WAIT).until(() -> this.backend.checks() >= 2 && only(listener).nextProbe() != null);
		EndpointState state = only(listener);
		assertThat(state.probeMode()).isEqualTo(ProbeMode.POLL);
		assertThat(state.probeModeReason()).isNull();
		assertThat(state.nextProbe()).isNotNull();
		assertThat(this.backend.watches()).isZero();
		this.backend.status("", ServingStatus.NOT_SERVING);
		await().atMost(WAIT).until(() -> status(listener) == HealthStatus.UNHEALTHY);
		assertThat(only(listener).cause()).startsWith("3 consecutive probe(s) failed");
	}

}
