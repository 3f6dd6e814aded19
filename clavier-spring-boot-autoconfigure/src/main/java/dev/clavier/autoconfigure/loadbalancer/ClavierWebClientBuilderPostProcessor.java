package dev.clavier.autoconfigure.loadbalancer;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.client.loadbalancer.reactive.DeferringLoadBalancerExchangeFilterFunction;
import org.springframework.cloud.client.loadbalancer.reactive.ReactorLoadBalancerExchangeFilterFunction;
import org.springframework.cloud.client.loadbalancer.reactive.RetryableLoadBalancerExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Adds a {@link ClavierCancelledCallFilter} right after Spring Cloud's load-balancer filter on
 * every {@link WebClient.Builder} bean that has one (the {@code @LoadBalanced} builders, which
 * Spring Cloud equips before initialization, and builder beans given Spring Cloud's filter by
 * hand), so that it sees the request Spring Cloud sends to the chosen instance. Builders without
 * Spring Cloud's filter are left alone, and so are builders that are not beans: their cancelled
 * exchanges keep their calls counted in flight. Thread-safe.
 */
final class ClavierWebClientBuilderPostProcessor implements BeanPostProcessor {

	private final ObjectProvider<ClavierCallHandoff> handoff;

	ClavierWebClientBuilderPostProcessor(ObjectProvider<ClavierCallHandoff> handoff) {
		this.handoff = handoff;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof WebClient.Builder builder) {
			builder.filters(this::addAfterLoadBalancer);
		}
		return bean;
	}

	// The filter @LoadBalanced builders get, or Spring Cloud's filters added by hand.
	private static boolean isLoadBalancer(ExchangeFilterFunction filter) {
		return filter instanceof DeferringLoadBalancerExchangeFilterFunction
				|| filter instanceof ReactorLoadBalancerExchangeFilterFunction
				|| filter instanceof RetryableLoadBalancerExchangeFilterFunction;
	}

	private void addAfterLoadBalancer(List<ExchangeFilterFunction> filters) {
		for (int i = 0; i < filters.size(); i++) {
			if (filters.get(i) instanceof ClavierCancelledCallFilter) {
				return;
			}
		}
		for (int i = 0; i < filters.size(); i++) {
			if (isLoadBalancer(filters.get(i))) {
				ClavierCallHandoff handoff = this.handoff.getIfAvailable();
				if (handoff != null) {
					filters.add(i + 1, new ClavierCancelledCallFilter(handoff));
				}
				return;
			}
		}
	}

}
