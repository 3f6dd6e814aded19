package dev.clavier.autoconfigure.loadbalancer;

import java.util.Objects;

import dev.clavier.listener.Listener;
import dev.clavier.listener.NoHealthyEndpointException;
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
 * an error, {@link NoHealthyEndpointException} naming the listener and why (endpoints per status
 * and their last errors), without a log line per call; the caller's call fails with it. Without
 * a listener, an {@link EmptyResponse}, which Spring Cloud reports as "no instances available".
 * A retry ({@link RetryableRequestContext}) avoids the instance that failed when there is
 * another one.
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
			return nothingToPick();
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

	/**
	 * Fails the pick with the listener's reason, which the caller's RestClient, RestTemplate or
	 * WebClient call then fails with; Spring Cloud's own "No instances available for <id>" does not
	 * say why. Without a listener (removed), the empty response Spring Cloud words itself.
	 */
	private Mono<Response<ServiceInstance>> nothingToPick() {
		Listener listener = this.view.listener();
		return (listener != null) ? Mono.error(NoHealthyEndpointException.of(listener.snapshot())) : EMPTY;
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
