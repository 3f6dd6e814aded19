package dev.clavier.autoconfigure.loadbalancer;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.clavier.Clavier;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.scout.Scouts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.LoadBalancerProperties;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClavierRequestPreferences} over a real engine's listener (static endpoints, no
 * probes); {@link ClavierRequestPreferencesIntegrationTests} calls real backends.
 */
class ClavierRequestPreferencesTests {

	private static final Endpoint BLUE_LIGHT = new Endpoint("127.0.0.1", 8081, 1, Map.of("hint", "blue"));

	private static final Endpoint BLUE_HEAVY = new Endpoint("127.0.0.1", 8082, 3, Map.of("hint", "blue"));

	private static final Endpoint GREEN = new Endpoint("127.0.0.1", 8083, 1, Map.of("hint", "green"));

	private final Clavier clavier = Clavier.builder().ioThreads(1).build();

	@AfterEach
	void close() {
		this.clavier.close();
	}

	@Test
	void chooseWithHintShouldPickAmongHintedEndpointsByWeight() throws InterruptedException {
		ClavierLoadBalancer balancer = balancer(view(BLUE_LIGHT, BLUE_HEAVY, GREEN), false, false);
		Request<RequestDataContext> blue = request(Map.of("X-SC-LB-Hint", "blue"), Map.of());
		// Weights 1 and 3: a quarter and three quarters of every four picks, exactly.
		assertThat(count(balancer, blue, 40)).containsExactly(Map.entry(BLUE_LIGHT.address(), 10),
				Map.entry(BLUE_HEAVY.address(), 30));
	}

	@Test
	void chooseWithoutHintOrCookieShouldLeaveThePickToTheFilter() throws InterruptedException {
		ClavierServiceView view = view(Endpoint.of("127.0.0.1", 8081), Endpoint.of("127.0.0.1", 8082));
		ClavierRequestPreferences preferences = ClavierRequestPreferences.of(view, new LoadBalancerProperties(), true,
				false);
		ClavierServiceView.Instances instances = view.instances();
		assertThat(preferences.choose(instances, request(Map.of("X-SC-LB-Hint", "blue"), Map.of()))).isEqualTo(-1);
		assertThat(preferences.choose(instances, new DefaultRequest<>())).isEqualTo(-1);
		assertThat(preferences.choose(instances, request(Map.of(), Map.of("sc-lb-instance-id", "127.0.0.1:8082"))))
			.isEqualTo(1);
	}

	@Test
	void chooseWithCookieWhenStickySessionsAreOffShouldIgnoreIt() throws InterruptedException {
		ClavierLoadBalancer balancer = balancer(view(Endpoint.of("127.0.0.1", 8081), Endpoint.of("127.0.0.1", 8082)),
				false, false);
		assertThat(count(balancer, request(Map.of(), Map.of("sc-lb-instance-id", "127.0.0.1:8082")), 10))
			.containsOnlyKeys("127.0.0.1:8081", "127.0.0.1:8082");
	}

	@Test
	void chooseWithSameInstancePreferenceShouldKeepTheFirstPick() throws InterruptedException {
		ClavierLoadBalancer balancer = balancer(view(Endpoint.of("127.0.0.1", 8081), Endpoint.of("127.0.0.1", 8082),
				Endpoint.of("127.0.0.1", 8083)), false, true);
		assertThat(count(balancer, new DefaultRequest<>(), 10)).hasSize(1);
	}

	private static Map<String, Integer> count(ClavierLoadBalancer balancer, Request<?> request, int picks) {
		Map<String, Integer> counts = new TreeMap<>();
		for (int i = 0; i < picks; i++) {
			counts.merge(balancer.choose(request).block().getServer().getInstanceId(), 1, Integer::sum);
		}
		return counts;
	}

	private static Request<RequestDataContext> request(Map<String, String> headers, Map<String, String> cookies) {
		HttpHeaders httpHeaders = new HttpHeaders();
		headers.forEach(httpHeaders::add);
		MultiValueMap<String, String> cookieMap = new LinkedMultiValueMap<>();
		cookies.forEach(cookieMap::add);
		return new DefaultRequest<>(new RequestDataContext(
				new RequestData(HttpMethod.GET, URI.create("http://backend/"), httpHeaders, cookieMap, Map.of())));
	}

	private static ClavierLoadBalancer balancer(ClavierServiceView view, boolean sticky, boolean sameInstance) {
		return new ClavierLoadBalancer(view,
				ClavierRequestPreferences.of(view, new LoadBalancerProperties(), sticky, sameInstance));
	}

	private ClavierServiceView view(Endpoint... endpoints) throws InterruptedException {
		Listener listener = this.clavier.addListener("backend",
				ListenerConfig.builder(StaticDiscovery.of(List.of(endpoints))).scout(Scouts.none()).build());
		assertThat(listener.awaitReady(Duration.ofSeconds(5))).isTrue();
		ClavierServiceView view = new ClavierServiceView(this.clavier, ClavierServiceDetails.of("backend"));
		view.afterPropertiesSet();
		return view;
	}

}
