package dev.clavier.actuate;

import java.time.Duration;

import dev.clavier.Clavier;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.listener.DiscoveryState;
import dev.clavier.listener.Listener;
import dev.clavier.listener.Pick;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.scout.HttpScout;
import dev.clavier.scout.Scouts;
import dev.clavier.scout.grpc.GrpcScout;
import dev.clavier.test.TestGrpcBackend;
import dev.clavier.test.TestHttpBackend;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ClavierMeterBinder}.
 */
class ClavierMeterBinderTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private TestHttpBackend up;

	private TestHttpBackend down;

	private Clavier clavier;

	private SimpleMeterRegistry registry;

	private ClavierMeterBinder binder;

	@BeforeEach
	void setUp() {
		this.up = TestHttpBackend.start("127.0.0.1", 0);
		this.down = TestHttpBackend.start("127.0.0.1", 0).healthStatus(503);
		this.clavier = Clavier.create();
		this.registry = new SimpleMeterRegistry();
		this.binder = new ClavierMeterBinder(this.clavier);
	}

	@AfterEach
	void tearDown() {
		this.binder.close();
		this.clavier.close();
		this.up.close();
		this.down.close();
	}

	@Test
	void bindToShouldCountEndpointsProbesDiscoveriesAndTransitions() {
		Listener listener = this.clavier.addListener("backend", config(this.up, this.down));
		await().atMost(WAIT)
			.until(() -> listener.endpoints().stream().noneMatch((state) -> state.status() == HealthStatus.UNKNOWN));
		this.binder.bindTo(this.registry);
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(gauge("backend", "healthy")).isEqualTo(1.0);
			assertThat(gauge("backend", "unhealthy")).isEqualTo(1.0);
			assertThat(gauge("backend", "unknown")).isEqualTo(0.0);
			assertThat(this.registry.get("clavier.probe").tags("listener", "backend", "outcome", "success").timer().count())
				.isPositive();
			assertThat(this.registry.get("clavier.probe").tags("listener", "backend", "outcome", "failure").timer().count())
				.isPositive();
		});
		// Discovery and the first transitions happened before binding; later ones are counted.
		assertThat(this.registry.get("clavier.discovery.refreshes").tags("listener", "backend", "outcome", "failure").counter().count())
			.isZero();
		this.up.healthStatus(503);
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(this.registry.get("clavier.transitions").tags("listener", "backend", "to", "unhealthy").counter().count())
				.isEqualTo(1.0);
			assertThat(gauge("backend", "healthy")).isEqualTo(0.0);
		});
	}

	@Test
	void bindToShouldCountEjections() {
		Endpoint a = Endpoint.of("127.0.0.1", this.up.port());
		Listener listener = this.clavier.addListener("backend",
				ListenerConfig.builder(StaticDiscovery.of(a, Endpoint.of("127.0.0.1", this.down.port())))
					.scout(Scouts.none())
					.outlierFailures(2)
					.baseEjectionTime(Duration.ofMillis(200))
					.build());
		await().atMost(WAIT).until(() -> listener.selection().size() == 2);
		this.binder.bindTo(this.registry);
		assertThat(this.registry.get("clavier.ejections").tags("listener", "backend").counter().count()).isZero();
		listener.reportCall(a, false, "HTTP 503");
		listener.reportCall(a, false, "HTTP 503");
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(
					this.registry.get("clavier.ejections").tags("listener", "backend").counter().count())
				.isEqualTo(1.0));
		// Back after 200 ms, then ejected a second time.
		await().atMost(WAIT).until(() -> listener.selection().size() == 2);
		listener.reportCall(a, false, "HTTP 503");
		listener.reportCall(a, false, "HTTP 503");
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(
					this.registry.get("clavier.ejections").tags("listener", "backend").counter().count())
				.isEqualTo(2.0));
	}

	@Test
	void brokenWatchStreamsShouldCountReconnects() {
		try (TestGrpcBackend grpc = TestGrpcBackend.start("127.0.0.1", 0)) {
			Listener listener = this.clavier.addListener("greeter",
					ListenerConfig.builder(StaticDiscovery.of(Endpoint.of("127.0.0.1", grpc.port())))
						.scout(GrpcScout.builder().build())
						.interval(Duration.ofMinutes(1))
						.fastInterval(Duration.ofMillis(100))
						.downInterval(Duration.ofSeconds(5))
						.timeout(Duration.ofSeconds(2))
						.build());
			this.binder.bindTo(this.registry);
			await().atMost(WAIT).until(() -> grpc.openWatches() == 1);
			assertThat(this.registry.get("clavier.watch.reconnects").tags("listener", "greeter").counter().count())
				.isZero();
			grpc.stop();
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(
						this.registry.get("clavier.watch.reconnects").tags("listener", "greeter").counter().count())
					.isGreaterThanOrEqualTo(1.0));
			grpc.start();
			await().atMost(WAIT).until(() -> grpc.openWatches() == 1);
			assertThat(listener.snapshot().endpoints()).isNotEmpty();
		}
	}

	@Test
	void callsInFlightGaugeShouldSumTheLiveCountsOfTheListenersEndpoints() {
		Listener listener = this.clavier.addListener("backend", config(this.up, this.down));
		await().atMost(WAIT).until(() -> listener.selection().size() == 1);
		this.binder.bindTo(this.registry);
		assertThat(callsInFlight("backend")).isZero();
		Pick first = listener.pick();
		Pick second = listener.pick();
		assertThat(callsInFlight("backend")).isEqualTo(2.0);
		first.complete(false, "refused");
		second.close();
		assertThat(callsInFlight("backend")).isZero();
		this.clavier.removeListener("backend");
		assertThat(this.registry.find("clavier.calls.in-flight").tag("listener", "backend").meters()).isEmpty();
	}

	private double callsInFlight(String listener) {
		return this.registry.get("clavier.calls.in-flight").tag("listener", listener).gauge().value();
	}

	@Test
	void bindToWhenListenerAddedLaterShouldBindItAtOnce() {
		this.binder.bindTo(this.registry);
		assertThat(this.registry.find("clavier.endpoints").meters()).isEmpty();
		this.clavier.addListener("late", noneScouted());
		// The engine tells the binder on the adding thread: bound before addListener returns.
		assertThat(this.registry.find("clavier.endpoints").tag("listener", "late").meters()).hasSize(3);
		await().atMost(WAIT).untilAsserted(() -> assertThat(gauge("late", "healthy")).isEqualTo(1.0));
		this.binder.refresh();
		assertThat(this.registry.find("clavier.endpoints").tag("listener", "late").meters()).hasSize(3);
	}

	@Test
	void listenerRemovedShouldRemoveItsMetersAtOnce() {
		this.clavier.addListener("gone", noneScouted());
		this.clavier.addListener("stays", noneScouted());
		this.binder.bindTo(this.registry);
		assertThat(this.registry.find("clavier.probe").tag("listener", "gone").meters()).isNotEmpty();
		this.clavier.removeListener("gone");
		assertThat(this.registry.find("clavier.probe").tag("listener", "gone").meters()).isEmpty();
		assertThat(this.registry.find("clavier.endpoints").tag("listener", "gone").meters()).isEmpty();
		assertThat(this.registry.find("clavier.endpoints").tag("listener", "stays").meters()).hasSize(3);
	}

	@Test
	void listenerReAddedUnderItsNameShouldBeBoundAgain() {
		this.binder.bindTo(this.registry);
		this.clavier.addListener("again", noneScouted());
		this.clavier.removeListener("again");
		this.clavier.addListener("again", noneScouted());
		assertThat(this.registry.find("clavier.endpoints").tag("listener", "again").meters()).hasSize(3);
		await().atMost(WAIT).untilAsserted(() -> assertThat(gauge("again", "healthy")).isEqualTo(1.0));
	}

	@Test
	void closeShouldStopFollowingTheEngine() {
		this.binder.bindTo(this.registry);
		this.binder.close();
		this.clavier.addListener("after", noneScouted());
		assertThat(this.registry.getMeters()).isEmpty();
	}

	@Test
	void closeShouldUnsubscribeAndRemoveMeters() {
		this.clavier.addListener("backend", config(this.up));
		this.binder.bindTo(this.registry);
		this.binder.close();
		assertThat(this.registry.find("clavier.probe").meters()).isEmpty();
		this.binder.refresh();
		this.binder.bindTo(this.registry);
		assertThat(this.registry.getMeters()).isEmpty();
	}

	@Test
	void endpointGaugesWhenLiveAccessorsFailShouldReadOneSnapshotPerRead() {
		DiscoveryState answered = new DiscoveryState("dns", "backend.svc.test A", SnapshotOnlyListener.NOW, null, null,
				0, null);
		SnapshotOnlyListener listener = new SnapshotOnlyListener(SnapshotOnlyListener.snapshot(answered, false, false,
				SnapshotOnlyListener.state(2, HealthStatus.HEALTHY, null),
				SnapshotOnlyListener.state(3, HealthStatus.UNHEALTHY, "HTTP 503"),
				SnapshotOnlyListener.state(4, HealthStatus.UNHEALTHY, "connection refused"),
				SnapshotOnlyListener.state(5, HealthStatus.UNKNOWN, null)));
		assertThat(ClavierMeterBinder.endpointGauges(listener, Tags.of("listener", "backend"), this.registry))
			.hasSize(3);
		assertThat(listener.snapshotReads()).isZero();
		assertThat(gauge("backend", "healthy")).isEqualTo(1.0);
		assertThat(listener.snapshotReads()).isOne();
		assertThat(gauge("backend", "unhealthy")).isEqualTo(2.0);
		assertThat(gauge("backend", "unknown")).isEqualTo(1.0);
		assertThat(listener.snapshotReads()).isEqualTo(3);
		listener.publish(SnapshotOnlyListener.snapshot(answered, false, true));
		assertThat(gauge("backend", "healthy")).isNaN();
		assertThat(gauge("backend", "unhealthy")).isNaN();
		assertThat(gauge("backend", "unknown")).isNaN();
		assertThat(listener.snapshotReads()).isEqualTo(6);
	}

	private double gauge(String listener, String status) {
		return this.registry.get("clavier.endpoints").tags("listener", listener, "status", status).gauge().value();
	}

	private static ListenerConfig noneScouted() {
		return ListenerConfig.builder(StaticDiscovery.of(Endpoint.of("127.0.0.1", 1))).scout(Scouts.none()).build();
	}

	private static ListenerConfig config(TestHttpBackend... backends) {
		Endpoint[] endpoints = new Endpoint[backends.length];
		for (int i = 0; i < backends.length; i++) {
			endpoints[i] = Endpoint.of(backends[i].host(), backends[i].port());
		}
		return ListenerConfig.builder(StaticDiscovery.of(endpoints))
			.scout(HttpScout.builder().path(TestHttpBackend.DEFAULT_HEALTH_PATH).build())
			.interval(Duration.ofMillis(500))
			.timeout(Duration.ofMillis(400))
			.rise(1)
			.fall(1)
			.build();
	}

}
