package dev.clavier.autoconfigure.loadbalancer;

import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * Ends the call in flight of a load-balanced WebClient exchange that is cancelled before it
 * completes (a {@code timeout()}, a disposed subscription), which Spring Cloud 5.0's exchange
 * filter reports to no lifecycle. Placed right after Spring Cloud's filter on load-balanced
 * builders by {@link ClavierWebClientBuilderPostProcessor}; takes the call its
 * {@link ClavierLoadBalancerLifecycle} just started from the {@link ClavierCallHandoff}. Other
 * exchanges pass through untouched. Thread-safe.
 */
final class ClavierCancelledCallFilter implements ExchangeFilterFunction {

	private final ClavierCallHandoff handoff;

	ClavierCancelledCallFilter(ClavierCallHandoff handoff) {
		this.handoff = handoff;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		ClavierCallHandoff.Offer offer = this.handoff.take(request.url());
		Mono<ClientResponse> exchange = next.exchange(request);
		return (offer != null) ? exchange.doOnCancel(offer::cancelled) : exchange;
	}

	@Override
	public String toString() {
		return "ClavierCancelledCallFilter";
	}

}
