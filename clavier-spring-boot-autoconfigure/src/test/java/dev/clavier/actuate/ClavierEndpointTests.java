package dev.clavier.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

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
import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.endpoint.ProbeMode;
import dev.clavier.filter.SlowStart;
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
	void listenersWhenEndpointRampsUpShouldShowItsEffectiveWeightAndEveryZone() {
		AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
		Clock clock = new Clock() {

			@Override
			public ZoneId getZone() {
				return ZoneOffset.UTC;
			}

			@Override
			public Clock withZone(ZoneId zone) {
				return this;
			}

			@Override
			public Instant instant() {
				return now.get();
			}

		};
		Duration window = Duration.ofMinutes(10);
		try (Clavier engine = Clavier.builder().clock(clock).build()) {
			Listener listener = engine.addListener("backend",
					config(this.up).discovery(StaticDiscovery.parse(0,
							List.of(this.up.hostAndPort() + ";zone=eu-1", this.down.hostAndPort() + ";weight=3")))
						.slowStart(SlowStart.of(window))
						// Two failures, so that one slow probe on a busy machine does not start another ramp.
						.fall(2)
						.build());
			await().atMost(WAIT).until(() -> listener.snapshot().count(HealthStatus.UNHEALTHY) == 1
					&& listener.snapshot().count(HealthStatus.HEALTHY) == 1);
			// A cold JVM's first probe may have failed, making the healthy one a recovery: end its ramp.
			now.updateAndGet((instant) -> instant.plus(window).plusSeconds(1));
			await().atMost(WAIT).until(() -> listener.snapshot().endpoints().stream()
				.allMatch((state) -> state.effectiveWeight() == state.endpoint().weight()));
			this.down.healthStatus(200);
			await().atMost(WAIT).until(() -> listener.snapshot().count(HealthStatus.HEALTHY) == 2);
			ClavierEndpoint endpoint = new ClavierEndpoint(engine);
			DocumentContext json = JsonPath.parse(JsonMapper.builder().build().writeValueAsString(endpoint.listeners()));
			String steady = "$.listeners.backend.endpoints[?(@.port == " + this.up.port() + ")]";
			String recovered = "$.listeners.backend.endpoints[?(@.port == " + this.down.port() + ")]";
			assertThat(json.read(steady + ".effectiveWeight", Double[].class)).containsExactly(1.0);
			assertThat(json.read(steady + ".zone", String[].class)).containsExactly("eu-1");
			// Recovered: ramping up from 10% of its weight 3, the clock standing still.
			assertThat(json.read(recovered + ".weight", Integer[].class)).containsExactly(3);
			assertThat(json.read(recovered + ".effectiveWeight", Double[].class)).containsExactly(0.3);
			assertThat(json.read(recovered + ".zone", String[].class)).containsExactly((String) null);
		}
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
	void listenerWhenCallsEjectAnEndpointShouldShowUntilWhenAndHowManyTimes() {
		TestHttpBackend other = TestHttpBackend.start("127.0.0.1", 0);
		try (other) {
			// Probes every ten minutes: only the ejection time or a probe brings it back.
			Listener listener = this.clavier.addListener("backend", config(this.up, other)
				.interval(Duration.ofMinutes(10))
				.timeout(Duration.ofSeconds(2))
				.outlierFailures(1)
				.baseEjectionTime(Duration.ofMinutes(1))
				.build());
			awaitStatus(listener, HealthStatus.HEALTHY);
			assertThat(find(this.endpoint.listener("backend"), this.up).ejection()).isNull();
			listener.reportCall(Endpoint.of(this.up.host(), this.up.port()), false, "HTTP 503");
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(find(this.endpoint.listener("backend"), this.up).ejection()).isNotNull());
			ListenerDescriptor descriptor = this.endpoint.listener("backend");
			EndpointDescriptor ejected = find(descriptor, this.up);
			assertThat(ejected.status()).isEqualTo(HealthStatus.UNHEALTHY);
			assertThat(ejected.ejection().times()).isEqualTo(1);
			assertThat(Duration.between(ejected.transitions().get(ejected.transitions().size() - 1).at(),
					ejected.ejection().until()))
				.isEqualTo(Duration.ofMinutes(1));
			assertThat(find(descriptor, other).ejection()).isNull();
			DocumentContext json = JsonPath.parse(JsonMapper.builder().build().writeValueAsString(descriptor));
			int index = descriptor.endpoints().indexOf(ejected);
			assertThat(json.read("$.endpoints[" + index + "].ejection.times", Integer.class)).isOne();
			assertThat(json.read("$.endpoints[" + index + "].ejection.until", String.class))
				.isEqualTo(ejected.ejection().until().toString());
			assertThat(json.read("$.endpoints[" + (1 - index) + "].ejection", Object.class)).isNull();
			assertThat(json.read("$.fallbackReason", String.class)).isNull();
		}
	}

	@Test
	void listenerWhenBelowPanicThresholdShouldReportFallbackWithItsReason() {
		Listener listener = this.clavier.addListener("backend",
				config(this.up, this.down).panicThreshold(75).build());
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.endpoint.listener("backend").fallback()).isTrue());
		ListenerDescriptor descriptor = this.endpoint.listener("backend");
		assertThat(descriptor.healthy()).isOne();
		assertThat(descriptor.fallbackReason())
			.isEqualTo("panic: 1 of 2 probed endpoint(s) healthy, below the panic threshold of 75%");
		DocumentContext json = JsonPath.parse(JsonMapper.builder().build().writeValueAsString(descriptor));
		assertThat(json.read("$.fallbackReason", String.class)).startsWith("panic: 1 of 2");
		assertThat(listener.selection().size()).isEqualTo(2);
	}

	@Test
	void listenersWhenSubsettingShouldListEveryEndpointAndSayWhichAreInTheSubset() {
		Listener listener = this.clavier.addListener("backend",
				config(this.up, this.down).subset(1, "orders-0").build());
		await().atMost(WAIT).untilAsserted(() -> assertThat(listener.endpoints()).filteredOn((state) -> state.inSubset())
			.singleElement()
			.satisfies((state) -> assertThat(state.lastCheck()).isNotNull()));
		ListenerDescriptor backend = this.endpoint.listener("backend");
		assertThat(backend.total()).isEqualTo(2);
		assertThat(backend.endpoints()).extracting(EndpointDescriptor::inSubset).containsExactlyInAnyOrder(true, false);
		EndpointDescriptor outside = backend.endpoints().stream().filter((e) -> !e.inSubset()).findFirst().orElseThrow();
		assertThat(outside.status()).isEqualTo(HealthStatus.UNKNOWN);
		assertThat(outside.lastCheck()).isNull();
		assertThat(outside.cause()).contains("outside this instance's subset");
		DocumentContext json = JsonPath.parse(JsonMapper.builder().build().writeValueAsString(backend));
		assertThat(json.read("$.endpoints[*].inSubset", List.class)).containsExactlyInAnyOrder(true, false);
		// Without subsetting every endpoint is in.
		this.clavier.removeListener("backend");
		this.clavier.addListener("backend", config(this.up, this.down).build());
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(this.endpoint.listener("backend").endpoints()).hasSize(2)
				.extracting(EndpointDescriptor::inSubset)
				.containsOnly(true));
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

	@Test
	void describeShouldShowProbeModeAndNextProbe() {
		Endpoint endpoint = Endpoint.of("127.0.0.2", 9090);
		EndpointState watched = new EndpointState(endpoint, HealthStatus.HEALTHY, SnapshotOnlyListener.NOW,
				Duration.ofMillis(3), 1, 0, null, "first probe passed: SERVING", List.of(), null, true, ProbeMode.WATCH, null, null, 1);
		EndpointState polled = new EndpointState(endpoint, HealthStatus.HEALTHY, SnapshotOnlyListener.NOW,
				Duration.ofMillis(3), 1, 0, null, "first probe passed: SERVING", List.of(), null, true, ProbeMode.POLL,
				"no Watch (UNIMPLEMENTED)", SnapshotOnlyListener.NOW.plusSeconds(5), 1);
		DocumentContext json = JsonPath.parse(JsonMapper.builder()
			.build()
			.writeValueAsString(List.of(EndpointDescriptor.of(watched, 0), EndpointDescriptor.of(polled, 0))));
		assertThat(json.read("$[0].probeMode", String.class)).isEqualTo("watch");
		assertThat(json.read("$[0].nextProbe", String.class)).isNull();
		assertThat(json.read("$[0].probeModeReason", String.class)).isNull();
		assertThat(json.read("$[1].probeMode", String.class)).isEqualTo("poll");
		assertThat(json.read("$[1].probeModeReason", String.class)).isEqualTo("no Watch (UNIMPLEMENTED)");
		assertThat(json.read("$[1].nextProbe", String.class))
			.isEqualTo(SnapshotOnlyListener.NOW.plusSeconds(5).toString());
	}

}
