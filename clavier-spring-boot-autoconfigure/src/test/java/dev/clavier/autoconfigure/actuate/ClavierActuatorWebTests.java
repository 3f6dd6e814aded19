package dev.clavier.autoconfigure.actuate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import dev.clavier.Clavier;
import dev.clavier.actuate.ClavierEndpoint;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.scout.HttpScout;
import dev.clavier.test.TestHttpBackend;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Web tests of the {@code clavier} endpoint, the health contributor and the meters in a running
 * application, over real HTTP backends on loopback: listener {@code up} has one healthy
 * backend, listener {@code down} one that answers 503.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = { "management.endpoints.web.exposure.include=clavier,health,metrics",
		"management.endpoint.health.show-details=always", "management.endpoint.health.show-components=always",
		"management.endpoint.health.probes.enabled=true" })
@DirtiesContext
class ClavierActuatorWebTests {

	private static final String SECRET = "Bearer w3b-s3cr3t-t0ken";

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@LocalServerPort
	private int port;

	@Autowired
	private Clavier clavier;

	@Autowired
	private TestHttpBackend downBackend;

	@BeforeEach
	void awaitProbed() {
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(this.clavier.listener("up").orElseThrow().endpoints()).singleElement()
				.satisfies((state) -> assertThat(state.status()).isEqualTo(HealthStatus.HEALTHY));
			assertThat(this.clavier.listener("down").orElseThrow().endpoints()).singleElement().satisfies((state) -> {
				assertThat(state.status()).isEqualTo(HealthStatus.UNHEALTHY);
				assertThat(state.lastError()).isEqualTo("HTTP 503");
			});
		});
	}

	@Test
	void getClavierShouldDescribeEveryListener() throws Exception {
		HttpResponse<String> response = get("/actuator/clavier");
		assertThat(response.statusCode()).isEqualTo(200);
		DocumentContext json = JsonPath.parse(response.body());
		Map<String, Object> listeners = json.read("$.listeners");
		assertThat(listeners).containsOnlyKeys("down", "up");
		assertListener(json, "$.listeners.up", "HEALTHY");
		assertListener(json, "$.listeners.down", "UNHEALTHY");
		assertThat(json.read("$.listeners.down.endpoints[0].lastError", String.class)).isEqualTo("HTTP 503");
		assertThat(json.read("$.listeners.down.endpoints[0].cause", String.class)).startsWith("first probe failed");
	}

	@Test
	void getListenerShouldDescribeOneListener() throws Exception {
		HttpResponse<String> response = get("/actuator/clavier/up");
		assertThat(response.statusCode()).isEqualTo(200);
		DocumentContext json = JsonPath.parse(response.body());
		assertListener(json, "$", "HEALTHY");
		assertThat(json.read("$.endpoints[0].lastError", Object.class)).isNull();
		assertThat(json.read("$.healthy", Integer.class)).isEqualTo(1);
	}

	@Test
	void getUnknownListenerShouldReturnNotFound() throws Exception {
		assertThat(get("/actuator/clavier/nope").statusCode()).isEqualTo(404);
	}

	@Test
	void postListenerWhenReadOnlyShouldBeRejected() throws Exception {
		HttpResponse<String> response = post("/actuator/clavier/down");
		// The write operation is not mapped at read-only access; the GET at that path is.
		assertThat(response.statusCode()).isEqualTo(405);
	}

	@Test
	void getClavierShouldNeverShowScoutHeaders() throws Exception {
		String body = get("/actuator/clavier").body();
		assertThat(body).doesNotContain("w3b-s3cr3t").doesNotContain("Authorization");
	}

	@Test
	void healthShouldShowEachListenerAndDownForUnhealthyOne() throws Exception {
		HttpResponse<String> response = get("/actuator/health");
		DocumentContext json = JsonPath.parse(response.body());
		assertThat(json.read("$.components.clavier.status", String.class)).isEqualTo("DOWN");
		assertThat(json.read("$.components.clavier.components.up.status", String.class)).isEqualTo("UP");
		assertThat(json.read("$.components.clavier.components.down.status", String.class)).isEqualTo("DOWN");
		assertThat(json.read("$.components.clavier.components.down.details.healthy", Integer.class)).isZero();
		assertThat(json.read("$.components.clavier.components.down.details.total", Integer.class)).isEqualTo(1);
		assertThat(json.read("$.components.clavier.components.down.details.fallback", Boolean.class)).isFalse();
		assertThat(get("/actuator/health/clavier/up").statusCode()).isEqualTo(200);
		assertThat(get("/actuator/health/clavier/down").statusCode()).isEqualTo(503);
	}

	@Test
	void readinessAndLivenessShouldNotIncludeClavier() throws Exception {
		for (String group : List.of("readiness", "liveness")) {
			HttpResponse<String> response = get("/actuator/health/" + group);
			assertThat(response.statusCode()).as(group).isEqualTo(200);
			assertThat(response.body()).as(group).doesNotContain("clavier");
		}
	}

	@Test
	void metricsShouldHaveProbeTimerWithTags() throws Exception {
		HttpResponse<String> response = get("/actuator/metrics/clavier.probe");
		assertThat(response.statusCode()).isEqualTo(200);
		DocumentContext json = JsonPath.parse(response.body());
		List<String> listeners = json.read("$.availableTags[?(@.tag == 'listener')].values[*]");
		List<String> outcomes = json.read("$.availableTags[?(@.tag == 'outcome')].values[*]");
		assertThat(listeners).contains("up", "down");
		assertThat(outcomes).contains("success", "failure");
		HttpResponse<String> failures = get("/actuator/metrics/clavier.probe?tag=listener:down&tag=outcome:failure");
		List<Number> counts = JsonPath.parse(failures.body()).read("$.measurements[?(@.statistic == 'COUNT')].value");
		assertThat(counts).singleElement().satisfies((count) -> assertThat(count.doubleValue()).isPositive());
		assertThat(get("/actuator/metrics/clavier.endpoints?tag=listener:up&tag=status:healthy").statusCode())
			.isEqualTo(200);
	}

	private static void assertListener(DocumentContext json, String path, String status) {
		Map<String, Object> listener = json.read(path);
		assertThat(listener).containsKeys("discovery", "scout", "filter", "healthy", "total", "fallback",
				"endpoints");
		Map<String, Object> discovery = json.read(path + ".discovery");
		assertThat(discovery).containsKeys("model", "target", "lastRefresh", "nextRefresh",
				"lastError", "attempts", "lastNote");
		assertThat(json.read(path + ".discovery.model", String.class)).isEqualTo("static");
		assertThat(json.read(path + ".discovery.lastError", Object.class)).isNull();
		assertThat(json.read(path + ".scout.model", String.class)).isEqualTo("http");
		assertThat(json.read(path + ".scout.interval", String.class)).isEqualTo("PT0.5S");
		assertThat(json.read(path + ".filter.model", String.class)).isEqualTo("round-robin");
		assertThat(json.read(path + ".total", Integer.class)).isEqualTo(1);
		Map<String, Object> endpoint = json.read(path + ".endpoints[0]");
		assertThat(endpoint).containsKeys("host", "port", "weight", "status", "lastCheck", "latencyMs", "lastError",
				"consecutiveSuccesses", "consecutiveFailures", "cause", "transitions");
		assertThat(endpoint.get("host")).isEqualTo("127.0.0.1");
		assertThat(endpoint.get("port")).isInstanceOf(Integer.class);
		assertThat(endpoint.get("status")).isEqualTo(status);
		assertThat(endpoint.get("latencyMs")).isInstanceOf(Number.class);
		// ISO-8601 instants, as strings.
		assertThat((String) endpoint.get("lastCheck")).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
		List<Map<String, Object>> transitions = json.read(path + ".endpoints[0].transitions");
		assertThat(transitions).isNotEmpty().allSatisfy((transition) -> assertThat(transition).containsKeys("from", "to", "cause", "at"));
		assertThat(transitions.get(transitions.size() - 1)).containsEntry("to", status);
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String path) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	@Nested
	@TestPropertySource(properties = "management.endpoint.clavier.access=unrestricted")
	class UnrestrictedAccess {

		@Test
		void postListenerShouldProbeNowAndReturnTheListener() throws Exception {
			int before = ClavierActuatorWebTests.this.downBackend.healthChecks();
			HttpResponse<String> response = post("/actuator/clavier/down");
			assertThat(response.statusCode()).isEqualTo(200);
			DocumentContext json = JsonPath.parse(response.body());
			assertThat(json.read("$.total", Integer.class)).isEqualTo(1);
			assertThat(json.read("$.endpoints[0].status", String.class)).isEqualTo("UNHEALTHY");
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(ClavierActuatorWebTests.this.downBackend.healthChecks()).isGreaterThan(before));
		}

		@Test
		void postUnknownListenerShouldReturnBadRequest() throws Exception {
			assertThat(post("/actuator/clavier/nope").statusCode()).isEqualTo(400);
		}

	}

	@Nested
	@TestPropertySource(properties = "management.endpoints.web.exposure.include=health")
	class NotExposed {

		@Autowired
		private ApplicationContext context;

		@Test
		void getClavierWhenNotIncludedShouldReturnNotFound() throws Exception {
			assertThat(get("/actuator/clavier").statusCode()).isEqualTo(404);
			assertThat(this.context.getBeanNamesForType(ClavierEndpoint.class)).isEmpty();
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean(destroyMethod = "close")
		TestHttpBackend upBackend() {
			return TestHttpBackend.start("127.0.0.1", 0);
		}

		@Bean(destroyMethod = "close")
		TestHttpBackend downBackend() {
			return TestHttpBackend.start("127.0.0.1", 0).healthStatus(503);
		}

		@Bean(destroyMethod = "close")
		Clavier clavier(TestHttpBackend upBackend, TestHttpBackend downBackend) {
			Clavier clavier = Clavier.create();
			clavier.addListener("up", config(upBackend, HttpScout.builder()
				.path(TestHttpBackend.DEFAULT_HEALTH_PATH)
				.header("Authorization", SECRET)
				.build()));
			clavier.addListener("down",
					config(downBackend, HttpScout.builder().path(TestHttpBackend.DEFAULT_HEALTH_PATH).build()));
			return clavier;
		}

		private static ListenerConfig config(TestHttpBackend backend, HttpScout scout) {
			return ListenerConfig.builder(StaticDiscovery.of(Endpoint.of(backend.host(), backend.port())))
				.scout(scout)
				.interval(Duration.ofMillis(500))
				.timeout(Duration.ofMillis(400))
				.rise(1)
				.fall(1)
				.build();
		}

	}

}
