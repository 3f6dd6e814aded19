package dev.clavier.actuate;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.clavier.Clavier;
import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import dev.clavier.actuate.ClavierEndpoint.ClavierDescriptor;
import dev.clavier.actuate.ClavierEndpoint.DiscoveryDescriptor;
import dev.clavier.actuate.ClavierEndpoint.EndpointDescriptor;
import dev.clavier.actuate.ClavierEndpoint.ListenerDescriptor;
import dev.clavier.actuate.ClavierEndpoint.ScoutDescriptor;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.listener.AllDownPolicy;
import dev.clavier.listener.DiscoveryState;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.listener.Pick;
import dev.clavier.scout.HttpScout;
import dev.clavier.scout.Scouts;
import dev.clavier.test.TestHttpBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ClavierEndpoint}, over a real engine probing real HTTP backends on loopback.
 */
class ClavierEndpointTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final Duration INTERVAL = Duration.ofMillis(500);

	private TestHttpBackend up;

	private TestHttpBackend down;

	private Clavier clavier;

	private ClavierEndpoint endpoint;

	@BeforeEach
	void setUp() {
		this.up = TestHttpBackend.start("127.0.0.1", 0);
		this.down = TestHttpBackend.start("127.0.0.1", 0).healthStatus(503);
		this.clavier = Clavier.create();
		this.endpoint = new ClavierEndpoint(this.clavier);
	}

	@AfterEach
	void tearDown() {
		this.clavier.close();
		this.up.close();
		this.down.close();
	}

	@Test
	void listenersWhenOneHealthyAndOneUnhealthyEndpointShouldDescribeBoth() {
		Listener listener = this.clavier.addListener("backend", config(this.up, this.down).build());
		// A first probe may time out on a cold JVM; wait for the steady state.
		await().atMost(WAIT).untilAsserted(() -> assertThat(listener.endpoints()).extracting((state) -> state.status(),
				(state) -> state.lastError())
			.containsExactlyInAnyOrder(tuple(HealthStatus.HEALTHY, null), tuple(HealthStatus.UNHEALTHY, "HTTP 503")));
		ClavierDescriptor descriptor = this.endpoint.listeners();
		assertThat(descriptor.listeners()).containsOnlyKeys("backend");
		ListenerDescriptor backend = descriptor.listeners().get("backend");
		assertThat(backend.discovery().model()).isEqualTo("static");
		assertThat(backend.discovery().target()).contains(this.up.hostAndPort());
		assertThat(backend.discovery().lastRefresh()).isNotNull();
		assertThat(backend.discovery().nextRefresh()).isNull();
		assertThat(backend.discovery().lastError()).isNull();
		assertThat(backend.discovery().attempts()).isZero();
		assertThat(backend.scout().model()).isEqualTo("http");
		assertThat(backend.scout().interval()).isEqualTo(INTERVAL);
		assertThat(backend.scout().rise()).isEqualTo(1);
		assertThat(backend.filter().model()).isEqualTo("round-robin");
		assertThat(backend.healthy()).isEqualTo(1);
		assertThat(backend.total()).isEqualTo(2);
		assertThat(backend.fallback()).isFalse();
		EndpointDescriptor healthy = find(backend, this.up);
		assertThat(healthy.host()).isEqualTo("127.0.0.1");
		assertThat(healthy.weight()).isEqualTo(1);
		assertThat(healthy.status()).isEqualTo(HealthStatus.HEALTHY);
		assertThat(healthy.lastCheck()).isNotNull();
		assertThat(healthy.latencyMs()).isNotNull().isGreaterThanOrEqualTo(0.0);
		assertThat(healthy.lastError()).isNull();
		assertThat(healthy.consecutiveSuccesses()).isPositive();
		assertThat(healthy.consecutiveFailures()).isZero();
		assertThat(healthy.cause()).contains("passed");
		assertThat(healthy.transitions()).isNotEmpty();
		assertThat(healthy.transitions().get(0).from()).isEqualTo(HealthStatus.UNKNOWN);
		assertThat(healthy.transitions().get(healthy.transitions().size() - 1)).satisfies((transition) -> {
			assertThat(transition.to()).isEqualTo(HealthStatus.HEALTHY);
			assertThat(transition.cause()).isEqualTo(healthy.cause());
			assertThat(transition.at()).isNotNull();
		});
		EndpointDescriptor unhealthy = find(backend, this.down);
		assertThat(unhealthy.status()).isEqualTo(HealthStatus.UNHEALTHY);
		assertThat(unhealthy.lastError()).isEqualTo("HTTP 503");
		assertThat(unhealthy.consecutiveFailures()).isPositive();
		assertThat(unhealthy.consecutiveSuccesses()).isZero();
		assertThat(unhealthy.cause()).startsWith("first probe failed");
		assertThat(unhealthy.transitions()).singleElement().satisfies((transition) -> {
			assertThat(transition.from()).isEqualTo(HealthStatus.UNKNOWN);
			assertThat(transition.to()).isEqualTo(HealthStatus.UNHEALTHY);
			assertThat(transition.cause()).startsWith("first probe failed");
		});
	}

	@Test
	void listenersWhenBackendRecoversShouldShowTransitionsInOrder() {
		Listener listener = this.clavier.addListener("backend", config(this.down).build());
		awaitStatus(listener, HealthStatus.UNHEALTHY);
		this.down.healthStatus(200);
		awaitStatus(listener, HealthStatus.HEALTHY);
		EndpointDescriptor descriptor = this.endpoint.listener("backend").endpoints().get(0);
		assertThat(descriptor.transitions()).extracting((transition) -> transition.to())
			.containsExactly(HealthStatus.UNHEALTHY, HealthStatus.HEALTHY);
		assertThat(descriptor.cause()).contains("passed");
	}

	@Test
	void listenersShouldBeSortedByName() {
		this.clavier.addListener("zeta", ListenerConfig.builder(StaticDiscovery.of(Endpoint.of("127.0.0.1", 1)))
			.scout(Scouts.none())
			.build());
		this.clavier.addListener("alpha", ListenerConfig.builder(StaticDiscovery.of(Endpoint.of("127.0.0.1", 2)))
			.scout(Scouts.none())
			.build());
		assertThat(this.endpoint.listeners().listeners()).containsOnlyKeys("alpha", "zeta");
		assertThat(this.endpoint.listeners().listeners().keySet()).containsExactly("alpha", "zeta");
	}

	@Test
	void listenerWhenUnknownShouldReturnNullAndProbeShouldThrow() {
		this.clavier.addListener("backend", config(this.up).build());
		assertThat(this.endpoint.listener("nope")).isNull();
		assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(() -> this.endpoint.probe("nope"))
			.withMessageContaining("nope");
	}

	@Test
	void listenerWhenAllDownAndPolicyAllShouldReportFallback() {
		Listener listener = this.clavier.addListener("backend",
				config(this.down).allDownPolicy(AllDownPolicy.ALL).build());
		awaitStatus(listener, HealthStatus.UNHEALTHY);
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.endpoint.listener("backend").fallback()).isTrue());
		ListenerDescriptor descriptor = this.endpoint.listener("backend");
		assertThat(descriptor.healthy()).isZero();
		assertThat(descriptor.total()).isEqualTo(1);
	}

	@Test
	void probeShouldProbeEveryEndpointNow() {
		Listener listener = this.clavier.addListener("backend",
				config(this.up).interval(Duration.ofMinutes(10)).timeout(Duration.ofSeconds(2)).build());
		awaitStatus(listener, HealthStatus.HEALTHY);
		int before = this.up.healthChecks();
		ListenerDescriptor descriptor = this.endpoint.probe("backend");
		assertThat(descriptor).isNotNull();
		assertThat(descriptor.total()).isEqualTo(1);
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.up.healthChecks()).isGreaterThan(before));
	}

	@Test
	void listenersWhenSerializedShouldKeepNullsAndNeverShowScoutHeaders() {
		String secret = "Bearer s3cr3t-t0ken-value";
		Listener listener = this.clavier.addListener("backend", ListenerConfig
			.builder(StaticDiscovery.of(Endpoint.of(this.up.host(), this.up.port())))
			.scout(HttpScout.builder().path("/health").header("Authorization", secret).header("X-Api-Key", "k3y-value").build())
			.build());
		awaitStatus(listener, HealthStatus.HEALTHY);
		// Like the actuator's own mapper, which leaves out nulls unless a type says otherwise.
		JsonMapper mapper = JsonMapper.builder()
			.changeDefaultPropertyInclusion((inclusion) -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL)
				.withContentInclusion(JsonInclude.Include.NON_NULL))
			.build();
		String json = mapper.writeValueAsString(this.endpoint.listeners());
		assertThat(json).doesNotContain("s3cr3t").doesNotContain("k3y-value").doesNotContain("Authorization");
		assertThat(json).contains("\"lastError\":null").contains("\"nextRefresh\":null").contains("\"lastNote\":null");
	}

	@Test
	void describeWhenLiveAccessorsFailShouldShowOneSnapshot() {
		DiscoveryState failing = new DiscoveryState("dns", "backend.svc.test A", SnapshotOnlyListener.NOW,
				SnapshotOnlyListener.NOW.plusSeconds(4), "timed out after 2s", 3, null);
		SnapshotOnlyListener listener = new SnapshotOnlyListener(SnapshotOnlyListener.snapshot(failing, true, false,
				SnapshotOnlyListener.state(2, HealthStatus.UNHEALTHY, "HTTP 503"),
				SnapshotOnlyListener.state(3, HealthStatus.UNHEALTHY, "connection refused")));
		ListenerDescriptor allDown = ClavierEndpoint.describe(listener);
		assertThat(listener.snapshotReads()).isOne();
		assertThat(allDown.healthy()).isZero();
		assertThat(allDown.total()).isEqualTo(2);
		assertThat(allDown.fallback()).isTrue();
		assertThat(allDown.discovery()).isEqualTo(new DiscoveryDescriptor("dns", "backend.svc.test A",
				SnapshotOnlyListener.NOW, SnapshotOnlyListener.NOW.plusSeconds(4), "timed out after 2s", 3, null));
		assertThat(allDown.scout())
			.isEqualTo(new ScoutDescriptor("http", Duration.ofMillis(1500), Duration.ofSeconds(1), 3, 4));
		assertThat(allDown.filter().model()).isEqualTo("round-robin");
		assertThat(allDown.endpoints()).extracting(EndpointDescriptor::host, EndpointDescriptor::status,
				EndpointDescriptor::lastError)
			.containsExactly(tuple("127.0.0.2", HealthStatus.UNHEALTHY, "HTTP 503"),
					tuple("127.0.0.3", HealthStatus.UNHEALTHY, "connection refused"));
		DocumentContext json = JsonPath.parse(JsonMapper.builder().build().writeValueAsString(allDown));
		assertThat(json.read("$.healthy", Integer.class)).isZero();
		assertThat(json.read("$.total", Integer.class)).isEqualTo(2);
		assertThat(json.read("$.fallback", Boolean.class)).isTrue();
		assertThat(json.read("$.discovery.lastError", String.class)).isEqualTo("timed out after 2s");
		assertThat(json.read("$.scout.interval", String.class)).isEqualTo("PT1.5S");
		assertThat(json.read("$.endpoints[0].latencyMs", Double.class)).isEqualTo(7.0);
		DiscoveryState answered = new DiscoveryState("dns", "backend.svc.test A", SnapshotOnlyListener.NOW,
				SnapshotOnlyListener.NOW.plusSeconds(4), null, 0, null);
		listener.publish(SnapshotOnlyListener.snapshot(answered, false, false,
				SnapshotOnlyListener.state(2, HealthStatus.HEALTHY, null),
				SnapshotOnlyListener.state(3, HealthStatus.UNHEALTHY, "HTTP 503"),
				SnapshotOnlyListener.state(4, HealthStatus.UNKNOWN, null)));
		ListenerDescriptor recovered = ClavierEndpoint.describe(listener);
		assertThat(listener.snapshotReads()).isEqualTo(2);
		assertThat(recovered.healthy()).isEqualTo(1);
		assertThat(recovered.total()).isEqualTo(3);
		assertThat(recovered.fallback()).isFalse();
		assertThat(recovered.discovery().lastError()).isNull();
		assertThat(recovered.endpoints()).extracting(EndpointDescriptor::status)
			.containsExactly(HealthStatus.HEALTHY, HealthStatus.UNHEALTHY, HealthStatus.UNKNOWN);
	}

	@Test
	void listenersShouldShowEachEndpointsCallsInFlightReadLive() {
		Listener listener = this.clavier.addListener("backend", config(this.up, this.down).build());
		await().atMost(WAIT).until(() -> listener.selection().size() == 1);
		Pick first = listener.pick();
		Pick second = listener.pick();
		ListenerDescriptor busy = this.endpoint.listener("backend");
		assertThat(busy.endpoints()).extracting(EndpointDescriptor::port, EndpointDescriptor::inFlight)
			.containsExactlyInAnyOrder(tuple(this.up.port(), 2), tuple(this.down.port(), 0));
		DocumentContext json = JsonPath.parse(JsonMapper.builder().build().writeValueAsString(busy));
		assertThat(json.read("$.endpoints[*].inFlight", List.class)).containsExactlyInAnyOrder(2, 0);
		first.complete(true, null);
		second.close();
		assertThat(this.endpoint.listener("backend").endpoints()).extracting(EndpointDescriptor::inFlight)
			.containsOnly(0);
	}

	private ListenerConfig.Builder config(TestHttpBackend... backends) {
		List<Endpoint> endpoints = Arrays.stream(backends)
			.map((backend) -> Endpoint.of(backend.host(), backend.port()))
			.toList();
		return ListenerConfig.builder(StaticDiscovery.of(endpoints))
			.scout(HttpScout.builder().path(TestHttpBackend.DEFAULT_HEALTH_PATH).build())
			.interval(INTERVAL)
			.timeout(INTERVAL.minusMillis(100))
			.rise(1)
			.fall(1);
	}

	private static void awaitStatus(Listener listener, HealthStatus status) {
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(listener.endpoints()).isNotEmpty()
				.allSatisfy((state) -> assertThat(state.status()).isEqualTo(status)));
	}

	private static EndpointDescriptor find(ListenerDescriptor listener, TestHttpBackend backend) {
		return listener.endpoints()
			.stream()
			.filter((endpoint) -> endpoint.port() == backend.port())
			.findFirst()
			.orElseThrow();
	}

}
