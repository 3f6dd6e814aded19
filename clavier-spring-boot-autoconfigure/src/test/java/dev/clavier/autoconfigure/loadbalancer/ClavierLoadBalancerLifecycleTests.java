package dev.clavier.autoconfigure.loadbalancer;

import java.time.Duration;
import java.util.List;

import dev.clavier.Clavier;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.scout.HttpScout;
import dev.clavier.test.TestHttpBackend;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.ResponseData;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ClavierLoadBalancerLifecycle}, against real HTTP backends on loopback.
 */
class ClavierLoadBalancerLifecycleTests {

	@Test
	void lifecycleShouldEjectEndpointAfterConsecutiveFailedCalls() throws Exception {
		try (TestHttpBackend one = TestHttpBackend.start("127.0.0.1", 0);
				TestHttpBackend two = TestHttpBackend.start("127.0.0.1", 0);
				Clavier clavier = Clavier.builder().ioThreads(1).build()) {
			Listener listener = clavier.addListener("backend",
					ListenerConfig.builder(StaticDiscovery.parse(0, List.of(one.hostAndPort(), two.hostAndPort())))
						.scout(HttpScout.builder().path("/health").build())
						.interval(Duration.ofMinutes(10))
						.outlierFailures(3)
						.build());
			assertThat(listener.awaitReady(Duration.ofSeconds(5))).isTrue();
			ClavierServiceView view = view(clavier, "backend");
			ClavierServiceInstanceListSupplier supplier = new ClavierServiceInstanceListSupplier("backend", view);
			ClavierLoadBalancerLifecycle lifecycle = new ClavierLoadBalancerLifecycle(view, List.of(502, 503, 504));
			ClavierServiceInstance target = view.instances().instance(1);
			Endpoint endpoint = target.endpoint();
			DefaultRequest<Object> request = new DefaultRequest<>();
			DefaultResponse response = new DefaultResponse(target);
			lifecycle.onComplete(new CompletionContext<>(CompletionContext.Status.SUCCESS, request, response,
					new ResponseData(HttpStatus.SERVICE_UNAVAILABLE, new HttpHeaders(), null, (RequestData) null)));
			lifecycle.onComplete(new CompletionContext<>(CompletionContext.Status.FAILED,
					new java.net.ConnectException("Connection refused"), request, response));
			assertThat(listener.selection().endpoints()).contains(endpoint);
			lifecycle.onComplete(new CompletionContext<>(CompletionContext.Status.FAILED,
					new java.net.SocketTimeoutException("Read timed out"), request, response));
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(listener.selection().endpoints()).containsExactly(
						view.instances().instance(0).endpoint()));
			assertThat(supplier.get().blockFirst()).extracting(ServiceInstance::getInstanceId)
				.doesNotContain(endpoint.address());
			view.destroy();
		}
	}

	@Test
	void lifecycleShouldCountEachCallInFlightFromStartToCompletionOnce() throws Exception {
		try (TestHttpBackend one = TestHttpBackend.start("127.0.0.1", 0);
				Clavier clavier = Clavier.builder().ioThreads(1).build()) {
			Listener listener = clavier.addListener("backend",
					ListenerConfig.builder(StaticDiscovery.parse(0, List.of(one.hostAndPort())))
						.scout(HttpScout.builder().path("/health").build())
						.interval(Duration.ofMinutes(10))
						.build());
			assertThat(listener.awaitReady(Duration.ofSeconds(5))).isTrue();
			ClavierServiceView view = view(clavier, "backend");
			ClavierLoadBalancerLifecycle lifecycle = new ClavierLoadBalancerLifecycle(view, List.of(503));
			ClavierServiceInstance target = view.instances().instance(0);
			Endpoint endpoint = target.endpoint();
			DefaultResponse response = new DefaultResponse(target);
			// Spring Cloud's requests are equal by context: two calls with equal requests are two calls.
			DefaultRequest<Object> first = new DefaultRequest<>();
			DefaultRequest<Object> second = new DefaultRequest<>();
			lifecycle.onStartRequest(first, response);
			lifecycle.onStartRequest(second, response);
			assertThat(listener.callsInFlight(endpoint)).isEqualTo(2);
			lifecycle.onComplete(new CompletionContext<>(CompletionContext.Status.FAILED,
					new java.net.ConnectException("Connection refused"), first, response));
			lifecycle.onComplete(new CompletionContext<>(CompletionContext.Status.FAILED,
					new java.net.ConnectException("Connection refused"), first, response));
			assertThat(listener.callsInFlight(endpoint)).isEqualTo(1);
			lifecycle.cancelled(new ClavierLoadBalancerLifecycle.CallKey(second));
			lifecycle.onComplete(new CompletionContext<>(CompletionContext.Status.SUCCESS, second, response));
			assertThat(listener.callsInFlight(endpoint)).isZero();
			assertThat(lifecycle.callsInFlight()).isZero();
			// A discarded request was never started: nothing to end.
			lifecycle.onComplete(new CompletionContext<>(CompletionContext.Status.DISCARD, new DefaultRequest<>(),
					response));
			assertThat(listener.callsInFlight(endpoint)).isZero();
			view.destroy();
		}
	}

	@Test
	void lifecycleShouldResetFailuresOnSuccess() throws Exception {
		try (TestHttpBackend one = TestHttpBackend.start("127.0.0.1", 0);
				Clavier clavier = Clavier.builder().ioThreads(1).build()) {
			Listener listener = clavier.addListener("backend",
					ListenerConfig.builder(StaticDiscovery.parse(0, List.of(one.hostAndPort())))
						.scout(HttpScout.builder().path("/health").build())
						.interval(Duration.ofMinutes(10))
						.outlierFailures(2)
						.build());
			assertThat(listener.awaitReady(Duration.ofSeconds(5))).isTrue();
			ClavierServiceView view = view(clavier, "backend");
			ClavierLoadBalancerLifecycle lifecycle = new ClavierLoadBalancerLifecycle(view, List.of(503));
			ClavierServiceInstance target = view.instances().instance(0);
			DefaultRequest<Object> request = new DefaultRequest<>();
			DefaultResponse response = new DefaultResponse(target);
			for (int i = 0; i < 4; i++) {
				lifecycle.onComplete(new CompletionContext<>(CompletionContext.Status.FAILED,
						new java.net.ConnectException("refused"), request, response));
				lifecycle.onComplete(new CompletionContext<>(CompletionContext.Status.SUCCESS, request, response,
						new ResponseData(HttpStatus.OK, new HttpHeaders(), null, (RequestData) null)));
			}
			assertThat(listener.selection().endpoints()).containsExactly(target.endpoint());
			view.destroy();
		}
	}

	private static ClavierServiceView view(Clavier clavier, String serviceId) {
		ClavierServiceView view = new ClavierServiceView(clavier, ClavierServiceDetails.of(serviceId));
		view.afterPropertiesSet();
		return view;
	}

}
