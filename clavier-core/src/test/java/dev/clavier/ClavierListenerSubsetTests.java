package dev.clavier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.listener.NoHealthyEndpointException;
import dev.clavier.scout.HttpScout;
import dev.clavier.test.LoopbackAddresses;
import dev.clavier.test.TestHttpBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Deterministic subsetting end to end against real HTTP backends on loopback: only the subset
 * is probed and picked, the rest is listed, and an unhealthy member never widens the subset.
 */
class ClavierListenerSubsetTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final String[] HOSTS = { "127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5" };

	private final List<TestHttpBackend> backends = new ArrayList<>();

	private Clavier clavier;

	@BeforeEach
	void start() {
		for (String host : HOSTS) {
			assumeThat(LoopbackAddresses.isBindable(host)).as("loopback address %s is bindable (Linux; macOS needs aliases)", host)
				.isTrue();
		}
		int port = 0;
		for (String host : HOSTS) {
			TestHttpBackend backend = TestHttpBackend.start(host, port);
			port = backend.port();
			this.backends.add(backend);
		}
		this.clavier = Clavier.create();
	}

	@AfterEach
	void stop() {
		if (this.clavier != null) {
			this.clavier.close();
		}
		this.backends.forEach(TestHttpBackend::close);
	}

	@Test
	void subsetOfTwoShouldProbeAndPickOnlyItsTwoAndNeverWiden() throws Exception {
		MutableDiscovery discovery = new MutableDiscovery(Duration.ofMillis(100), endpoints(HOSTS.length));
		Listener listener = this.clavier.addListener("backend", ListenerConfig.builder(discovery)
			.scout(HttpScout.builder().path("/health").build())
			.interval(Duration.ofMillis(1000))
			.timeout(Duration.ofMillis(900))
			.rise(1)
			.fall(1)
			.subset(2, "orders-3")
			.build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		List<String> members = members(listener);
		assertThat(members).hasSize(2);
		assertThat(listener.endpoints()).hasSize(HOSTS.length);
		await().atMost(WAIT).until(() -> members.stream().allMatch((host) -> backend(host).healthChecks() >= 3));
		for (TestHttpBackend backend : this.backends) {
			if (!members.contains(backend.host())) {
				assertThat(backend.healthChecks()).as("probes of %s, outside the subset", backend.host()).isZero();
			}
		}
		assertThat(listener.endpoints()).filteredOn((state) -> !state.inSubset())
			.allSatisfy((state) -> assertThat(state.status()).isEqualTo(HealthStatus.UNKNOWN));
		assertThat(picks(listener, 100)).containsOnlyKeys(members);

		// An unhealthy member is not replaced: picks stay within the subset.
		backend(members.get(0)).healthStatus(503);
		await().atMost(WAIT).until(() -> listener.selection().size() == 1);
		assertThat(picks(listener, 50)).containsOnlyKeys(members.get(1));
		backend(members.get(1)).healthStatus(503);
		await().atMost(WAIT).until(() -> listener.selection().isEmpty());
		assertThatExceptionOfType(NoHealthyEndpointException.class).isThrownBy(listener::getEndpoint)
			.withMessageContaining("5 discovered (0 HEALTHY, 2 UNHEALTHY, 3 UNKNOWN), 3 of them outside this instance's subset");
		assertThat(members(listener)).isEqualTo(members);

		// A non-member leaves discovery: the subset is worked out again, members keep their health.
		backend(members.get(0)).healthStatus(200);
		backend(members.get(1)).healthStatus(200);
		await().atMost(WAIT).until(() -> listener.selection().size() == 2);
		List<Endpoint> fewer = new ArrayList<>();
		for (Endpoint endpoint : endpoints(HOSTS.length)) {
			if (members.contains(endpoint.host()) || fewer.size() < 3) {
				fewer.add(endpoint);
			}
		}
		discovery.set(fewer.toArray(Endpoint[]::new));
		await().atMost(WAIT).until(() -> listener.endpoints().size() == fewer.size());
		List<String> after = members(listener);
		assertThat(after).hasSize(2);
		for (EndpointState state : listener.endpoints()) {
			if (after.contains(state.endpoint().host()) && members.contains(state.endpoint().host())) {
				assertThat(state.status()).isEqualTo(HealthStatus.HEALTHY);
			}
		}
		for (TestHttpBackend backend : this.backends) {
			if (!members.contains(backend.host()) && !after.contains(backend.host())) {
				assertThat(backend.healthChecks()).isZero();
			}
		}
	}

	@Test
	void subsetWhenAllDownPolicyIsAllShouldFallBackWithinTheSubset() throws Exception {
		Listener listener = this.clavier.addListener("backend", ListenerConfig.builder(new MutableDiscovery(
				Duration.ofSeconds(30), endpoints(HOSTS.length)))
			.scout(HttpScout.builder().path("/health").build())
			.interval(Duration.ofMillis(1000))
			.timeout(Duration.ofMillis(900))
			.rise(1)
			.fall(1)
			.allDownPolicy(dev.clavier.listener.AllDownPolicy.ALL)
			.subset(2, "orders-8")
			.build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		List<String> members = members(listener);
		members.forEach((host) -> backend(host).healthStatus(503));
		await().atMost(WAIT).until(() -> listener.selection().isFallback());
		assertThat(picks(listener, 50)).containsOnlyKeys(members);
	}

	private List<String> members(Listener listener) {
		return listener.endpoints()
			.stream()
			.filter(EndpointState::inSubset)
			.map((state) -> state.endpoint().host())
			.toList();
	}

	private TestHttpBackend backend(String host) {
		return this.backends.stream().filter((backend) -> backend.host().equals(host)).findFirst().orElseThrow();
	}

	private Endpoint[] endpoints(int count) {
		Endpoint[] endpoints = new Endpoint[count];
		for (int i = 0; i < count; i++) {
			endpoints[i] = Endpoint.of(HOSTS[i], this.backends.get(i).port());
		}
		return endpoints;
	}

	private static Map<String, Integer> picks(Listener listener, int count) {
		Map<String, Integer> picks = new HashMap<>();
		for (int i = 0; i < count; i++) {
			picks.merge(listener.getEndpoint().host(), 1, Integer::sum);
		}
		return picks;
	}

}
