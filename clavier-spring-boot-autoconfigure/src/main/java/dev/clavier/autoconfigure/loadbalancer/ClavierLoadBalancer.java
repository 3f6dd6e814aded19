package dev.clavier.autoconfigure.loadbalancer;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.RetryableRequestContext;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;

/**
 * Picks one instance of a Clavier listener with the listener's own filter, over the endpoints
 * its picks are currently made from: an unhealthy endpoint is never picked.
 * <p>
 * Nothing to pick (no endpoint healthy and the all-down policy fails, or nothing discovered):
 * an {@link EmptyResponse}, without a log line per call; Spring Cloud then reports "no
 * instances available". A retry ({@link RetryableRequestContext}) avoids the instance that
 * failed when there is another one.
 * <p>
 * Each pick reads the listener's current selection and returns a response made once per
 * endpoint and selection: no lock, no allocation. Thread-safe.
 */
final class ClavierLoadBalancer implements ReactorServiceInstanceLoadBalancer {

	private static final Mono<Response<ServiceInstance>> EMPTY = Mono.just(new EmptyResponse());

	private final ClavierServiceInstanceListSupplier instances;

	ClavierLoadBalancer(ClavierServiceInstanceListSupplier instances) {
		this.instances = instances;
	}

	@Override
	@SuppressWarnings("rawtypes")
	public Mono<Response<ServiceInstance>> choose(Request request) {
		ClavierServiceInstanceListSupplier.Snapshot snapshot = this.instances.snapshot();
		int size = snapshot.size();
		if (size == 0) {
			// Nothing pickable: Spring Cloud turns this into "No instances available for <id>".
			return EMPTY;
		}
		int index = snapshot.selection.nextIndex();
		if (size > 1) {
			ServiceInstance previous = previous(request);
			if (previous != null && snapshot.instances[index].sameAddress(previous)) {
				index = (index + 1) % size;
			}
		}
		return snapshot.responses.get(index);
	}

	@SuppressWarnings("rawtypes")
	private static @Nullable ServiceInstance previous(@Nullable Request request) {
		if (request != null && request.getContext() instanceof RetryableRequestContext context) {
			return context.getPreviousServiceInstance();
		}
		return null;
	}

	@Override
	public String toString() {
		return "ClavierLoadBalancer[" + this.instances.getServiceId() + "]";
	}

}
