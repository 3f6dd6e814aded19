package dev.clavier.autoconfigure.loadbalancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.clavier.Clavier;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.listener.NoHealthyEndpointException;
import dev.clavier.scout.HttpScout;
import dev.clavier.scout.Scouts;
import dev.clavier.test.TestHttpBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.RetryableRequestContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ClavierLoadBalancer} over a {@link ClavierServiceView}.
 */
class ClavierLoadBalancerTests {

	private final Clavier clavier = Clavier.builder().ioThreads(1).build();

	@AfterEach
	void close() {
		this.clavier.close();
	}

	@Test
	void chooseShouldRoundRobinOverTheSelection() throws InterruptedException {
		ClavierLoadBalancer balancer = balancer(addListener("127.0.0.1:8081", "127.0.0.1:8082", "127.0.0.1:8083"));
		List<String> picked = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			picked.add(balancer.choose().block().getServer().getInstanceId());
		}
		assertThat(new HashSet<>(picked.subList(0, 3))).containsExactlyInAnyOrder("127.0.0.1:8081", "127.0.0.1:8082",
				"127.0.0.1:8083");
		assertThat(picked.subList(3, 6)).isEqualTo(picked.subList(0, 3));
	}

	@Test
	void chooseShouldReuseOneResponsePerEndpointWhileTheSelectionStays() throws InterruptedException {
		ClavierLoadBalancer balancer = balancer(addListener("127.0.0.1:8081", "127.0.0.1:8082"));
		Set<Object> monos = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
		Set<Object> responses = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
		for (int i = 0; i < 10; i++) {
			var mono = balancer.choose();
			monos.add(mono);
			responses.add(mono.block());
		}
		assertThat(monos).hasSize(2);
		assertThat(responses).hasSize(2);
	}

	@Test
	void chooseWhenRetryingShouldAvoidThePreviousInstance() throws InterruptedException {
		ClavierLoadBalancer balancer = balancer(addListener("127.0.0.1:8081", "127.0.0.1:8082", "127.0.0.1:8083"));
		ServiceInstance previous = balancer.choose().block().getServer();
		DefaultRequest<RetryableRequestContext> retry = new DefaultRequest<>(new RetryableRequestContext(previous));
		for (int i = 0; i < 9; i++) {
			assertThat(balancer.choose(retry).block().getServer()).isNotEqualTo(previous);
		}
	}

	@Test
	void chooseWhenRetryingWithOneInstanceShouldPickIt() throws InterruptedException {
		ClavierLoadBalancer balancer = balancer(addListener("127.0.0.1:8081"));
		ServiceInstance only = balancer.choose().block().getServer();
		DefaultRequest<RetryableRequestContext> retry = new DefaultRequest<>(new RetryableRequestContext(only));
		assertThat(balancer.choose(retry).block().getServer()).isEqualTo(only);
	}

	@Test
	void chooseWhenNoListenerShouldReturnEmptyResponse() {
		ClavierLoadBalancer balancer = new ClavierLoadBalancer(view("missing"));
		Response<ServiceInstance> response = balancer.choose().block();
		assertThat(response).isInstanceOf(EmptyResponse.class);
		assertThat(response.hasServer()).isFalse();
	}

	@Test
	void chooseWhenNothingHealthyShouldFailWithTheListenersReason() {
		try (TestHttpBackend down = TestHttpBackend.start("127.0.0.1", 0).healthStatus(503)) {
			Listener listener = this.clavier.addListener("backend",
					ListenerConfig.builder(StaticDiscovery.of(Endpoint.of(down.host(), down.port())))
						.scout(HttpScout.builder().path("/health").build())
						.interval(Duration.ofMillis(500))
						.timeout(Duration.ofMillis(400))
						.build());
			await().atMost(Duration.ofSeconds(10))
				.until(() -> listener.endpoints().get(0).status() == HealthStatus.UNHEALTHY);
			ClavierLoadBalancer balancer = balancer(listener);
			assertThatExceptionOfType(NoHealthyEndpointException.class).isThrownBy(() -> balancer.choose().block())
				.withMessage("[backend] no healthy endpoint: 1 discovered (0 HEALTHY, 1 UNHEALTHY, 0 UNKNOWN); "
						+ "last errors: " + down.hostAndPort() + ": HTTP 503")
				.satisfies((ex) -> assertThat(ex.getListener()).isEqualTo("backend"));
		}
	}

	private Listener addListener(String... endpoints) throws InterruptedException {
		Listener listener = this.clavier.addListener("backend",
				ListenerConfig.builder(StaticDiscovery.parse(0, List.of(endpoints))).scout(Scouts.none()).build());
		assertThat(listener.awaitReady(Duration.ofSeconds(5))).isTrue();
		return listener;
	}

	private ClavierLoadBalancer balancer(Listener listener) {
		return new ClavierLoadBalancer(view(listener.name()));
	}

	private ClavierServiceView view(String serviceId) {
		ClavierServiceView view = new ClavierServiceView(this.clavier, ClavierServiceDetails.of(serviceId));
		view.afterPropertiesSet();
		return view;
	}

}
