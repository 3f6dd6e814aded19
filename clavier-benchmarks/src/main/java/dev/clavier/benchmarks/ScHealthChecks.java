package dev.clavier.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import reactor.core.publisher.Mono;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancerProperties;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.loadbalancer.core.HealthCheckServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

/**
 * Spring Cloud LoadBalancer's {@link HealthCheckServiceInstanceListSupplier} set up outside a
 * Spring context: checks every {@code interval} with real HTTP GETs (JDK client, asynchronous)
 * against {@code path}, healthy on 200 as Spring Cloud's own checks decide.
 */
final class ScHealthChecks {

	private ScHealthChecks() {
	}

	static HealthCheckServiceInstanceListSupplier supplier(ServiceInstanceListSupplier delegate, String path,
			Duration interval, Duration timeout) {
		LoadBalancerProperties properties = new LoadBalancerProperties();
		properties.getHealthCheck().setInterval(interval);
		properties.getHealthCheck().setInitialDelay(Duration.ZERO);
		properties.getHealthCheck().setPath(Map.of("default", path));
		HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
		BiFunction<ServiceInstance, String, Mono<Boolean>> alive = (instance, healthPath) -> Mono
			.fromFuture(() -> client.sendAsync(HttpRequest.newBuilder(URI.create(instance.getUri() + healthPath))
				.timeout(timeout)
				.GET()
				.build(), HttpResponse.BodyHandlers.discarding()))
			.map((response) -> response.statusCode() == 200)
			.onErrorReturn(false);
		HealthCheckServiceInstanceListSupplier supplier = new HealthCheckServiceInstanceListSupplier(delegate,
				new PropertiesOnlyFactory(properties), alive);
		supplier.afterPropertiesSet();
		return supplier;
	}

	/** Waits until the supplier's latest list has the expected size. */
	static List<ServiceInstance> awaitSize(ServiceInstanceListSupplier supplier, int size, Duration timeout) {
		return supplier.get().filter((list) -> list.size() == size).blockFirst(timeout);
	}

	/** A load-balancer factory that only answers properties, as the health-check supplier needs. */
	private record PropertiesOnlyFactory(LoadBalancerProperties properties)
			implements ReactiveLoadBalancer.Factory<ServiceInstance> {

		@Override
		public LoadBalancerProperties getProperties(String serviceId) {
			return this.properties;
		}

		@Override
		public ReactiveLoadBalancer<ServiceInstance> getInstance(String serviceId) {
			throw new UnsupportedOperationException();
		}

		@Override
		public <X> Map<String, X> getInstances(String name, Class<X> type) {
			throw new UnsupportedOperationException();
		}

		@Override
		public <X> X getInstance(String name, Class<?> clazz, Class<?>... generics) {
			throw new UnsupportedOperationException();
		}

	}

}
