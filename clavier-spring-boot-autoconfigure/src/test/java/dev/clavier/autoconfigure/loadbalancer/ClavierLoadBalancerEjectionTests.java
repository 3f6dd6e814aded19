package dev.clavier.autoconfigure.loadbalancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.clavier.Clavier;
import dev.clavier.endpoint.Ejection;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthTransition;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerObserver;
import dev.clavier.listener.ListenerSnapshot;
import dev.clavier.test.TestHttpBackend;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Timed, capped ejection through a {@code @LoadBalanced} RestClient, without retries: real
 * HTTP backends on 127.0.0.1 whose answers fail (HTTP 503 on the called path), behind
 * listeners with the scout {@code none}, so that only failed calls eject and only the ejection
 * time brings an endpoint back.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "clavier.startup.wait=10s", "spring.cloud.loadbalancer.retry.enabled=false" })
class ClavierLoadBalancerEjectionTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final Duration BASE_EJECTION_TIME = Duration.ofMillis(500);

	private static final int MAX_CALLS = 300;

	private static final List<TestHttpBackend> backends = new ArrayList<>();

	@Autowired
	private Clavier clavier;

	@Autowired
	private RestClient.Builder restClientBuilder;

	@BeforeAll
	static void startBackends() {
		for (int i = 0; i < 3; i++) {
			backends.add(TestHttpBackend.start("127.0.0.1", 0));
		}
	}

	@AfterAll
	static void stopBackends() {
		backends.forEach(TestHttpBackend::close);
	}

	@AfterEach
	void backendsAnswer() {
		backends.forEach((backend) -> backend.healthStatus(200));
	}

	@DynamicPropertySource
	static void clavierProperties(DynamicPropertyRegistry registry) {
		String endpoints = String.join(",", backends.stream().map(TestHttpBackend::hostAndPort).toList());
		for (String name : List.of("timed", "capped")) {
			String prefix = "clavier.listeners." + name + ".";
			registry.add(prefix + "discovery.model", () -> "static");
			registry.add(prefix + "discovery.static.endpoints", () -> endpoints);
			registry.add(prefix + "scout.model", () -> "none");
			registry.add(prefix + "outlier-detection.consecutive-failures", () -> "2");
		}
		registry.add("clavier.listeners.timed.outlier-detection.base-ejection-time",
				() -> BASE_EJECTION_TIME.toMillis() + "ms");
		registry.add("clavier.listeners.timed.outlier-detection.max-ejection-time", () -> "10s");
		// capped keeps the defaults: 30 s, at most 50% of its endpoints (one of three).
	}

	@Test
	void endpointEjectedUnderScoutNoneShouldReturnAfterTheEjectionTimeAndLastTwiceAsLongNextTime() {
		Listener listener = awaitSelection("timed", 3);
		assertThat(listener.config().outlierDetection().baseEjectionTime()).isEqualTo(BASE_EJECTION_TIME);
		TestHttpBackend failing = backends.get(0);
		Endpoint endpoint = Endpoint.parse(failing.hostAndPort(), 0);
		failing.healthStatus(503);
		Calls calls = new Calls("timed");
		calls.untilOut(listener, endpoint);
		Ejection first = ejection(listener, endpoint);
		assertThat(first.times()).isEqualTo(1);
		assertThat(lasting(listener, endpoint, first)).isEqualTo(BASE_EJECTION_TIME);
		// Still failing: back after the ejection time, then ejected again for twice as long.
		await().atMost(WAIT).until(() -> listener.selection().endpoints().contains(endpoint));
		calls.untilOut(listener, endpoint);
		Ejection second = ejection(listener, endpoint);
		assertThat(second.times()).isEqualTo(2);
		assertThat(lasting(listener, endpoint, second)).isEqualTo(BASE_EJECTION_TIME.multipliedBy(2));
		failing.healthStatus(200);
		await().atMost(WAIT).until(() -> listener.selection().endpoints().contains(endpoint));
		assertThat(calls.failed).isBetween(4, 4 + 2);
	}

	@Test
	void callsFailingOnEveryEndpointShouldNeverEjectMoreThanTheCap() {
		Listener listener = awaitSelection("capped", 3);
		AtomicInteger mostOut = new AtomicInteger();
		AtomicInteger ejections = new AtomicInteger();
		try (AutoCloseable subscription = listener.subscribe(new ListenerObserver() {

			@Override
			public void selectionChanged(ListenerSnapshot snapshot, List<Endpoint> selectable) {
				mostOut.accumulateAndGet(3 - selectable.size(), Math::max);
			}

			@Override
			public void ejected(ListenerSnapshot snapshot, Endpoint endpoint, Ejection ejection) {
				ejections.incrementAndGet();
			}

		})) {
			// A client-side bug, seen as every backend answering 503.
			backends.forEach((backend) -> backend.healthStatus(503));
			Calls calls = new Calls("capped");
			calls.call(60);
			assertThat(calls.failed).isEqualTo(60);
			await().atMost(WAIT).until(() -> ejections.get() == 1);
			calls.call(60);
			assertThat(listener.selection().size()).isEqualTo(2);
			assertThat(mostOut.get()).isOne();
			assertThat(ejections.get()).isOne();
			assertThat(listener.endpoints().stream().filter((state) -> state.ejection() != null)).hasSize(1);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private Listener awaitSelection(String name, int size) {
		Listener listener = this.clavier.listener(name).orElseThrow();
		await().atMost(WAIT).untilAsserted(() -> assertThat(listener.selection().size()).isEqualTo(size));
		return listener;
	}

	private static Ejection ejection(Listener listener, Endpoint endpoint) {
		Ejection ejection = state(listener, endpoint).ejection();
		assertThat(ejection).isNotNull();
		return ejection;
	}

	private static EndpointState state(Listener listener, Endpoint endpoint) {
		return listener.endpoints()
			.stream()
			.filter((state) -> state.endpoint().sameAddress(endpoint))
			.findFirst()
			.orElseThrow();
	}

	/**
	 * Returns how long an ejection lasts: from the transition that made it to its end.
	 */
	private static Duration lasting(Listener listener, Endpoint endpoint, Ejection ejection) {
		List<HealthTransition> transitions = state(listener, endpoint).transitions();
		return Duration.between(transitions.get(transitions.size() - 1).at(), ejection.until());
	}

	/**
	 * Calls {@code http://<service>/health} one call at a time, counting the failed ones.
	 */
	private final class Calls {

		private final RestClient client;

		private final String uri;

		private int failed;

		Calls(String service) {
			this.client = ClavierLoadBalancerEjectionTests.this.restClientBuilder.build();
			this.uri = "http://" + service + TestHttpBackend.DEFAULT_HEALTH_PATH;
		}

		void call(int count) {
			for (int i = 0; i < count; i++) {
				call();
			}
		}

		/**
		 * Calls until the endpoint has left rotation, at most {@link #MAX_CALLS} times.
		 */
		void untilOut(Listener listener, Endpoint endpoint) {
			for (int i = 0; i < MAX_CALLS && listener.selection().endpoints().contains(endpoint); i++) {
				call();
			}
			await().atMost(WAIT).until(() -> !listener.selection().endpoints().contains(endpoint));
		}

		private @Nullable Object call() {
			try {
				return this.client.get().uri(this.uri).retrieve().toBodilessEntity();
			}
			catch (RuntimeException ex) {
				this.failed++;
				return null;
			}
		}

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
