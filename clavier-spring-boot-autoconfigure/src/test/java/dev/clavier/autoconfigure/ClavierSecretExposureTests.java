package dev.clavier.autoconfigure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.clavier.Clavier;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.listener.Listener;
import dev.clavier.listener.NoHealthyEndpointException;
import dev.clavier.test.TestHttpBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A configured header value (an {@code Authorization} token for the HTTP scout) must appear
 * nowhere: not in the logs at TRACE while probes pass, fail and time out and calls go through
 * the load balancer, not in any {@code toString()} of the engine's objects, not in an exception
 * a pick throws, and not in a start-up failure about that very header. The actuator endpoint's
 * JSON is checked in {@code ClavierActuatorWebTests#getClavierShouldNeverShowScoutHeaders}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "clavier.startup.wait=5s", "logging.level.dev.clavier=TRACE",
				"logging.level.org.springframework.cloud.loadbalancer=DEBUG" })
@ExtendWith(OutputCaptureExtension.class)
class ClavierSecretExposureTests {

	private static final String SECRET = "t0p-s3cr3t-9f8e7d";

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static TestHttpBackend healthy;

	private static TestHttpBackend failing;

	private static int closedPort;

	@Autowired
	private Clavier clavier;

	@Autowired
	private RestClient.Builder restClientBuilder;

	@Autowired
	private ClavierProperties properties;

	@BeforeAll
	static void startBackends() throws IOException {
		healthy = TestHttpBackend.start("127.0.0.1", 0);
		failing = TestHttpBackend.start("127.0.0.1", 0).healthStatus(503);
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			closedPort = socket.getLocalPort();
		}
	}

	@AfterAll
	static void stopBackends() {
		healthy.close();
		failing.close();
	}

	@DynamicPropertySource
	static void clavierProperties(DynamicPropertyRegistry registry) {
		String secured = "clavier.listeners.secured.";
		registry.add(secured + "discovery.model", () -> "static");
		registry.add(secured + "discovery.static.endpoints",
				() -> healthy.hostAndPort() + "," + failing.hostAndPort() + ",127.0.0.1:" + closedPort);
		registry.add(secured + "scout.model", () -> "http");
		registry.add(secured + "scout.http.path", () -> TestHttpBackend.DEFAULT_HEALTH_PATH);
		registry.add(secured + "scout.http.headers.Authorization", () -> "Bearer " + SECRET);
		registry.add(secured + "scout.interval", () -> "200ms");
		registry.add(secured + "scout.timeout", () -> "100ms");
		registry.add(secured + "outlier-detection.consecutive-failures", () -> "1");
		String down = "clavier.listeners.down.";
		registry.add(down + "discovery.model", () -> "static");
		registry.add(down + "discovery.static.endpoints", () -> "127.0.0.1:" + closedPort);
		registry.add(down + "scout.model", () -> "http");
		registry.add(down + "scout.http.headers.X-Api-Key", () -> SECRET);
		registry.add(down + "scout.interval", () -> "200ms");
		registry.add(down + "scout.timeout", () -> "100ms");
	}

	@Test
	void secretHeaderShouldAppearInNoLogToStringOrException(CapturedOutput output) {
		Listener secured = this.clavier.listener("secured").orElseThrow();
		Listener down = this.clavier.listener("down").orElseThrow();
		// The header is really sent: the healthy backend is healthy only through the scout's requests.
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(status(secured, healthy.port())).isEqualTo(HealthStatus.HEALTHY);
			assertThat(status(secured, failing.port())).isEqualTo(HealthStatus.UNHEALTHY);
			assertThat(status(secured, closedPort)).isEqualTo(HealthStatus.UNHEALTHY);
			assertThat(status(down, closedPort)).isEqualTo(HealthStatus.UNHEALTHY);
		});
		// Failures of every kind: 503, refused, timed out, and failed calls that eject an endpoint.
		failing.healthDelay(Duration.ofSeconds(1));
		int checks = failing.healthChecks();
		await().atMost(WAIT).until(() -> failing.healthChecks() > checks + 1);
		RestClient client = this.restClientBuilder.build();
		for (int i = 0; i < 10; i++) {
			client.get().uri("http://secured/hello").retrieve().toBodilessEntity();
		}
		healthy.healthStatus(500);
		await().atMost(WAIT).until(() -> status(secured, healthy.port()) == HealthStatus.UNHEALTHY);
		List<String> texts = new ArrayList<>();
		try {
			secured.getEndpoint();
		}
		catch (NoHealthyEndpointException ex) {
			texts.add(ex.toString());
		}
		try {
			down.getEndpoint();
		}
		catch (NoHealthyEndpointException ex) {
			texts.add(ex.toString());
		}
		assertThat(texts).hasSize(2);
		for (Listener listener : List.of(secured, down)) {
			texts.add(listener.toString());
			texts.add(listener.config().toString());
			texts.add(listener.config().scout().toString());
			texts.add(listener.discoveryState().toString());
			listener.endpoints().forEach((state) -> texts.add(state.toString()));
		}
		texts.add(this.clavier.toString());
		texts.add(this.properties.toString());
		texts.add(this.properties.getListeners().toString());
		assertThat(String.join("\n", texts)).doesNotContain(SECRET).contains("Authorization");
		// TRACE logs of a run with passing, failing and timed-out probes and load-balanced calls.
		assertThat(output.getAll()).contains("[secured]").contains("timed out").doesNotContain(SECRET);
		healthy.healthStatus(200).healthDelay(Duration.ZERO);
		failing.healthDelay(Duration.ZERO);
	}

	@Test
	void badSecretHeaderValueShouldFailStartupWithoutShowingIt(CapturedOutput output) {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ClavierAutoConfiguration.class))
			.withPropertyValues("clavier.startup.wait=0", "clavier.listeners.bad.discovery.dns.port=80",
					"clavier.listeners.bad.scout.model=http",
					"clavier.listeners.bad.scout.http.headers.Authorization=Bearer " + SECRET + "\r\nX-Evil: 1")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				FailureAnalysis analysis = new ClavierConfigurationFailureAnalyzer().analyze(failure);
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("clavier.listeners.bad.scout.http.headers")
					.doesNotContain(SECRET);
				assertThat(analysis.getAction()).doesNotContain(SECRET);
				for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
					assertThat(String.valueOf(cause.getMessage())).doesNotContain(SECRET);
				}
			});
		assertThat(output.getAll()).doesNotContain(SECRET);
	}

	private static HealthStatus status(Listener listener, int port) {
		return listener.endpoints()
			.stream()
			.filter((state) -> state.endpoint().port() == port)
			.map(EndpointState::status)
			.findFirst()
			.orElse(null);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		@LoadBalanced
		RestClient.Builder loadBalancedRestClientBuilder() {
			return RestClient.builder();
		}

	}

}
