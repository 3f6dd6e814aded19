package dev.clavier.autoconfigure;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import dev.clavier.Clavier;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.listener.Listener;
import dev.clavier.test.TestHttpBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Live reconfiguration through Spring Cloud's {@code /actuator/refresh}: the configuration file
 * the running application imported changes on disk, the refresh loads it again and publishes the
 * change, and Clavier adds, removes and changes listeners in place. Real HTTP backends on loopback, calls through a
 * {@code @LoadBalanced} {@link RestClient}.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClavierRefreshTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	/** The application's changeable configuration, written to {@link #file} by {@link #write()}. */
	private final Map<String, String> settings = new TreeMap<>();

	@TempDir
	private Path directory;

	private Path file;

	private TestHttpBackend a;

	private TestHttpBackend b;

	private TestHttpBackend c;

	private TestHttpBackend d;

	private ConfigurableApplicationContext context;

	@BeforeEach
	void start() throws IOException {
		this.a = TestHttpBackend.start("127.0.0.1", 0);
		this.b = TestHttpBackend.start("127.0.0.1", 0);
		this.c = TestHttpBackend.start("127.0.0.1", 0);
		this.d = TestHttpBackend.start("127.0.0.1", 0);
		this.settings.put("clavier.listeners.alpha.discovery.model", "static");
		this.settings.put("clavier.listeners.alpha.discovery.static.endpoints", endpoints(this.a, this.b));
		this.settings.put("clavier.listeners.alpha.scout.model", "http");
		// Probes after the first round only when a test asks: statuses stay as they are.
		this.settings.put("clavier.listeners.alpha.scout.interval", "10m");
		this.settings.put("clavier.listeners.alpha.scout.timeout", "5s");
		this.settings.put("clavier.listeners.beta.discovery.model", "static");
		this.settings.put("clavier.listeners.beta.discovery.static.endpoints", endpoints(this.c));
		this.settings.put("clavier.listeners.beta.scout.model", "none");
		this.file = this.directory.resolve("clavier.properties");
		write();
		this.context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.SERVLET)
			.properties("server.port=0", "server.address=127.0.0.1", "clavier.startup.wait=10s",
					"management.endpoints.web.exposure.include=refresh", "spring.config.import=file:" + this.file)
			.run();
	}

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
		for (TestHttpBackend backend : new TestHttpBackend[] { this.a, this.b, this.c, this.d }) {
			if (backend != null) {
				backend.close();
			}
		}
	}

	@Test
	void refreshShouldAddRemoveAndChangeListenersKeepingTheHealthOfKeptEndpoints() throws Exception {
		Clavier clavier = this.context.getBean(Clavier.class);
		Listener alpha = clavier.listener("alpha").orElseThrow();
		await().atMost(WAIT).until(() -> status(alpha, this.a) == HealthStatus.HEALTHY
				&& status(alpha, this.b) == HealthStatus.HEALTHY);
		// b dies and is found dead (fall 2: two probes).
		this.b.stop();
		alpha.probeNow();
		await().atMost(WAIT).until(() -> state(alpha, this.b).consecutiveFailures() == 1);
		alpha.probeNow();
		await().atMost(WAIT).until(() -> status(alpha, this.b) == HealthStatus.UNHEALTHY);
		Instant aHealthySince = state(alpha, this.a).transitions().get(0).at();

		// alpha: another interval and d joins; beta goes; gamma comes.
		this.settings.put("clavier.listeners.alpha.discovery.static.endpoints", endpoints(this.a, this.b, this.d));
		this.settings.put("clavier.listeners.alpha.scout.interval", "11m");
		this.settings.keySet().removeIf((key) -> key.startsWith("clavier.listeners.beta."));
		this.settings.put("clavier.listeners.gamma.discovery.model", "static");
		this.settings.put("clavier.listeners.gamma.discovery.static.endpoints", endpoints(this.c));
		this.settings.put("clavier.listeners.gamma.scout.model", "http");
		HttpResponse<String> response = refresh();
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("clavier.listeners.alpha.scout.interval")
			.contains("clavier.listeners.gamma.scout.model");

		Listener changed = clavier.listener("alpha").orElseThrow();
		assertThat(changed).isNotSameAs(alpha);
		assertThat(alpha.isClosed()).isTrue();
		assertThat(changed.config().interval()).isEqualTo(Duration.ofMinutes(11));
		// Kept endpoints kept their health (b was not probed healthy again: its backend is down,
		// and a's history goes on); d was probed before the swap.
		assertThat(status(changed, this.b)).isEqualTo(HealthStatus.UNHEALTHY);
		assertThat(status(changed, this.a)).isEqualTo(HealthStatus.HEALTHY);
		assertThat(state(changed, this.a).transitions().get(0).at()).isEqualTo(aHealthySince);
		assertThat(status(changed, this.d)).isEqualTo(HealthStatus.HEALTHY);
		assertThat(clavier.listener("beta")).isEmpty();
		Listener gamma = clavier.listener("gamma").orElseThrow();
		await().atMost(WAIT).until(() -> gamma.snapshot().ready());

		// The new listener balances calls from its first one.
		RestClient rest = this.context.getBean(RestClient.Builder.class).build();
		int before = this.c.requests();
		for (int i = 0; i < 3; i++) {
			assertThat(rest.get().uri("http://gamma/work").retrieve().toBodilessEntity().getStatusCode().value())
				.isEqualTo(200);
		}
		assertThat(this.c.requests()).isEqualTo(before + 3);
	}

	@Test
	void refreshWithABadValueShouldLeaveTheListenersAsTheyWereAndSaySo(CapturedOutput output) throws Exception {
		Clavier clavier = this.context.getBean(Clavier.class);
		Listener alpha = clavier.listener("alpha").orElseThrow();
		this.settings.put("clavier.listeners.alpha.scout.interval", "-1s");
		assertThat(refresh().statusCode()).isEqualTo(200);
		assertThat(clavier.listener("alpha")).containsSame(alpha);
		assertThat(alpha.isClosed()).isFalse();
		assertThat(output).contains("Clavier configuration change not applied")
			.contains("clavier.listeners.alpha.scout.interval");
	}

	@Test
	void refreshOfOtherKeysShouldLeaveTheListenersAlone() throws Exception {
		Clavier clavier = this.context.getBean(Clavier.class);
		Listener alpha = clavier.listener("alpha").orElseThrow();
		Listener beta = clavier.listener("beta").orElseThrow();
		this.settings.put("some.other.key", "changed");
		assertThat(refresh().body()).contains("some.other.key");
		assertThat(clavier.listener("alpha")).containsSame(alpha);
		assertThat(clavier.listener("beta")).containsSame(beta);
	}

	private void write() throws IOException {
		StringBuilder text = new StringBuilder();
		this.settings.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
		Files.writeString(this.file, text);
	}

	private HttpResponse<String> refresh() throws Exception {
		write();
		int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		return this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/refresh"))
					.POST(HttpRequest.BodyPublishers.noBody())
					.timeout(WAIT)
					.build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static String endpoints(TestHttpBackend... backends) {
		StringBuilder text = new StringBuilder();
		for (TestHttpBackend backend : backends) {
			text.append((text.length() > 0) ? "," : "").append(backend.hostAndPort());
		}
		return text.toString();
	}

	private static EndpointState state(Listener listener, TestHttpBackend backend) {
		return listener.endpoints()
			.stream()
			.filter((state) -> state.endpoint().port() == backend.port())
			.findFirst()
			.orElseThrow();
	}

	private static HealthStatus status(Listener listener, TestHttpBackend backend) {
		return state(listener, backend).status();
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
