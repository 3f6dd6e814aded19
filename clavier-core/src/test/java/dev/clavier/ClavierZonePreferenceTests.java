package dev.clavier;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.filter.Filter;
import dev.clavier.filter.Filters;
import dev.clavier.listener.AllDownPolicy;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.listener.ListenerSnapshot;
import dev.clavier.scout.HttpScout;
import dev.clavier.test.LoopbackAddresses;
import dev.clavier.test.TestHttpBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Zone preference end to end: real HTTP backends on loopback in two zones and none, each
 * taken down for real, and the listener's picks.
 */
class ClavierZonePreferenceTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final String[] HOSTS = { "127.0.0.1", "127.0.0.2", "127.0.0.3" };

	private Clavier clavier;

	@BeforeEach
	void start() {
		this.clavier = Clavier.create();
	}

	@AfterEach
	void stop() {
		this.clavier.close();
	}

	static Stream<Filter> filters() {
		return Stream.of(Filters.roundRobin(), Filters.random());
	}

	@ParameterizedTest
	@MethodSource("filters")
	void getEndpointWhenZoneHasAHealthyEndpointShouldPickOnlyItAndSpillOverWhenItGoesDown(Filter filter) throws Exception {
		assumeLoopbackHosts();
		TestHttpBackend local = TestHttpBackend.start(HOSTS[0], 0);
		int port = local.port();
		try (local; TestHttpBackend other = TestHttpBackend.start(HOSTS[1], port);
				TestHttpBackend unzoned = TestHttpBackend.start(HOSTS[2], port)) {
			Listener listener = this.clavier.addListener("backend",
					fast(HOSTS[0] + ":" + port + ";zone=eu-1", HOSTS[1] + ":" + port + ";zone=eu-2",
							HOSTS[2] + ":" + port).filter(filter).zone("EU-1").build());
			awaitHealthy(listener, 3);
			assertThat(spread(listener, 300)).containsExactly(Map.entry(HOSTS[0], 300));

			local.stop();
			ListenerSnapshot down = await().atMost(WAIT)
				.until(listener::snapshot, (snapshot) -> status(snapshot, HOSTS[0]) == HealthStatus.UNHEALTHY);
			// At once: the snapshot that shows the zone's last endpoint down picks from the others.
			assertThat(down.selection().endpoints()).extracting(Endpoint::host).containsExactly(HOSTS[1], HOSTS[2]);
			assertThat(spread(listener, 300)).containsOnlyKeys(HOSTS[1], HOSTS[2]);

			local.start();
			ListenerSnapshot back = await().atMost(WAIT)
				.until(listener::snapshot, (snapshot) -> status(snapshot, HOSTS[0]) == HealthStatus.HEALTHY);
			assertThat(back.selection().endpoints()).extracting(Endpoint::host).containsExactly(HOSTS[0]);
			assertThat(spread(listener, 300)).containsExactly(Map.entry(HOSTS[0], 300));
		}
	}

	@Test
	void getEndpointWhenAllDownAndPolicyAllShouldStillPreferTheZone() throws Exception {
		assumeLoopbackHosts();
		TestHttpBackend local = TestHttpBackend.start(HOSTS[0], 0);
		int port = local.port();
		try (local; TestHttpBackend other = TestHttpBackend.start(HOSTS[1], port)) {
			Listener listener = this.clavier.addListener("backend",
					fast(HOSTS[0] + ":" + port + ";zone=eu-1", HOSTS[1] + ":" + port + ";zone=eu-2").zone("eu-2")
						.allDownPolicy(AllDownPolicy.ALL)
						.build());
			awaitHealthy(listener, 2);
			assertThat(spread(listener, 100)).containsExactly(Map.entry(HOSTS[1], 100));
			local.stop();
			other.stop();
			ListenerSnapshot down = await().atMost(WAIT)
				.until(listener::snapshot, (snapshot) -> snapshot.count(HealthStatus.UNHEALTHY) == 2);
			assertThat(down.isFallback()).isTrue();
			assertThat(down.selection().endpoints()).extracting(Endpoint::host).containsExactly(HOSTS[1]);
		}
	}

	@Test
	void getEndpointWhenListenerHasNoZoneShouldPickEveryZone() throws Exception {
		assumeLoopbackHosts();
		TestHttpBackend local = TestHttpBackend.start(HOSTS[0], 0);
		int port = local.port();
		try (local; TestHttpBackend other = TestHttpBackend.start(HOSTS[1], port)) {
			Listener listener = this.clavier.addListener("backend",
					fast(HOSTS[0] + ":" + port + ";zone=eu-1", HOSTS[1] + ":" + port + ";zone=eu-2").build());
			awaitHealthy(listener, 2);
			assertThat(spread(listener, 200)).containsOnly(Map.entry(HOSTS[0], 100), Map.entry(HOSTS[1], 100));
		}
	}

	private static void assumeLoopbackHosts() {
		for (String host : HOSTS) {
			assumeThat(LoopbackAddresses.isBindable(host))
				.as("loopback address %s is bindable (Linux; macOS needs aliases)", host)
				.isTrue();
		}
	}

	private static ListenerConfig.Builder fast(String... entries) {
		// Generous timeout: a cold JVM's first probe loads Netty classes.
		return ListenerConfig.builder(StaticDiscovery.parse(0, List.of(entries)))
			.scout(HttpScout.builder().path("/health").build())
			.interval(Duration.ofMillis(1000))
			.timeout(Duration.ofMillis(900))
			.rise(1)
			// Two failures, so that one slow probe on a busy machine does not move picks mid-count.
			.fall(2);
	}

	private static void awaitHealthy(Listener listener, int count) throws InterruptedException {
		assertThat(listener.awaitReady(WAIT)).isTrue();
		// A cold JVM's first probes may time out: wait for the next ones.
		await().atMost(WAIT).until(() -> listener.snapshot().count(HealthStatus.HEALTHY) == count);
	}

	private static HealthStatus status(ListenerSnapshot snapshot, String host) {
		return snapshot.endpoints()
			.stream()
			.filter((state) -> state.endpoint().host().equals(host))
			.findFirst()
			.map(EndpointState::status)
			.orElse(null);
	}

	private static Map<String, Integer> spread(Listener listener, int calls) {
		Map<String, Integer> counts = new HashMap<>();
		for (int i = 0; i < calls; i++) {
			counts.merge(listener.getEndpoint().host(), 1, Integer::sum);
		}
		return counts;
	}

}
