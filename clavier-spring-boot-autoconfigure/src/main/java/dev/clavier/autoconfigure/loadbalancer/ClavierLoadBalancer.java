package dev.clavier.autoconfigure.loadbalancer;

import java.util.Objects;

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
 * Each pick reads the listener's current selection through the service's
 * {@link ClavierServiceView} and returns the response the view made once per endpoint and
 * selection: no lock, no allocation. Spring Cloud's hints and sticky sessions, when the request
 * asks for them, narrow the pick first ({@link ClavierRequestPreferences}). Thread-safe.
 */
final class ClavierLoadBalancer implements ReactorServiceInstanceLoadBalancer {

	private static final Mono<Response<ServiceInstance>> EMPTY = Mono.just(new EmptyResponse());

	private final ClavierServiceView view;

	private final @Nullable ClavierRequestPreferences preferences;

	ClavierLoadBalancer(ClavierServiceView view) {
		this(view, null);
	}

	ClavierLoadBalancer(ClavierServiceView view, @Nullable ClavierRequestPreferences preferences) {
		this.view = Objects.requireNonNull(view, "view");
		this.preferences = preferences;
	}

	@Override
	@SuppressWarnings("rawtypes")
	public Mono<Response<ServiceInstance>> choose(Request request) {
		ClavierServiceView.Instances instances = this.view.instances();
		int size = instances.size();
		if (size == 0) {
			// Nothing pickable: Spring Cloud turns this into "No instances available for <id>".
			return EMPTY;
		}
		int index = (this.preferences != null) ? this.preferences.choose(instances, request) : -1;
		if (index < 0) {
			index = instances.selection.nextIndex();
		}
		if (size > 1) {
			ServiceInstance previous = previous(request);
			if (previous != null && instances.instance(index).sameAddress(previous)) {
				index = (index + 1) % size;
			}
		}
		if (this.preferences != null) {
			this.preferences.picked(instances.instance(index));
		}
		return instances.response(index);
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
		return "ClavierLoadBalancer[" + this.view.details().serviceId() + "]";
	}

}
