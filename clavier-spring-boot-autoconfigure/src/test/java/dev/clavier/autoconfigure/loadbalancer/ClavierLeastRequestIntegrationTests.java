package dev.clavier.autoconfigure.loadbalancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.clavier.Clavier;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.listener.Listener;
import dev.clavier.test.TestHttpBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

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
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end tests of the {@code least-request} filter and of the calls in flight the Spring
 * Cloud LoadBalancer bridge counts: a Spring Boot application whose {@code @LoadBalanced}
 * clients call real HTTP backends on 127.0.0.1, one of them 40 times slower than the others.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "clavier.startup.wait=10s")
class ClavierLeastRequestIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	// Long enough that a call's own cost on a busy machine stays small beside them: 40 times apart.
	private static final Duration FAST = Duration.ofMillis(25);

	private static final Duration SLOW = Duration.ofMillis(1000);

	private static final int CALLERS = 8;

	private static final List<TestHttpBackend> backends = new ArrayList<>();

	/** A backend that answers only after a long time: calls to it stay in flight until cancelled. */
	private static TestHttpBackend held;

	/** A port with nothing listening: calls fail to connect. */
	private static int refusedPort;

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
		for (int i = 0; i < 4; i++) {
			backends.add(TestHttpBackend.start("127.0.0.1", 0).responseDelay((i == 0) ? SLOW : FAST));
		}
		held = TestHttpBackend.start("127.0.0.1", 0).responseDelay(Duration.ofSeconds(30));
		try (TestHttpBackend closed = TestHttpBackend.start("127.0.0.1", 0)) {
			refusedPort = closed.port();
		}
	}

	@AfterAll
	static void stopPeers() {
		backends.forEach(TestHttpBackend::close);
		if (held != null) {
			held.close();
		}
	}

	@DynamicPropertySource
	static void clavierProperties(DynamicPropertyRegistry registry) {
		String endpoints = String.join(",", backends.stream().map(TestHttpBackend::hostAndPort).toList());
		String fastEndpoints = String.join(",",
				backends.subList(1, backends.size()).stream().map(TestHttpBackend::hostAndPort).toList());
		for (String listener : new String[] { "rotating", "least", "quick" }) {
			String prefix = "clavier.listeners." + listener + ".";
			registry.add(prefix + "discovery.model", () -> "static");
			registry.add(prefix + "discovery.static.endpoints", () -> listener.equals("quick") ? fastEndpoints : endpoints);
			registry.add(prefix + "scout.model", () -> "none");
			registry.add(prefix + "outlier-detection.enabled", () -> "false");
		}
		registry.add("clavier.listeners.rotating.filter.model", () -> "round-robin");
		registry.add("clavier.listeners.least.filter.model", () -> "least-request");
		registry.add("clavier.listeners.quick.filter.model", () -> "least-request");
		registry.add("clavier.listeners.held.discovery.model", () -> "static");
		registry.add("clavier.listeners.held.discovery.static.endpoints", () -> held.hostAndPort());
		registry.add("clavier.listeners.held.scout.model", () -> "none");
		registry.add("clavier.listeners.refused.discovery.model", () -> "static");
		registry.add("clavier.listeners.refused.discovery.static.endpoints", () -> "127.0.0.1:" + refusedPort);
		registry.add("clavier.listeners.refused.scout.model", () -> "none");
		registry.add("clavier.listeners.refused.outlier-detection.enabled", () -> "false");
	}

	@Test
	void leastRequestShouldSendTheSlowBackendUnderAThirdOfRoundRobinsShare() throws Exception {
		String slow = backends.get(0).hostAndPort();
		// Round robin's share is exact per caller; least request runs longer (its calls are quicker),
		// so that its share is its steady state rather than the first picks, made before any load.
		Map<String, Integer> rotating = callConcurrently("rotating", 20);
		Map<String, Integer> least = callConcurrently("least", 60);
		double rotatingShare = share(rotating, slow);
		double leastShare = share(least, slow);
		assertThat(rotatingShare).as("round robin's share of the slow backend, %s", rotating).isEqualTo(0.25);
		assertThat(leastShare).as("least request's share of the slow backend, %s", least)
			.isLessThan(rotatingShare / 3);
		assertNothingInFlight("least");
		assertNothingInFlight("rotating");
	}

	@Test
	void callsInFlightShouldReturnToZeroAfterCallsThroughEveryClientComplete() {
		for (int i = 0; i < 8; i++) {
			assertThat(restClient("quick").getStatusCode().is2xxSuccessful()).isTrue();
			assertThat(this.restTemplate.getForEntity("http://quick/hello", String.class).getStatusCode()
				.is2xxSuccessful()).isTrue();
			assertThat(webClient("quick").getStatusCode().is2xxSuccessful()).isTrue();
		}
		assertNothingInFlight("quick");
	}

	@Test
	void callsInFlightShouldReturnToZeroAfterCallsThroughEveryClientFail() {
		assertThatException().isThrownBy(() -> restClient("refused"));
		assertThatException().isThrownBy(() -> this.restTemplate.getForEntity("http://refused/hello", String.class));
		assertThatException().isThrownBy(() -> webClient("refused"));
		assertNothingInFlight("refused");
	}

	@Test
	void callsInFlightShouldCountCallsUntilTheyEndAndWhenCancelledRelease() {
		Listener listener = this.clavier.listener("held").orElseThrow();
		Endpoint endpoint = listener.selection().get(0);
		// Errors ignored: the calls never complete here, and a failed test stops the backend.
		Disposable first = this.webClientBuilder.build()
			.get()
			.uri("http://held/hello")
			.retrieve()
			.toEntity(String.class)
			.subscribe((response) -> { }, (error) -> { });
		Disposable second = this.webClientBuilder.build()
			.get()
			.uri("http://held/hello")
			.retrieve()
			.toEntity(String.class)
			.subscribe((response) -> { }, (error) -> { });
		try {
			await().atMost(WAIT).until(() -> listener.callsInFlight(endpoint) == 2);
			first.dispose();
			await().atMost(WAIT).until(() -> listener.callsInFlight(endpoint) == 1);
			// A timeout cancels the exchange, as a disposed subscription does.
			assertThatException().isThrownBy(() -> this.webClientBuilder.build()
				.get()
				.uri("http://held/hello")
				.retrieve()
				.toEntity(String.class)
				.timeout(Duration.ofMillis(300))
				.block());
		}
		finally {
			first.dispose();
			second.dispose();
		}
		await().atMost(WAIT).until(() -> listener.callsInFlight(endpoint) == 0);
		assertNothingInFlight("held");
	}

	@Test
	void callsInFlightOfABlockingClientShouldCountWhileTheCallRuns() throws Exception {
		Listener listener = this.clavier.listener("held").orElseThrow();
		Endpoint endpoint = listener.selection().get(0);
		RestClient client = this.restClientBuilder.build();
		ExecutorService caller = Executors.newSingleThreadExecutor();
		try {
			Future<?> call = caller.submit(() -> client.get().uri("http://held/hello").retrieve().toEntity(String.class));
			await().atMost(WAIT).until(() -> listener.callsInFlight(endpoint) == 1);
			// Stopping the backend ends the call with an error: released as a failed call.
			held.stop();
			await().atMost(WAIT).until(call::isDone);
			assertThat(listener.callsInFlight(endpoint)).isZero();
		}
		finally {
			held.start();
			caller.shutdownNow();
			assertThat(caller.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		}
	}

	private Map<String, Integer> callConcurrently(String service, int callsPerCaller) throws Exception {
		RestClient client = this.restClientBuilder.build();
		Map<String, Integer> counts = new ConcurrentHashMap<>();
		AtomicInteger failures = new AtomicInteger();
		ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int c = 0; c < CALLERS; c++) {
				done.add(callers.submit(() -> {
					for (int i = 0; i < callsPerCaller; i++) {
						ResponseEntity<String> response = client.get()
							.uri("http://" + service + "/hello")
							.retrieve()
							.toEntity(String.class);
						if (!response.getStatusCode().is2xxSuccessful()) {
							failures.incrementAndGet();
						}
						counts.merge(response.getHeaders().getFirst(TestHttpBackend.BACKEND_HEADER), 1, Integer::sum);
					}
				}));
			}
			for (Future<?> future : done) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			callers.shutdownNow();
			assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		}
		assertThat(failures).hasValue(0);
		return counts;
	}

	private static double share(Map<String, Integer> counts, String backend) {
		int total = counts.values().stream().mapToInt(Integer::intValue).sum();
		return counts.getOrDefault(backend, 0) / (double) total;
	}

	private void assertNothingInFlight(String name) {
		Listener listener = this.clavier.listener(name).orElseThrow();
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(listener.endpoints())
				.allSatisfy((state) -> assertThat(listener.callsInFlight(state.endpoint())).isZero()));
	}

	private ResponseEntity<String> restClient(String service) {
		return this.restClientBuilder.build().get().uri("http://" + service + "/hello").retrieve().toEntity(String.class);
	}

	private ResponseEntity<String> webClient(String service) {
		return this.webClientBuilder.build()
			.get()
			.uri("http://" + service + "/hello")
			.retrieve()
			.toEntity(String.class)
			.block(WAIT);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(LoadBalancedClients.class)
	static class TestApplication {

	}

}
