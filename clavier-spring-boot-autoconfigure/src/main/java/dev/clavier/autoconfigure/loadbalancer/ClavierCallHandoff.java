package dev.clavier.autoconfigure.loadbalancer;

import java.net.URI;

import org.jspecify.annotations.Nullable;

/**
 * Hands a reactive call just started by a {@link ClavierLoadBalancerLifecycle} to the
 * {@link ClavierCancelledCallFilter} that runs next, so that a cancelled WebClient exchange,
 * which Spring Cloud 5.0 does not report to load-balancer lifecycles, still ends its call in
 * flight.
 * <p>
 * Spring Cloud's exchange filter calls {@code onStartRequest} and then, on the same thread and
 * at once, the next filter of the chain; a thread-local slot carries the call between the two.
 * The filter checks that the request goes to the offered instance, so that an offer no filter
 * took (a builder without the filter) is never applied to another call; a new offer replaces
 * it. One instance per application context; thread-safe.
 */
final class ClavierCallHandoff {

	private final ThreadLocal<Offer> offers = new ThreadLocal<>();

	/**
	 * Offers a call to the filter that runs next on this thread.
	 * @param lifecycle the lifecycle that counts it
	 * @param key the call
	 * @param instance the instance it goes to
	 */
	void offer(ClavierLoadBalancerLifecycle lifecycle, ClavierLoadBalancerLifecycle.CallKey key,
			ClavierServiceInstance instance) {
		this.offers.set(new Offer(lifecycle, key, instance));
	}

	/**
	 * Takes this thread's offer if it is for a request to the given address.
	 * @param url the URL the request goes to
	 * @return the offer, or {@code null}
	 */
	@Nullable Offer take(URI url) {
		Offer offer = this.offers.get();
		if (offer == null) {
			return null;
		}
		this.offers.remove();
		return offer.matches(url) ? offer : null;
	}

	/**
	 * A call started and not handed over yet.
	 *
	 * @param lifecycle the lifecycle that counts it
	 * @param key the call
	 * @param instance the instance it goes to
	 */
	record Offer(ClavierLoadBalancerLifecycle lifecycle, ClavierLoadBalancerLifecycle.CallKey key,
			ClavierServiceInstance instance) {

		/**
		 * Ends the call without an outcome, if it has not completed.
		 */
		void cancelled() {
			this.lifecycle.cancelled(this.key);
		}

		boolean matches(URI url) {
			int port = (url.getPort() != -1) ? url.getPort() : ("https".equalsIgnoreCase(url.getScheme()) ? 443 : 80);
			String host = url.getHost();
			return port == this.instance.getPort() && host != null
					&& (host.equalsIgnoreCase(this.instance.getHost())
							|| host.equalsIgnoreCase(this.instance.endpoint().host()));
		}

	}

}
