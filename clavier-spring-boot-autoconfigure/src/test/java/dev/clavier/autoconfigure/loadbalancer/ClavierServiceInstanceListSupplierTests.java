package dev.clavier.autoconfigure.loadbalancer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.clavier.Clavier;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.scout.HttpScout;
import dev.clavier.scout.Scouts;
import dev.clavier.test.TestHttpBackend;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.ServiceInstance;
import reactor.core.Disposable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ClavierServiceInstanceListSupplier}, against real HTTP backends on loopback.
 */
class ClavierServiceInstanceListSupplierTests {

	@Test
	void getShouldEmitWhenHealthChanges() throws Exception {
		try (TestHttpBackend one = TestHttpBackend.start("127.0.0.1", 0);
				TestHttpBackend two = TestHttpBackend.start("127.0.0.1", 0);
				Clavier clavier = Clavier.builder().ioThreads(1).build()) {
			Listener listener = clavier.addListener("backend",
					ListenerConfig.builder(StaticDiscovery.parse(0, List.of(one.hostAndPort(), two.hostAndPort())))
						.scout(HttpScout.builder().path("/health").build())
						.interval(Duration.ofMillis(200))
						.timeout(Duration.ofMillis(150))
						.rise(1)
						.fall(1)
						.build());
			assertThat(listener.awaitReady(Duration.ofSeconds(5))).isTrue();
			ClavierServiceView view = view(clavier, "backend");
			ClavierServiceInstanceListSupplier supplier = new ClavierServiceInstanceListSupplier("backend", view);
			List<List<String>> seen = new CopyOnWriteArrayList<>();
			Disposable subscription = supplier.get()
				.subscribe((instances) -> seen.add(instances.stream().map(ServiceInstance::getInstanceId).toList()));
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(seen).last().asList().hasSize(2));
			two.healthStatus(503);
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(seen).last().isEqualTo(List.of(one.hostAndPort())));
			two.healthStatus(200);
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(seen).last().asList().hasSize(2));
			subscription.dispose();
			view.destroy();
		}
	}

	@Test
	void supplierShouldFollowListenerRemovedAndAddedAgain() throws InterruptedException {
		try (Clavier clavier = Clavier.builder().ioThreads(1).build()) {
			addListener(clavier, "127.0.0.1:8081");
			ClavierServiceView view = view(clavier, "backend");
			ClavierServiceInstanceListSupplier supplier = new ClavierServiceInstanceListSupplier("backend", view);
			assertThat(supplier.get().blockFirst()).extracting(ServiceInstance::getInstanceId)
				.containsExactly("127.0.0.1:8081");
			clavier.removeListener("backend");
			addListener(clavier, "127.0.0.1:8082", "[::1]:8083");
			assertThat(supplier.get().blockFirst()).extracting(ServiceInstance::getInstanceId)
				.containsExactly("127.0.0.1:8082", "[::1]:8083");
			ServiceInstance v6 = supplier.get().blockFirst().get(1);
			assertThat(v6.getHost()).isEqualTo("[::1]");
			assertThat(v6.getUri()).hasToString("http://[::1]:8083");
			assertThat(((ClavierServiceInstance) v6).endpoint()).isEqualTo(Endpoint.of("::1", 8083));
			view.destroy();
		}
	}

	@Test
	void shouldKeepTheChildContextServiceIdAndGiveInstancesTheServiceId() throws InterruptedException {
		try (Clavier clavier = Clavier.builder().ioThreads(1).build()) {
			addListener(clavier, "127.0.0.1:8081");
			ClavierServiceView view = view(clavier, "backend");
			ClavierServiceInstanceListSupplier supplier = new ClavierServiceInstanceListSupplier("BACKEND", view);
			assertThat(supplier.getServiceId()).isEqualTo("BACKEND");
			assertThat(supplier.get().blockFirst()).extracting(ServiceInstance::getServiceId)
				.containsExactly("backend");
			view.destroy();
		}
	}

	@Test
	void shouldCompleteWhenTheViewIsDestroyed() {
		try (Clavier clavier = Clavier.builder().ioThreads(1).build()) {
			ClavierServiceView view = view(clavier, "backend");
			ClavierServiceInstanceListSupplier supplier = new ClavierServiceInstanceListSupplier("backend", view);
			view.destroy();
			assertThat(supplier.get().collectList().block(Duration.ofSeconds(5))).containsExactly(List.of());
		}
	}

	private static void addListener(Clavier clavier, String... endpoints) throws InterruptedException {
		Listener listener = clavier.addListener("backend",
				ListenerConfig.builder(StaticDiscovery.parse(0, List.of(endpoints))).scout(Scouts.none()).build());
		assertThat(listener.awaitReady(Duration.ofSeconds(5))).isTrue();
	}

	private static ClavierServiceView view(Clavier clavier, String serviceId) {
		ClavierServiceView view = new ClavierServiceView(clavier, ClavierServiceDetails.of(serviceId));
		view.afterPropertiesSet();
		return view;
	}

}
