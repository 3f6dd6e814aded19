package dev.clavier.autoconfigure.loadbalancer;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.clavier.Clavier;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.scout.Scouts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.ServiceInstance;
import reactor.core.Disposable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ClavierServiceView}: attaching to the listener as the engine adds and
 * removes it, and the instances and responses it holds per selection.
 */
class ClavierServiceViewTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private final Clavier clavier = Clavier.builder().ioThreads(1).build();

	@AfterEach
	void close() {
		this.clavier.close();
	}

	@Test
	void shouldAttachWhenTheListenerIsAddedLater() throws InterruptedException {
		ClavierServiceView view = view(ClavierServiceDetails.of("backend"));
		List<List<String>> seen = new CopyOnWriteArrayList<>();
		Disposable subscription = view.instanceLists().subscribe((instances) -> seen.add(ids(instances)));
		assertThat(view.listener()).isNull();
		assertThat(view.instances().size()).isZero();
		assertThat(seen).containsExactly(List.of());
		Listener listener = addListener("backend", "127.0.0.1:8081", "127.0.0.1:8082");
		assertThat(view.listener()).isSameAs(listener);
		assertThat(view.instances().size()).isEqualTo(2);
		await().atMost(WAIT).untilAsserted(() -> assertThat(seen).last().isEqualTo(List.of("127.0.0.1:8081",
				"127.0.0.1:8082")));
		subscription.dispose();
		view.destroy();
	}

	@Test
	void shouldDetachWhenTheListenerIsRemoved() throws InterruptedException {
		addListener("backend", "127.0.0.1:8081");
		ClavierServiceView view = view(ClavierServiceDetails.of("backend"));
		assertThat(view.instances().size()).isOne();
		List<List<String>> seen = new CopyOnWriteArrayList<>();
		Disposable subscription = view.instanceLists().subscribe((instances) -> seen.add(ids(instances)));
		this.clavier.removeListener("backend");
		assertThat(view.listener()).isNull();
		assertThat(view.instances().size()).isZero();
		assertThat(seen).containsExactly(List.of("127.0.0.1:8081"), List.of());
		subscription.dispose();
		view.destroy();
	}

	@Test
	void shouldNotAttachToAnotherListener() throws InterruptedException {
		ClavierServiceView view = view(ClavierServiceDetails.of("backend"));
		addListener("other", "127.0.0.1:8081");
		assertThat(view.listener()).isNull();
		assertThat(view.instances().size()).isZero();
		view.destroy();
	}

	@Test
	void shouldAttachToTheListenerTheDetailsName() throws InterruptedException {
		Listener listener = addListener("orders-v2", "127.0.0.1:8081");
		ClavierServiceView view = view(new ClavierServiceDetails("orders", "orders-v2", true, Set.of()));
		assertThat(view.listener()).isSameAs(listener);
		ClavierServiceInstance instance = view.instances().instance(0);
		assertThat(instance.getServiceId()).isEqualTo("orders");
		assertThat(instance.isSecure()).isTrue();
		assertThat(instance.getUri()).hasToString("https://127.0.0.1:8081");
		view.destroy();
	}

	@Test
	void shouldReuseOneResponsePerEndpointUntilTheSelectionChanges() throws InterruptedException {
		Listener listener = this.clavier.addListener("backend",
				ListenerConfig.builder(StaticDiscovery.parse(0, List.of("127.0.0.1:8081", "127.0.0.1:8082")))
					.scout(Scouts.none())
					.interval(Duration.ofMinutes(10))
					.outlierFailures(1)
					.build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		ClavierServiceView view = view(ClavierServiceDetails.of("backend"));
		ClavierServiceView.Instances before = view.instances();
		assertThat(view.instances()).isSameAs(before);
		assertThat(before.selection).isSameAs(listener.selection());
		assertThat(before.response(0)).isSameAs(view.instances().response(0));
		assertThat(before.response(0).block()).isSameAs(before.response(0).block());
		assertThat(before.response(0).block().getServer()).isSameAs(before.instance(0));
		Endpoint ejected = before.instance(1).endpoint();
		listener.reportCall(ejected, false, "connection refused");
		await().atMost(WAIT).untilAsserted(() -> assertThat(listener.selection().endpoints()).doesNotContain(ejected));
		ClavierServiceView.Instances after = view.instances();
		assertThat(after).isNotSameAs(before);
		assertThat(after.selection).isSameAs(listener.selection());
		assertThat(after.size()).isOne();
		// The endpoint that stays keeps its instance and its response.
		assertThat(after.instance(0)).isSameAs(before.instance(0));
		assertThat(after.response(0)).isSameAs(before.response(0));
		view.destroy();
	}

	@Test
	void shouldEmitOnceForEqualLists() throws InterruptedException {
		addListener("backend", "127.0.0.1:8081");
		ClavierServiceView view = view(ClavierServiceDetails.of("backend"));
		List<List<String>> seen = new CopyOnWriteArrayList<>();
		Disposable subscription = view.instanceLists().subscribe((instances) -> seen.add(ids(instances)));
		view.instanceLists();
		view.instanceLists();
		assertThat(seen).containsExactly(List.of("127.0.0.1:8081"));
		subscription.dispose();
		view.destroy();
	}

	@Test
	void shouldStopFollowingTheEngineWhenDestroyed() throws InterruptedException {
		ClavierServiceView view = view(ClavierServiceDetails.of("backend"));
		view.destroy();
		addListener("backend", "127.0.0.1:8081");
		assertThat(view.listener()).isNull();
		assertThat(view.instances().size()).isZero();
	}

	private ClavierServiceView view(ClavierServiceDetails details) {
		ClavierServiceView view = new ClavierServiceView(this.clavier, details);
		view.afterPropertiesSet();
		return view;
	}

	private Listener addListener(String name, String... endpoints) throws InterruptedException {
		Listener listener = this.clavier.addListener(name,
				ListenerConfig.builder(StaticDiscovery.parse(0, List.of(endpoints))).scout(Scouts.none()).build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		return listener;
	}

	private static List<String> ids(List<ServiceInstance> instances) {
		return instances.stream().map(ServiceInstance::getInstanceId).toList();
	}

}
