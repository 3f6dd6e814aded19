package dev.clavier.sample;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import tools.jackson.databind.JsonNode;

import org.springframework.aot.AotDetector;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample started from the code Spring AOT generated at build time ({@code process-aot},
 * bound in this module's pom), as {@code java -Dspring.aot.enabled=true} would: every listener
 * becomes healthy and {@code @LoadBalanced} calls are balanced over the healthy backends. Runs in
 * the surefire execution {@code aot}, which sets {@code spring.aot.enabled}; the JVM-wide switch
 * keeps it out of the default execution.
 */
@EnabledIfSystemProperty(named = AotDetector.AOT_ENABLED, matches = "true",
		disabledReason = "runs in the surefire execution 'aot', with -Dspring.aot.enabled=true")
@EnabledIf(value = "dev.clavier.sample.DemoBackends#loopbackAvailable", disabledReason = DemoBackends.LOOPBACK_MISSING)
class SampleApplicationAotTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Test
	void runWhenAotEnabledShouldStartFromGeneratedCodeAndBalance() {
		// With AOT enabled, SpringApplication fails unless the generated initializer exists.
		assertThat(AotDetector.useGeneratedArtifacts()).isTrue();
		SpringApplication application = new SpringApplication(SampleApplication.class);
		// The generated initializer is named after the main class, which is surefire's here.
		application.setMainApplicationClass(SampleApplication.class);
		try (ConfigurableApplicationContext context = application.run("--server.port=0")) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			RestClient client = RestClient.create("http://localhost:" + port);
			await().atMost(WAIT).untilAsserted(() -> {
				JsonNode listeners = client.get().uri("/actuator/clavier").retrieve().body(JsonNode.class).get("listeners");
				assertThat(healthy(listeners.get("backend"))).isEqualTo(3);
				assertThat(healthy(listeners.get("backend-static"))).isEqualTo(2);
				assertThat(healthy(listeners.get("greeter"))).isEqualTo(2);
			});
			JsonNode result = client.post().uri("/demo/burst?service=backend&calls=90").retrieve().body(JsonNode.class);
			assertThat(result.get("failures").asInt()).isZero();
			Map<String, Integer> byBackend = result.get("byBackend")
				.propertyStream()
				.collect(Collectors.toMap(Map.Entry::getKey, (entry) -> entry.getValue().asInt()));
			assertThat(byBackend).hasSize(3);
			assertThat(byBackend.values()).allSatisfy((calls) -> assertThat(calls).isBetween(20, 40));
		}
	}

	private static long healthy(JsonNode listener) {
		return listener.get("endpoints").valueStream().filter((e) -> "HEALTHY".equals(e.get("status").asString())).count();
	}

}
