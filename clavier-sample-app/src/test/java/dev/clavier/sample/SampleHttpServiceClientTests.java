package dev.clavier.sample;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import dev.clavier.Clavier;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.listener.Listener;
import dev.clavier.test.TestHttpBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.http.ResponseEntity;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.registry.ImportHttpServices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An HTTP service client ({@code @ImportHttpServices}) in the sample, as its README describes it:
 * the group {@code backend} has no base URL, so Spring Cloud LoadBalancer routes it to
 * {@code http://backend}, and Clavier picks only healthy demo backends. The sample has
 * {@code spring-boot-starter-restclient}, which this needs (without it Clavier fails start-up
 * saying so).
 */
@EnabledIf(value = "dev.clavier.sample.DemoBackends#loopbackAvailable", disabledReason = DemoBackends.LOOPBACK_MISSING)
@SpringBootTest(webEnvironment = WebEnvironment.NONE)
class SampleHttpServiceClientTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Autowired
	private BackendApi backendApi;

	@Autowired
	private Clavier clavier;

	@Autowired
	private DemoInfrastructure infrastructure;

	@AfterEach
	void restoreBackends() {
		DemoBackends.restore(this.infrastructure);
	}

	@Test
	void callWhenGroupNamedAfterListenerShouldReachOnlyHealthyBackends() {
		awaitHealthy(3);
		assertThat(callsPerBackend(30)).hasSize(3);
		DemoBackend failed = this.infrastructure.backend("http-2").orElseThrow();
		failed.failing(true);
		awaitHealthy(2);
		assertThat(callsPerBackend(30)).hasSize(2).doesNotContainKey(failed.host() + ":" + failed.port());
	}

	private void awaitHealthy(int expected) {
		Listener listener = this.clavier.listener("backend").orElseThrow();
		await().atMost(WAIT)
			.until(() -> listener.endpoints().stream().filter((e) -> e.status() == HealthStatus.HEALTHY).count() == expected
					&& listener.selection().size() == expected);
	}

	private Map<String, Integer> callsPerBackend(int calls) {
		Map<String, Integer> counts = new HashMap<>();
		for (int i = 0; i < calls; i++) {
			ResponseEntity<String> response = this.backendApi.hello();
			assertThat(response.getStatusCode().value()).isEqualTo(200);
			counts.merge(response.getHeaders().getFirst(TestHttpBackend.BACKEND_HEADER), 1, Integer::sum);
		}
		return counts;
	}

	/**
	 * The demo backends' API, as an application would declare it.
	 */
	interface BackendApi {

		@GetExchange("/hello")
		ResponseEntity<String> hello();

	}

	@TestConfiguration(proxyBeanMethods = false)
	@ImportHttpServices(group = "backend", types = BackendApi.class)
	static class HttpServiceClients {

	}

}
