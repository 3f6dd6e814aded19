package dev.clavier.actuate;

import java.time.Duration;

import dev.clavier.Clavier;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.listener.DiscoveryState;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.scout.HttpScout;
import dev.clavier.scout.Scouts;
import dev.clavier.test.TestHttpBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ClavierHealthContributor} and {@link ClavierListenerHealthIndicator}.
 */
class ClavierHealthContributorTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private TestHttpBackend up;

	private TestHttpBackend down;

	private Clavier clavier;

	private ClavierHealthContributor contributor;

	@BeforeEach
	void setUp() {
		this.up = TestHttpBackend.start("127.0.0.1", 0);
		this.down = TestHttpBackend.start("127.0.0.1", 0).healthStatus(503);
		this.clavier = Clavier.create();
		this.contributor = new ClavierHealthContributor(this.clavier);
	}

	@AfterEach
	void tearDown() {
		this.clavier.close();
		this.up.close();
		this.down.close();
	}

	@Test
	void healthWhenOneEndpointHealthyShouldBeUp() {
		this.clavier.addListener("backend", config(this.up, this.down));
		await().atMost(WAIT).untilAsserted(() -> {
			Health health = health("backend");
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("healthy", 1)
				.containsEntry("unhealthy", 1)
				.containsEntry("total", 2)
				.containsEntry("fallback", false)
				.containsEntry("discovery", "static")
				.doesNotContainKey("discoveryError");
		});
	}

	@Test
	void healthWhenNoEndpointHealthyShouldBeDown() {
		this.clavier.addListener("backend", config(this.down));
		await().atMost(WAIT).untilAsserted(() -> {
			Health health = health("backend");
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("healthy", 0).containsEntry("total", 1);
		});
	}

	@Test
	void healthWhenBackendRecoversShouldBeUp() {
		this.clavier.addListener("backend", config(this.down));
		await().atMost(WAIT).until(() -> health("backend").getStatus().equals(Status.DOWN));
		this.down.healthStatus(200);
		await().atMost(WAIT).until(() -> health("backend").getStatus().equals(Status.UP));
	}

	@Test
	void healthWhenNotProbedYetShouldBeUnknown() {
		this.clavier.addListener("backend", ListenerConfig.builder(StaticDiscovery.of(Endpoint.of(this.up.host(), this.up.port())))
			.scout(HttpScout.builder().path("/health").build())
			.interval(Duration.ofMinutes(10))
			.timeout(Duration.ofMinutes(1))
			.build());
		// Until its first probe answers the endpoint is UNKNOWN; the first probe is quick, so allow either.
		assertThat(health("backend").getStatus()).isIn(Status.UNKNOWN, Status.UP);
		await().atMost(WAIT).until(() -> health("backend").getStatus().equals(Status.UP));
	}

	@Test
	void streamShouldHaveOneEntryPerListenerAndFollowTheEngine() {
		this.clavier.addListener("a", noneScout(1));
		this.clavier.addListener("b", noneScout(2));
		assertThat(this.contributor.stream().map(HealthContributors.Entry::name)).containsExactly("a", "b");
		this.clavier.removeListener("a");
		this.clavier.addListener("c", noneScout(3));
		assertThat(this.contributor.stream().map(HealthContributors.Entry::name)).containsExactly("b", "c");
		assertThat(this.contributor.getContributor("a")).isNull();
		assertThat(this.contributor.getContributor("c")).isInstanceOf(ClavierListenerHealthIndicator.class);
	}

	@Test
	void getContributorWhenUnknownShouldReturnNull() {
		assertThat(this.contributor.getContributor("nope")).isNull();
	}

	@Test
	void healthWhenLiveAccessorsFailShouldReportOneSnapshot() {
		DiscoveryState failing = new DiscoveryState("dns", "backend.svc.test A", SnapshotOnlyListener.NOW, null,
				"timed out after 2s", 3, null);
		SnapshotOnlyListener listener = new SnapshotOnlyListener(SnapshotOnlyListener.snapshot(failing, true, false,
				SnapshotOnlyListener.state(2, HealthStatus.UNHEALTHY, "HTTP 503"),
				SnapshotOnlyListener.state(3, HealthStatus.UNHEALTHY, "connection refused")));
		ClavierListenerHealthIndicator indicator = new ClavierListenerHealthIndicator(listener);
		Health allDown = indicator.health();
		assertThat(listener.snapshotReads()).isOne();
		assertThat(allDown.getStatus()).isEqualTo(Status.DOWN);
		assertThat(allDown.getDetails()).containsOnly(entry("healthy", 0), entry("unhealthy", 2), entry("unknown", 0),
				entry("total", 2), entry("fallback", true), entry("discovery", "dns"),
				entry("discoveryError", "timed out after 2s"),
				entry("reason", "[backend] no healthy endpoint: 2 discovered (0 HEALTHY, 2 UNHEALTHY, 0 UNKNOWN); "
						+ "last errors: 127.0.0.2:8080: HTTP 503; 127.0.0.3:8080: connection refused"));
		DiscoveryState answered = new DiscoveryState("dns", "backend.svc.test A", SnapshotOnlyListener.NOW, null, null,
				0, null);
		listener.publish(SnapshotOnlyListener.snapshot(answered, false, false,
				SnapshotOnlyListener.state(2, HealthStatus.HEALTHY, null),
				SnapshotOnlyListener.state(3, HealthStatus.UNHEALTHY, "HTTP 503"),
				SnapshotOnlyListener.state(4, HealthStatus.UNKNOWN, null)));
		Health up = indicator.health();
		assertThat(listener.snapshotReads()).isEqualTo(2);
		assertThat(up.getStatus()).isEqualTo(Status.UP);
		assertThat(up.getDetails()).containsOnly(entry("healthy", 1), entry("unhealthy", 1), entry("unknown", 1),
				entry("total", 3), entry("fallback", false), entry("discovery", "dns"));
		listener.publish(SnapshotOnlyListener.snapshot(answered, false, false,
				SnapshotOnlyListener.state(4, HealthStatus.UNKNOWN, null)));
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UNKNOWN);
		assertThat(listener.snapshotReads()).isEqualTo(3);
	}

	private Health health(String name) {
		return ((HealthIndicator) this.contributor.getContributor(name)).health();
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

	private static ListenerConfig noneScout(int port) {
		return ListenerConfig.builder(StaticDiscovery.of(Endpoint.of("127.0.0.1", port))).scout(Scouts.none()).build();
	}

}
