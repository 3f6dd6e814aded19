package dev.clavier.autoconfigure.loadbalancer;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import dev.clavier.endpoint.Endpoint;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.reactive.DeferringLoadBalancerExchangeFilterFunction;
import org.springframework.cloud.client.loadbalancer.reactive.LoadBalancedExchangeFilterFunction;
import org.springframework.cloud.loadbalancer.support.SimpleObjectProvider;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClavierWebClientBuilderPostProcessor} and the {@link ClavierCallHandoff} its
 * filter reads.
 */
class ClavierWebClientBuilderPostProcessorTests {

	private final ClavierCallHandoff handoff = new ClavierCallHandoff();

	private final ClavierWebClientBuilderPostProcessor processor = new ClavierWebClientBuilderPostProcessor(
			new SimpleObjectProvider<>(this.handoff));

	@Test
	void postProcessShouldAddTheFilterRightAfterSpringCloudsOnce() {
		ExchangeFilterFunction before = (request, next) -> next.exchange(request);
		ExchangeFilterFunction after = (request, next) -> next.exchange(request);
		DeferringLoadBalancerExchangeFilterFunction<LoadBalancedExchangeFilterFunction> loadBalancer = new DeferringLoadBalancerExchangeFilterFunction<>(
				new SimpleObjectProvider<>(null));
		WebClient.Builder builder = WebClient.builder().filter(before).filter(loadBalancer).filter(after);
		this.processor.postProcessAfterInitialization(builder, "builder");
		this.processor.postProcessAfterInitialization(builder, "builder");
		List<ExchangeFilterFunction> filters = filters(builder);
		assertThat(filters).hasSize(4);
		assertThat(filters.get(0)).isSameAs(before);
		assertThat(filters.get(1)).isSameAs(loadBalancer);
		assertThat(filters.get(2)).isInstanceOf(ClavierCancelledCallFilter.class);
		assertThat(filters.get(3)).isSameAs(after);
	}

	@Test
	void postProcessWhenBuilderIsNotLoadBalancedShouldLeaveItAlone() {
		ExchangeFilterFunction only = (request, next) -> next.exchange(request);
		WebClient.Builder builder = WebClient.builder().filter(only);
		this.processor.postProcessAfterInitialization(builder, "builder");
		assertThat(filters(builder)).containsExactly(only);
	}

	@Test
	void takeShouldGiveAnOfferOnceAndOnlyForItsInstance() {
		ClavierServiceInstance instance = new ClavierServiceInstance("backend", Endpoint.of("127.0.0.2", 8080), false);
		ClavierLoadBalancerLifecycle.CallKey key = new ClavierLoadBalancerLifecycle.CallKey(new DefaultRequest<>());
		this.handoff.offer(null, key, instance);
		assertThat(this.handoff.take(URI.create("http://127.0.0.3:8080/hello"))).isNull();
		// A mismatched offer is dropped, not kept for a later request.
		assertThat(this.handoff.take(URI.create("http://127.0.0.2:8080/hello"))).isNull();
		this.handoff.offer(null, key, instance);
		assertThat(this.handoff.take(URI.create("http://127.0.0.2:8080/hello"))).isNotNull()
			.extracting(ClavierCallHandoff.Offer::key)
			.isSameAs(key);
		assertThat(this.handoff.take(URI.create("http://127.0.0.2:8080/hello"))).isNull();
	}

	private static List<ExchangeFilterFunction> filters(WebClient.Builder builder) {
		List<ExchangeFilterFunction> filters = new ArrayList<>();
		builder.filters(filters::addAll);
		return filters;
	}

}
