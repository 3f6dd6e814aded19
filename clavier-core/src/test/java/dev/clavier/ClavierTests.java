package dev.clavier;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.scout.Scouts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link Clavier}: the listener registry and its lifecycle.
 */
class ClavierTests {

	private static ListenerConfig config() {
		return ListenerConfig.builder(StaticDiscovery.of(Endpoint.of("127.0.0.1", 1))).scout(Scouts.none()).build();
	}

	@Test
	void addListenerWhenNameTakenShouldFailClearly() {
		try (Clavier clavier = Clavier.create()) {
			clavier.addListener("backend", config());
			assertThatIllegalArgumentException().isThrownBy(() -> clavier.addListener("backend", config()))
				.withMessage("name: 'backend' (expected: a name not in use; remove the existing listener first)");
		}
	}

	@Test
	void addListenerWhenNameBlankShouldFail() {
		try (Clavier clavier = Clavier.create()) {
			assertThatIllegalArgumentException().isThrownBy(() -> clavier.addListener(" ", config()))
				.withMessageContaining("non-blank");
		}
	}

	@Test
	void listenerShouldFindAddedAndForgetRemoved() {
		try (Clavier clavier = Clavier.create()) {
			Listener b = clavier.addListener("b", config());
			Listener a = clavier.addListener("a", config());
			assertThat(clavier.listener("a")).containsSame(a);
			assertThat(clavier.listeners()).containsExactly(a, b);
			assertThat(clavier.removeListener("a")).isTrue();
			assertThat(clavier.removeListener("a")).isFalse();
			assertThat(clavier.listener("a")).isEmpty();
			// The name is free again.
			clavier.addListener("a", config());
		}
	}

	@Test
	void subscribeShouldReportListenersAddedRemovedAndClosedUntilUnsubscribed() throws Exception {
		List<String> events = new CopyOnWriteArrayList<>();
		ClavierObserver recorder = new ClavierObserver() {

			@Override
			public void listenerAdded(Listener listener) {
				events.add("added " + listener.name() + (listener.isClosed() ? " closed" : ""));
			}

			@Override
			public void listenerRemoved(Listener listener) {
				events.add("removed " + listener.name() + (listener.isClosed() ? " closed" : ""));
			}

		};
		Clavier clavier = Clavier.create();
		try {
			AutoCloseable subscription = clavier.subscribe(recorder);
			clavier.addListener("a", config());
			clavier.addListener("b", config());
			clavier.removeListener("a");
			clavier.removeListener("a");
			assertThat(events).containsExactly("added a", "added b", "removed a closed");
			subscription.close();
			clavier.addListener("c", config());
			assertThat(events).hasSize(3);
			clavier.subscribe(recorder);
		}
		finally {
			clavier.close();
		}
		assertThat(events).containsExactly("added a", "added b", "removed a closed", "removed b closed",
				"removed c closed");
	}

	@Test
	void subscribeWhenObserverThrowsShouldStillAddTheListenerAndTellTheOthers() {
		List<String> seen = new CopyOnWriteArrayList<>();
		try (Clavier clavier = Clavier.create()) {
			clavier.subscribe(new ClavierObserver() {

				@Override
				public void listenerAdded(Listener listener) {
					throw new IllegalStateException("observer failure, expected by the test");
				}

			});
			clavier.subscribe(new ClavierObserver() {

				@Override
				public void listenerAdded(Listener listener) {
					seen.add(listener.name());
				}

			});
			Listener listener = clavier.addListener("a", config());
			assertThat(seen).containsExactly("a");
			assertThat(clavier.listeners()).containsExactly(listener);
		}
	}

	@Test
	void closeShouldBeIdempotentAndRefuseNewListeners() {
		Clavier clavier = Clavier.create();
		Listener listener = clavier.addListener("a", config());
		clavier.close();
		clavier.close();
		assertThat(clavier.isClosed()).isTrue();
		assertThat(listener.isClosed()).isTrue();
		assertThatIllegalStateException().isThrownBy(() -> clavier.addListener("b", config()))
			.withMessageContaining("closed");
	}

	@Test
	void closeShouldStopEveryThreadItStarted() throws Exception {
		Set<String> before = clavierThreads();
		Clavier clavier = Clavier.create();
		Listener listener = clavier.addListener("a", ListenerConfig.builder(StaticDiscovery.of(Endpoint.of("127.0.0.1", 1)))
			.interval(Duration.ofMillis(200))
			.timeout(Duration.ofMillis(100))
			.build());
		assertThat(listener.awaitReady(Duration.ofSeconds(10))).isTrue();
		assertThat(clavierThreads()).isNotEqualTo(before);
		clavier.close();
		await().atMost(Duration.ofSeconds(10)).until(() -> clavierThreads().equals(before));
	}

	static Set<String> clavierThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith("clavier-") && !name.startsWith("clavier-test-"))
			.collect(Collectors.toSet());
	}

}
