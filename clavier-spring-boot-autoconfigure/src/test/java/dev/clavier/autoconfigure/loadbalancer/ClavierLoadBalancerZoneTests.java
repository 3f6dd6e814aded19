package dev.clavier.autoconfigure.loadbalancer;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import dev.clavier.Clavier;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.listener.Listener;
import dev.clavier.test.TestHttpBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Zone preference through Spring Cloud LoadBalancer: the listener takes Spring Cloud's own
 * {@code spring.cloud.loadbalancer.zone}, and calls through every {@code @LoadBalanced} client
 * stay in that zone while its backend is healthy, spill over when it is stopped, and come back.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "clavier.startup.wait=10s", "spring.cloud.loadbalancer.zone=EU-2" })
class ClavierLoadBalancerZoneTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static TestHttpBackend other;

	private static TestHttpBackend local;

	@Autowired
	private Clavier clavier;

	@Autowired
	private RestClient.Builder restClientBuilder;

	@Autowired
	private RestTemplate restTemplate;

	@Autowired
	private WebClient.Builder webClientBuilder;

	@BeforeAll
	static void startPeers() {
		other = TestHttpBackend.start("127.0.0.1", 0);
		local = TestHttpBackend.start("127.0.0.1", 0);
	}

	@AfterAll
	static void stopPeers() {
		other.close();
		local.close();
	}

	@DynamicPropertySource
	static void clavierProperties(DynamicPropertyRegistry registry) {
		String backend = "clavier.listeners.backend.";
		registry.add(backend + "discovery.model", () -> "static");
		registry.add(backend + "discovery.static.endpoints",
				() -> other.hostAndPort() + ";zone=eu-1," + local.hostAndPort() + ";weight=1;zone=eu-2");
		registry.add(backend + "scout.model", () -> "http");
		registry.add(backend + "scout.http.path", () -> TestHttpBackend.DEFAULT_HEALTH_PATH);
		registry.add(backend + "scout.interval", () -> "1s");
		registry.add(backend + "scout.timeout", () -> "900ms");
		registry.add(backend + "scout.rise", () -> "1");
		// Two failures, so that one slow probe on a busy machine does not move calls mid-count.
		registry.add(backend + "scout.fall", () -> "2");
	}

	@Test
	void callsShouldStayInSpringCloudsZoneWhileItsBackendIsHealthy() {
		Listener listener = this.clavier.listener("backend").orElseThrow();
		assertThat(listener.config().zone()).isEqualTo("EU-2");
		await().atMost(WAIT).until(() -> listener.snapshot().count(HealthStatus.HEALTHY) == 2);
		assertThat(countBackends(20, this::callRestClient)).containsExactly(Map.entry(local.hostAndPort(), 20));
		assertThat(countBackends(20, this::callRestTemplate)).containsExactly(Map.entry(local.hostAndPort(), 20));
		assertThat(countBackends(20, this::callWebClient)).containsExactly(Map.entry(local.hostAndPort(), 20));

		local.stop();
		try {
			await().atMost(WAIT).until(() -> listener.snapshot().count(HealthStatus.UNHEALTHY) == 1);
			assertThat(countBackends(20, this::callRestClient)).containsExactly(Map.entry(other.hostAndPort(), 20));
			assertThat(countBackends(20, this::callWebClient)).containsExactly(Map.entry(other.hostAndPort(), 20));
		}
		finally {
			local.start();
		}
		await().atMost(WAIT).until(() -> listener.snapshot().count(HealthStatus.HEALTHY) == 2);
		assertThat(countBackends(20, this::callRestTemplate)).containsExactly(Map.entry(local.hostAndPort(), 20));
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

	private static Map<String, Integer> countBackends(int calls, Supplier<ResponseEntity<String>> call) {
		Map<String, Integer> counts = new TreeMap<>();
		for (int i = 0; i < calls; i++) {
			ResponseEntity<String> response = call.get();
			assertThat(response.getStatusCode().is2xxSuccessful()).isTrue();
			counts.merge(response.getHeaders().getFirst(TestHttpBackend.BACKEND_HEADER), 1, Integer::sum);
		}
		return counts;
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(LoadBalancedClients.class)
	static class TestApplication {

	}

}
