package dev.clavier.autoconfigure.loadbalancer;

import java.time.Duration;

import dev.clavier.Clavier;
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
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What callers and operators see when a listener has nothing healthy (all-down policy
 * {@code fail}): every {@code @LoadBalanced} client fails with Clavier's reason, naming the
 * listener and each endpoint's last error, and the log says it once, with the endpoint leaving
 * rotation at WARN. A real backend on loopback whose health check answers 503.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "clavier.startup.wait=10s", "spring.cloud.loadbalancer.retry.enabled=false" })
class ClavierNothingHealthyTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static TestHttpBackend backend;

	@Autowired
	private Clavier clavier;

	@Autowired
	private RestClient.Builder restClientBuilder;

	@Autowired
	private RestTemplate restTemplate;

	@Autowired
	private WebClient.Builder webClientBuilder;

	@BeforeAll
	static void startBackend() {
		backend = TestHttpBackend.start("127.0.0.1", 0).healthStatus(503);
	}

	@AfterAll
	static void stopBackend() {
		backend.close();
	}

	@DynamicPropertySource
	static void clavierProperties(DynamicPropertyRegistry registry) {
		String down = "clavier.listeners.down.";
		registry.add(down + "discovery.model", () -> "static");
		registry.add(down + "discovery.static.endpoints", () -> backend.hostAndPort());
		registry.add(down + "scout.model", () -> "http");
		registry.add(down + "scout.http.path", () -> TestHttpBackend.DEFAULT_HEALTH_PATH);
		// A generous timeout: the reason quotes the last error, HTTP 503, not a probe slowed by a busy machine.
		registry.add(down + "scout.interval", () -> "1s");
		registry.add(down + "scout.timeout", () -> "900ms");
	}

	@Test
	void callWhenNothingHealthyShouldFailWithClaviersReasonInEveryClient(CapturedOutput output) {
		Listener listener = this.clavier.listener("down").orElseThrow();
		await().atMost(WAIT).until(() -> listener.endpoints().get(0).status() == HealthStatus.UNHEALTHY);
		String reason = "[down] no healthy endpoint: 1 discovered (0 HEALTHY, 1 UNHEALTHY, 0 UNKNOWN); last errors: "
				+ backend.hostAndPort() + ": ";
		assertThatExceptionOfType(NoHealthyEndpointException.class)
			.isThrownBy(() -> this.restClientBuilder.build().get().uri("http://down/hello").retrieve().toBodilessEntity())
			.withMessageStartingWith(reason);
		assertThatExceptionOfType(NoHealthyEndpointException.class)
			.isThrownBy(() -> this.restTemplate.getForEntity("http://down/hello", String.class))
			.withMessageStartingWith(reason);
		assertThatExceptionOfType(NoHealthyEndpointException.class)
			.isThrownBy(() -> this.webClientBuilder.build().get().uri("http://down/hello").retrieve().toBodilessEntity()
				.block(WAIT))
			.withMessageStartingWith(reason);
		await().atMost(WAIT).untilAsserted(() -> assertThat(output.getOut()).contains("WARN",
				"[down] " + backend.hostAndPort() + " is UNHEALTHY (", reason,
				"; calls fail until one passes its probes (all-down policy: fail)"));
		// Said once, not per call or per probe.
		assertThat(output.getOut().split("no healthy endpoint", -1)).hasSize(2);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(LoadBalancedClients.class)
	static class TestApplication {

	}

}
