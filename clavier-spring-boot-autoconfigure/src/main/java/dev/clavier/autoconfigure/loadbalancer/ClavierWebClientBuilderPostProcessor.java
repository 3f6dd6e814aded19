package dev.clavier.autoconfigure.loadbalancer;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.client.loadbalancer.reactive.DeferringLoadBalancerExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Adds a {@link ClavierCancelledCallFilter} right after Spring Cloud's load-balancer filter on
 * every {@link WebClient.Builder} bean that has one (the {@code @LoadBalanced} builders, which
 * Spring Cloud equips before initialization), so that it sees the request Spring Cloud sends to
 * the chosen instance. Builders without Spring Cloud's filter are left alone. Thread-safe.
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

	private void addAfterLoadBalancer(List<ExchangeFilterFunction> filters) {
		for (int i = 0; i < filters.size(); i++) {
			if (filters.get(i) instanceof ClavierCancelledCallFilter) {
				return;
			}
		}
		for (int i = 0; i < filters.size(); i++) {
			if (filters.get(i) instanceof DeferringLoadBalancerExchangeFilterFunction) {
				ClavierCallHandoff handoff = this.handoff.getIfAvailable();
				if (handoff != null) {
					filters.add(i + 1, new ClavierCancelledCallFilter(handoff));
				}
				return;
			}
		}
	}

}
