package dev.clavier.autoconfigure.loadbalancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.clavier.Clavier;
import dev.clavier.listener.Listener;
import dev.clavier.test.LoopbackAddresses;
import dev.clavier.test.TestHttpBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClient;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Spring Cloud's hints and request-based sticky sessions over Clavier's healthy endpoints,
 * end to end: a Spring Boot application whose {@code @LoadBalanced} RestClient, RestTemplate
 * and WebClient call three real HTTP backends on 127.0.0.1, 127.0.0.2 and 127.0.0.3, whose
 * hints are the metadata of a {@code DiscoveryClient}'s instances.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "clavier.startup.wait=10s",
				"spring.cloud.loadbalancer.clients.hinted-custom.hint-header-name=X-Colour",
				"spring.cloud.loadbalancer.hint.hinted-custom=green",
				"spring.cloud.loadbalancer.clients.sticky.configurations=request-based-sticky-session",
				"spring.cloud.loadbalancer.clients.sticky-custom.configurations=request-based-sticky-session",
				"spring.cloud.loadbalancer.clients.sticky-custom.sticky-session.instance-id-cookie-name=backend-id",
				"spring.cloud.loadbalancer.clients.same.configurations=same-instance-preference" })
class ClavierRequestPreferencesIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final String HINT_HEADER = "X-SC-LB-Hint";

	private static final String STICKY_COOKIE = "sc-lb-instance-id";

	private static final String[] LISTENERS = { "hinted", "hinted-custom", "sticky", "sticky-custom", "plain",
			"own", "same" };

	private static final List<TestHttpBackend> backends = new ArrayList<>();

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
		assumeTrue(LoopbackAddresses.isBindable("127.0.0.2") && LoopbackAddresses.isBindable("127.0.0.3"),
				"needs the loopback addresses 127.0.0.2 and 127.0.0.3 (Linux has them; macOS needs aliases)");
		TestHttpBackend first = TestHttpBackend.start("127.0.0.1", 0);
		backends.add(first);
		backends.add(TestHttpBackend.start("127.0.0.2", first.port()));
		backends.add(TestHttpBackend.start("127.0.0.3", first.port()));
	}

	@AfterAll
	static void stopPeers() {
		backends.forEach(TestHttpBackend::close);
	}

	@DynamicPropertySource
	static void clavierProperties(DynamicPropertyRegistry registry) {
		// The DiscoveryClient's instances of "hinted": two blue, one green.
		String[] hints = { "blue", "blue", "green" };
		for (int i = 0; i < 3; i++) {
			int index = i;
			String instance = "spring.cloud.discovery.client.simple.instances.hinted[" + i + "].";
			registry.add(instance + "uri", () -> "http://" + backends.get(index).hostAndPort());
			registry.add(instance + "metadata.hint", () -> hints[index]);
		}
		for (String name : LISTENERS) {
			String listener = "clavier.listeners." + name + ".";
			if (name.startsWith("hinted")) {
				registry.add(listener + "discovery.model", () -> "discovery-client");
				registry.add(listener + "discovery.discovery-client.service-id", () -> "hinted");
			}
			else {
				registry.add(listener + "discovery.model", () -> "static");
				registry.add(listener + "discovery.static.endpoints", () -> String.join(",", addresses(0, 1, 2)));
			}
			registry.add(listener + "scout.model", () -> "http");
			registry.add(listener + "scout.http.path", () -> TestHttpBackend.DEFAULT_HEALTH_PATH);
			registry.add(listener + "scout.interval", () -> "300ms");
			registry.add(listener + "scout.timeout", () -> "200ms");
			registry.add(listener + "scout.rise", () -> "1");
			registry.add(listener + "scout.fall", () -> "2");
			registry.add(listener + "outlier-detection.enabled", () -> "false");
		}
	}

	@BeforeEach
	void allBackendsHealthy() {
		for (String name : LISTENERS) {
			awaitSelection(name, 3);
		}
	}

	@Test
	void callsWithHintHeaderShouldReachOnlyHintedBackendsThroughEveryClient() {
		for (Client client : clients()) {
			assertThat(count(client, "hinted", Map.of(HINT_HEADER, "blue"), Map.of())).as(client.name())
				.containsOnlyKeys(addresses(0, 1));
			assertThat(count(client, "hinted", Map.of(HINT_HEADER, "green"), Map.of())).as(client.name())
				.containsOnlyKeys(addresses(2));
		}
	}

	@Test
	void callsWithHintNoBackendHasShouldReachEveryBackend() {
		for (Client client : clients()) {
			assertThat(count(client, "hinted", Map.of(HINT_HEADER, "purple"), Map.of())).as(client.name())
				.containsOnlyKeys(addresses(0, 1, 2));
			// No header and no hint property: Spring Cloud's hint "default", which no backend has.
			assertThat(count(client, "hinted", Map.of(), Map.of())).as(client.name())
				.containsOnlyKeys(addresses(0, 1, 2));
		}
	}

	@Test
	void callsWithHintShouldFallBackToEveryHealthyBackendWhenHintedOnesAreDown() {
		TestHttpBackend blue1 = backends.get(0);
		TestHttpBackend blue2 = backends.get(1);
		try {
			blue1.healthStatus(503);
			awaitSelection("hinted", 2);
			assertThat(count(restClient(), "hinted", Map.of(HINT_HEADER, "blue"), Map.of()))
				.containsOnlyKeys(addresses(1));
			blue2.healthStatus(503);
			awaitSelection("hinted", 1);
			assertThat(count(webClient(), "hinted", Map.of(HINT_HEADER, "blue"), Map.of()))
				.containsOnlyKeys(addresses(2));
		}
		finally {
			blue1.healthStatus(200);
			blue2.healthStatus(200);
		}
	}

	@Test
	void clientPropertiesShouldOverrideHintHeaderNameAndGiveTheHint() {
		for (Client client : clients()) {
			// hint.hinted-custom=green applies without a header...
			assertThat(count(client, "hinted-custom", Map.of(), Map.of())).as(client.name())
				.containsOnlyKeys(addresses(2));
			// ...the client's own header name wins over it...
			assertThat(count(client, "hinted-custom", Map.of("X-Colour", "blue"), Map.of())).as(client.name())
				.containsOnlyKeys(addresses(0, 1));
			// ...and the default header name is not this client's.
			assertThat(count(client, "hinted-custom", Map.of(HINT_HEADER, "blue"), Map.of())).as(client.name())
				.containsOnlyKeys(addresses(2));
		}
	}

	@Test
	void callsWithStickyCookieShouldReachItsBackendThroughEveryClient() {
		for (Client client : clients()) {
			assertThat(count(client, "sticky", Map.of(), Map.of(STICKY_COOKIE, address(1)))).as(client.name())
				.containsOnlyKeys(addresses(1));
			// An instance id no endpoint has: every backend, as Spring Cloud does.
			assertThat(count(client, "sticky", Map.of(), Map.of(STICKY_COOKIE, "127.0.0.9:1"))).as(client.name())
				.containsOnlyKeys(addresses(0, 1, 2));
		}
	}

	@Test
	void callsWithStickyCookieShouldMoveWhileItsBackendIsDownAndReturnAfter() {
		TestHttpBackend sticky = backends.get(1);
		try {
			sticky.healthStatus(503);
			awaitSelection("sticky", 2);
			for (Client client : clients()) {
				assertThat(count(client, "sticky", Map.of(), Map.of(STICKY_COOKIE, address(1)))).as(client.name())
					.containsOnlyKeys(addresses(0, 2));
			}
		}
		finally {
			sticky.healthStatus(200);
		}
		awaitSelection("sticky", 3);
		assertThat(count(restClient(), "sticky", Map.of(), Map.of(STICKY_COOKIE, address(1))))
			.containsOnlyKeys(addresses(1));
	}

	@Test
	void stickyCookieShouldFollowClientPropertiesOnly() {
		for (Client client : clients()) {
			assertThat(count(client, "sticky-custom", Map.of(), Map.of("backend-id", address(2)))).as(client.name())
				.containsOnlyKeys(addresses(2));
			assertThat(count(client, "sticky-custom", Map.of(), Map.of(STICKY_COOKIE, address(2))))
				.as(client.name())
				.containsOnlyKeys(addresses(0, 1, 2));
			// Without request-based-sticky-session in its configurations, a service ignores the cookie.
			assertThat(count(client, "plain", Map.of(), Map.of(STICKY_COOKIE, address(2)))).as(client.name())
				.containsOnlyKeys(addresses(0, 1, 2));
		}
	}

	@Test
	void callsWithSameInstancePreferenceShouldStayOnOneBackendWhileItIsHealthy() {
		for (Client client : clients()) {
			assertThat(count(client, "same", Map.of(), Map.of())).as(client.name()).hasSize(1);
		}
		String first = count(restClient(), "same", Map.of(), Map.of()).keySet().iterator().next();
		TestHttpBackend preferred = backends.stream()
			.filter((backend) -> backend.hostAndPort().equals(first))
			.findFirst()
			.orElseThrow();
		try {
			preferred.healthStatus(503);
			awaitSelection("same", 2);
			for (Client client : clients()) {
				assertThat(count(client, "same", Map.of(), Map.of())).as(client.name())
					.hasSize(1)
					.doesNotContainKey(first);
			}
		}
		finally {
			preferred.healthStatus(200);
		}
	}

	@Test
	void userSupplierOfTheServiceShouldStillTakePrecedence() {
		for (Client client : clients()) {
			assertThat(count(client, "own", Map.of(), Map.of())).as(client.name()).containsOnlyKeys(addresses(0));
		}
	}

	private List<Client> clients() {
		return List.of(restClient(), restTemplate(), webClient());
	}

	private Client restClient() {
		return new Client("RestClient", (service, headers, cookies) -> {
			RestClient.RequestHeadersSpec<?> spec = this.restClientBuilder.build().get().uri("http://" + service + "/hello");
			headers.forEach((name, value) -> spec.header(name, value));
			cookies.forEach((name, value) -> spec.header(HttpHeaders.COOKIE, name + "=" + value));
			return spec.retrieve().toEntity(String.class);
		});
	}

	private Client restTemplate() {
		return new Client("RestTemplate", (service, headers, cookies) -> {
			HttpHeaders httpHeaders = new HttpHeaders();
			headers.forEach(httpHeaders::add);
			cookies.forEach((name, value) -> httpHeaders.add(HttpHeaders.COOKIE, name + "=" + value));
			return this.restTemplate.exchange("http://" + service + "/hello", HttpMethod.GET,
					new HttpEntity<>(httpHeaders), String.class);
		});
	}

	private Client webClient() {
		return new Client("WebClient", (service, headers, cookies) -> {
			WebClient.RequestHeadersSpec<?> spec = this.webClientBuilder.build().get().uri("http://" + service + "/hello");
			headers.forEach((name, value) -> spec.header(name, value));
			cookies.forEach((name, value) -> spec.cookie(name, value));
			return spec.retrieve().toEntity(String.class).block(WAIT);
		});
	}

	private static Map<String, Integer> count(Client client, String service, Map<String, String> headers,
			Map<String, String> cookies) {
		Map<String, Integer> counts = new TreeMap<>();
		for (int i = 0; i < 30; i++) {
			ResponseEntity<String> response = client.call().call(service, headers, cookies);
			assertThat(response).isNotNull();
			assertThat(response.getStatusCode().is2xxSuccessful()).isTrue();
			counts.merge(response.getHeaders().getFirst(TestHttpBackend.BACKEND_HEADER), 1, Integer::sum);
		}
		return counts;
	}

	private static String address(int index) {
		return backends.get(index).hostAndPort();
	}

	private static String[] addresses(int... indexes) {
		String[] addresses = new String[indexes.length];
		for (int i = 0; i < indexes.length; i++) {
			addresses[i] = address(indexes[i]);
		}
		return addresses;
	}

	private void awaitSelection(String name, int size) {
		Listener listener = this.clavier.listener(name).orElseThrow();
		await().atMost(WAIT).untilAsserted(() -> assertThat(listener.selection().size()).isEqualTo(size));
	}

	/**
	 * One call through one client.
	 */
	@FunctionalInterface
	interface Call {

		ResponseEntity<String> call(String service, Map<String, String> headers, Map<String, String> cookies);

	}

	/**
	 * A named client.
	 */
	record Client(String name, Call call) {
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@LoadBalancerClient(name = "own", configuration = OwnSupplierConfiguration.class)
	@Import(LoadBalancedClients.class)
	static class TestApplication {

	}

	/**
	 * The application's own supplier for the service {@code own}: only the first backend, though
	 * Clavier's listener of that name has three healthy ones.
	 */
	static class OwnSupplierConfiguration {

		@Bean
		ServiceInstanceListSupplier ownSupplier() {
			ServiceInstance only = new DefaultServiceInstance("own-1", "own", "127.0.0.1", backends.get(0).port(),
					false);
			return new ServiceInstanceListSupplier() {

				@Override
				public String getServiceId() {
					return "own";
				}

				@Override
				public Flux<List<ServiceInstance>> get() {
					return Flux.just(List.of(only));
				}

			};
		}

	}

}
