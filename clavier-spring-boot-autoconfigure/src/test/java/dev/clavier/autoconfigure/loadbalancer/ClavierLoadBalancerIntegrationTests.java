package dev.clavier.autoconfigure.loadbalancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import dev.clavier.Clavier;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.filter.Filter;
import dev.clavier.listener.Listener;
import dev.clavier.test.LoopbackAddresses;
import dev.clavier.test.TestDnsServer;
import dev.clavier.test.TestHttpBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.registry.ImportHttpServices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * End-to-end tests: a Spring Boot application whose {@code @LoadBalanced} clients call
 * {@code http://backend/...}, with the service's addresses in a real in-process DNS server and
 * three real HTTP backends on 127.0.0.1, 127.0.0.2 and 127.0.0.3 sharing one port.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "clavier.startup.wait=10s", "spring.cloud.loadbalancer.retry.enabled=true",
				"spring.cloud.loadbalancer.retry.max-retries-on-same-service-instance=0",
				"spring.cloud.loadbalancer.retry.max-retries-on-next-service-instance=1" })
class ClavierLoadBalancerIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static TestDnsServer dns;

	private static final List<TestHttpBackend> backends = new ArrayList<>();

	private static TestHttpBackend passive1;

	private static TestHttpBackend passive2;

	private static TestHttpBackend retry1;

	private static TestHttpBackend retry2;

	@Autowired
	private Clavier clavier;

	@Autowired
	private RestClient.Builder restClientBuilder;

	@Autowired
	private RestTemplate restTemplate;

	@Autowired
	private WebClient.Builder webClientBuilder;

	@Autowired
	private BackendApi backendApi;

	@BeforeAll
	static void startPeers() {
		assumeTrue(LoopbackAddresses.isBindable("127.0.0.2") && LoopbackAddresses.isBindable("127.0.0.3"),
				"needs the loopback addresses 127.0.0.2 and 127.0.0.3 (Linux has them; macOS needs aliases)");
		dns = TestDnsServer.start();
		TestHttpBackend first = TestHttpBackend.start("127.0.0.1", 0);
		backends.add(first);
		backends.add(TestHttpBackend.start("127.0.0.2", first.port()));
		backends.add(TestHttpBackend.start("127.0.0.3", first.port()));
		dns.a("backend.svc.test", 1, "127.0.0.1", "127.0.0.2", "127.0.0.3");
		passive1 = TestHttpBackend.start("127.0.0.1", 0);
		passive2 = TestHttpBackend.start("127.0.0.1", 0);
		retry1 = TestHttpBackend.start("127.0.0.1", 0);
		retry2 = TestHttpBackend.start("127.0.0.1", 0);
	}

	@AfterAll
	static void stopPeers() {
		backends.forEach(TestHttpBackend::close);
		for (AutoCloseable peer : new AutoCloseable[] { dns, passive1, passive2, retry1, retry2 }) {
			try {
				if (peer != null) {
					peer.close();
				}
			}
			catch (Exception ex) {
				// best effort
			}
		}
	}

	@DynamicPropertySource
	static void clavierProperties(DynamicPropertyRegistry registry) {
		String backend = "clavier.listeners.backend.";
		registry.add(backend + "discovery.dns.name", () -> "backend.svc.test");
		registry.add(backend + "discovery.dns.port", () -> backends.get(0).port());
		registry.add(backend + "discovery.dns.servers", () -> dns.hostAndPort());
		registry.add(backend + "scout.model", () -> "http");
		registry.add(backend + "scout.http.path", () -> TestHttpBackend.DEFAULT_HEALTH_PATH);
		registry.add(backend + "scout.interval", () -> "300ms");
		registry.add(backend + "scout.timeout", () -> "200ms");
		registry.add(backend + "scout.rise", () -> "1");
		// Two failures, so that one probe slowed past its 200 ms timeout on a busy machine does not
		// take a healthy backend out in the middle of a test that counts calls to it.
		registry.add(backend + "scout.fall", () -> "2");
		String passive = "clavier.listeners.passive.";
		registry.add(passive + "discovery.model", () -> "static");
		registry.add(passive + "discovery.static.endpoints",
				() -> passive1.hostAndPort() + "," + passive2.hostAndPort());
		registry.add(passive + "scout.model", () -> "http");
		registry.add(passive + "scout.http.path", () -> TestHttpBackend.DEFAULT_HEALTH_PATH);
		registry.add(passive + "scout.interval", () -> "10m");
		registry.add(passive + "outlier-detection.consecutive-failures", () -> "3");
		String retrying = "clavier.listeners.retrying.";
		registry.add(retrying + "discovery.model", () -> "static");
		registry.add(retrying + "discovery.static.endpoints", () -> retry1.hostAndPort() + "," + retry2.hostAndPort());
		registry.add(retrying + "scout.model", () -> "none");
		registry.add(retrying + "filter.model", () -> "firstFilter");
		registry.add(retrying + "outlier-detection.enabled", () -> "false");
		registry.add("spring.cloud.discovery.client.simple.instances.other[0].uri",
				() -> "http://" + passive1.hostAndPort());
	}

	@BeforeEach
	void allBackendsHealthy() {
		awaitSelection("backend", 3);
	}

	@Test
	void callsThroughEveryClientShouldSpreadOverHealthyBackends() {
		assertThat(countBackends(30, this::callRestClient)).containsOnlyKeys(addresses(0, 1, 2));
		assertThat(countBackends(30, this::callRestTemplate)).containsOnlyKeys(addresses(0, 1, 2));
		assertThat(countBackends(30, this::callWebClient)).containsOnlyKeys(addresses(0, 1, 2));
		assertThat(countBackends(30, this::callHttpService)).containsOnlyKeys(addresses(0, 1, 2));
	}

	@Test
	void callsShouldSkipBackendOnceItIsUnhealthy() {
		TestHttpBackend sick = backends.get(2);
		try {
			sick.healthStatus(503);
			awaitSelection("backend", 2);
			assertThat(countBackends(20, this::callRestClient)).containsOnlyKeys(addresses(0, 1));
			assertThat(countBackends(20, this::callWebClient)).containsOnlyKeys(addresses(0, 1));
		}
		finally {
			sick.healthStatus(200);
		}
	}

	@Test
	void callsShouldSkipBackendOnceItIsStopped() {
		TestHttpBackend stopped = backends.get(1);
		try {
			stopped.stop();
			awaitSelection("backend", 2);
			assertThat(countBackends(20, this::callRestTemplate)).containsOnlyKeys(addresses(0, 2));
			assertThat(countBackends(20, this::callHttpService)).containsOnlyKeys(addresses(0, 2));
		}
		finally {
			stopped.start();
		}
	}

	@Test
	void serviceIdInAnotherCaseShouldReachTheListener() {
		for (String serviceId : new String[] { "BACKEND", "Backend" }) {
			assertThat(countBackends(30, () -> this.restClientBuilder.build()
				.get()
				.uri("http://" + serviceId + "/hello")
				.retrieve()
				.toEntity(String.class))).as(serviceId).containsOnlyKeys(addresses(0, 1, 2));
		}
	}

	@Test
	void serviceIdInAnotherCaseShouldSkipBackendOnceItIsUnhealthy() {
		TestHttpBackend sick = backends.get(2);
		try {
			sick.healthStatus(503);
			awaitSelection("backend", 2);
			assertThat(countBackends(20, () -> this.restClientBuilder.build()
				.get()
				.uri("http://BACKEND/hello")
				.retrieve()
				.toEntity(String.class))).containsOnlyKeys(addresses(0, 1));
		}
		finally {
			sick.healthStatus(200);
		}
	}

	@Test
	void serviceIdThatIsNotAListenerShouldKeepSpringCloudDefaults() {
		ResponseEntity<String> response = this.restClientBuilder.build()
			.get()
			.uri("http://other/hello")
			.retrieve()
			.toEntity(String.class);
		assertThat(response.getHeaders().getFirst(TestHttpBackend.BACKEND_HEADER)).isEqualTo(passive1.hostAndPort());
		assertThat(this.clavier.listener("other")).isEmpty();
	}

	@Test
	void backendWhoseCallsFailShouldLeaveRotationAfterConsecutiveFailures() {
		Listener listener = this.clavier.listener("passive").orElseThrow();
		Endpoint failing = Endpoint.parse(passive2.hostAndPort(), 0);
		awaitSelection("passive", 2);
		passive2.stop();
		// Probes run every 10 minutes: only failed calls can take the endpoint out.
		for (int i = 0; i < 20 && listener.selection().endpoints().contains(failing); i++) {
			try {
				this.restClientBuilder.build().get().uri("http://passive/hello").retrieve().toBodilessEntity();
			}
			catch (RuntimeException ex) {
				// the stopped backend refuses connections
			}
		}
		assertThat(listener.selection().endpoints()).containsExactly(Endpoint.parse(passive1.hostAndPort(), 0));
		assertThat(listener.endpoints()).hasSize(2);
		Map<String, Integer> counts = countBackends(10, () -> this.restTemplate.getForEntity("http://passive/hello",
				String.class));
		assertThat(counts).containsOnlyKeys(passive1.hostAndPort());
	}

	@Test
	void retryShouldAvoidThePreviousInstance() {
		Listener listener = this.clavier.listener("retrying").orElseThrow();
		awaitSelection("retrying", 2);
		// The filter always picks the first endpoint: stop that one, so only a retry elsewhere succeeds.
		Endpoint first = listener.selection().get(0);
		TestHttpBackend stopped = first.equals(Endpoint.parse(retry1.hostAndPort(), 0)) ? retry1 : retry2;
		TestHttpBackend running = (stopped == retry1) ? retry2 : retry1;
		stopped.stop();
		try {
			assertThat(countBackends(10, () -> this.restTemplate.getForEntity("http://retrying/hello", String.class)))
				.containsOnlyKeys(running.hostAndPort());
			assertThat(countBackends(10, () -> this.restClientBuilder.build()
				.get()
				.uri("http://retrying/hello")
				.retrieve()
				.toEntity(String.class))).containsOnlyKeys(running.hostAndPort());
		}
		finally {
			stopped.start();
		}
	}

	private ResponseEntity<String> callRestClient() {
		return this.restClientBuilder.build().get().uri("http://backend/hello").retrieve().toEntity(String.class);
	}

	private ResponseEntity<String> callRestTemplate() {
		return this.restTemplate.getForEntity("http://backend/hello", String.class);
	}

	private ResponseEntity<String> callWebClient() {
		return this.webClientBuilder.build().get().uri("http://backend/hello").retrieve().toEntity(String.class).block();
	}

	private ResponseEntity<String> callHttpService() {
		return this.backendApi.hello();
	}

	private static Map<String, Integer> countBackends(int calls, Supplier<ResponseEntity<String>> call) {
		Map<String, Integer> counts = new TreeMap<>();
		for (int i = 0; i < calls; i++) {
			ResponseEntity<String> response = call.get();
			assertThat(response.getStatusCode().is2xxSuccessful()).isTrue();
			counts.merge(response.getHeaders().getFirst(TestHttpBackend.BACKEND_HEADER), 1, Integer::sum);
		}
		return counts;
	}

	private static String[] addresses(int... indexes) {
		String[] addresses = new String[indexes.length];
		for (int i = 0; i < indexes.length; i++) {
			addresses[i] = backends.get(indexes[i]).hostAndPort();
		}
		return addresses;
	}

	private void awaitSelection(String name, int size) {
		Listener listener = this.clavier.listener(name).orElseThrow();
		await().atMost(WAIT).untilAsserted(() -> assertThat(listener.selection().size()).isEqualTo(size));
	}

	/**
	 * An HTTP service client of the group {@code backend}, load-balanced by Spring Cloud.
	 */
	interface BackendApi {

		@GetExchange("/hello")
		ResponseEntity<String> hello();

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@ImportHttpServices(group = "backend", types = BackendApi.class)
	@Import(LoadBalancedClients.class)
	static class TestApplication {

		@Bean
		Filter firstFilter() {
			return new Filter() {

				@Override
				public String model() {
					return "first";
				}

				@Override
				public dev.clavier.filter.EndpointSelector selector(List<Endpoint> endpoints) {
					return () -> 0;
				}

			};
		}

	}

}
