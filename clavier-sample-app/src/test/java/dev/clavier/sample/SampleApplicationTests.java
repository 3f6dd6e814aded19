package dev.clavier.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The sample end to end without a browser: the demo infrastructure starts before the
 * listeners, every listener becomes healthy, and a failed backend gets no calls.
 */
@EnabledIf(value = "dev.clavier.sample.DemoBackends#loopbackAvailable", disabledReason = DemoBackends.LOOPBACK_MISSING)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SampleApplicationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@LocalServerPort
	private int port;

	@Autowired
	private DemoInfrastructure infrastructure;

	private RestClient client;

	@BeforeEach
	void createClient() {
		this.client = RestClient.create("http://localhost:" + this.port);
	}

	@AfterEach
	void restoreBackends() {
		DemoBackends.restore(this.infrastructure);
	}

	@Test
	void startWhenDemoInfrastructureRunsShouldMakeEveryEndpointHealthy() {
		await().atMost(WAIT).untilAsserted(() -> {
			JsonNode listeners = this.client.get().uri("/actuator/clavier").retrieve().body(JsonNode.class).get("listeners");
			assertThat(healthy(listeners.get("backend"))).isEqualTo(3);
			assertThat(healthy(listeners.get("backend-static"))).isEqualTo(2);
			assertThat(healthy(listeners.get("greeter"))).isEqualTo(2);
			assertThat(healthy(listeners.get("backend-weighted"))).isEqualTo(3);
		});
	}

	@Test
	void burstWhenBackendFailsShouldCallOnlyHealthyBackends() {
		awaitHealthy("backend", 3);
		DemoBackend failed = this.infrastructure.backend("http-2").orElseThrow();
		this.client.post().uri("/demo/backends/http-2/fail").retrieve().toBodilessEntity();
		awaitHealthy("backend", 2);
		JsonNode result = this.client.post().uri("/demo/burst?service=backend&calls=100").retrieve().body(JsonNode.class);
		assertThat(result.get("failures").asInt()).isZero();
		Map<String, Integer> byBackend = counts(result.get("byBackend"));
		assertThat(byBackend).doesNotContainKey(failed.host() + ":" + failed.port());
		assertThat(byBackend.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
		assertThat(byBackend).hasSize(2);
		assertThat(result.get("byClient").get("RestClient").asInt()).isEqualTo(80);
		assertThat(result.get("byClient").get("WebClient").asInt()).isEqualTo(20);
	}

	@Test
	void burstToWeightedListenerShouldFollowItsWeights() {
		awaitHealthy("backend-weighted", 3);
		JsonNode listener = this.client.get().uri("/actuator/clavier/backend-weighted").retrieve().body(JsonNode.class);
		Map<String, Integer> weights = listener.get("endpoints")
			.valueStream()
			.collect(Collectors.toMap((e) -> e.get("host").asString() + ":" + e.get("port").asInt(),
					(e) -> e.get("weight").asInt()));
		assertThat(weights.values()).containsExactlyInAnyOrder(1, 3, 6);
		JsonNode result = this.client.post()
			.uri("/demo/burst?service=backend-weighted&calls=1000")
			.retrieve()
			.body(JsonNode.class);
		assertThat(result.get("failures").asInt()).isZero();
		Map<String, Integer> byBackend = counts(result.get("byBackend"));
		assertThat(byBackend).containsOnlyKeys(weights.keySet());
		// Weights 1, 3 and 6: 10%, 30% and 60% of the calls, within 2 points.
		weights.forEach((address, weight) -> assertThat(byBackend.get(address) / 10.0).as("share of %s", address)
			.isCloseTo(weight * 10.0, within(2.0)));
	}

	@Test
	void backendsWhenListedShouldNameEveryDemoBackend() {
		JsonNode backends = this.client.get().uri("/demo/backends").retrieve().body(JsonNode.class);
		List<String> ids = backends.valueStream().map((backend) -> backend.get("id").asString()).toList();
		assertThat(ids).containsExactly("http-1", "http-2", "http-3", "grpc-1", "grpc-2");
	}

	private void awaitHealthy(String listener, int expected) {
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(healthy(
					this.client.get().uri("/actuator/clavier/" + listener).retrieve().body(JsonNode.class)))
				.isEqualTo(expected));
	}

	private static long healthy(JsonNode listener) {
		return listener.get("endpoints").valueStream().filter((e) -> "HEALTHY".equals(e.get("status").asString())).count();
	}

	private static Map<String, Integer> counts(JsonNode node) {
		return node.propertyStream()
			.collect(Collectors.toMap(Map.Entry::getKey, (entry) -> entry.getValue().asInt()));
	}

}
