package dev.clavier;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.scout.TcpScout;
import dev.clavier.test.TcpMode;
import dev.clavier.test.TestTcpBackend;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * {@link Clavier#replaceListener}: a listener changed at run time keeps the health of the
 * endpoints it keeps, serves picks throughout, and closes the one it replaced. Real TCP backends
 * on loopback.
 */
class ClavierReplaceListenerTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	/** Long enough that no probe of the old listener runs during a test after its first round. */
	private static final Duration LONG = Duration.ofMinutes(10);

	@Test
	void replaceShouldKeepKeptEndpointsHealthAndProbeOnlyNewOnesBeforeTheSwap() throws Exception {
		Set<String> before = ClavierTests.clavierThreads();
		try (TestTcpBackend a = TestTcpBackend.start("127.0.0.1", 0, TcpMode.ACCEPT);
				TestTcpBackend b = TestTcpBackend.start("127.0.0.1", 0, TcpMode.ACCEPT);
				TestTcpBackend c = TestTcpBackend.start("127.0.0.1", 0, TcpMode.ACCEPT)) {
			Endpoint ea = Endpoint.of("127.0.0.1", a.port());
			Endpoint eb = Endpoint.of("127.0.0.1", b.port());
			Endpoint ec = Endpoint.of("127.0.0.1", c.port());
			Clavier clavier = Clavier.create();
			List<String> events = new CopyOnWriteArrayList<>();
			clavier.subscribe(new ClavierObserver() {

				@Override
				public void listenerAdded(Listener listener) {
					events.add("added");
				}

				@Override
				public void listenerRemoved(Listener listener) {
					events.add("removed");
				}

				@Override
				public void listenerReplaced(Listener previous, Listener listener) {
					events.add("replaced " + previous.isClosed() + " " + listener.isClosed());
				}

			});
			Listener old = clavier.addListener("svc", config(LONG, ea, eb));
			assertThat(old.awaitReady(WAIT)).isTrue();
			// b dies and is found dead; with a ten-minute interval its status now stays as it is.
			b.stop();
			// Two failed probes, as fall is 2.
			old.probeNow();
			await().atMost(WAIT).until(() -> state(old, eb).consecutiveFailures() == 1);
			old.probeNow();
			await().atMost(WAIT).until(() -> status(old, eb) == HealthStatus.UNHEALTHY);

			// Picks run on another thread all through the change: none may fail.
			AtomicBoolean running = new AtomicBoolean(true);
			AtomicLong picks = new AtomicLong();
			ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
			Thread picker = new Thread(() -> {
				long deadline = System.nanoTime() + WAIT.toNanos();
				while (running.get() && System.nanoTime() < deadline) {
					Listener current = clavier.listener("svc").orElseThrow();
					try {
						Endpoint picked = current.getEndpoint();
						if (picked.equals(eb)) {
							failures.add("picked the dead " + picked);
						}
					}
					catch (IllegalStateException ex) {
						// The old listener, closed between lookup and pick: callers look up again.
						if (!current.isClosed()) {
							failures.add(ex.toString());
						}
					}
					catch (RuntimeException ex) {
						failures.add(ex.toString());
					}
					picks.incrementAndGet();
				}
			}, "clavier-test-picker");
			picker.start();
			await().atMost(WAIT).until(() -> picks.get() > 1_000);

			// Another interval, and c joins.
			Listener replaced = clavier.replaceListener("svc", config(LONG.plusMinutes(1), ea, eb, ec), WAIT);

			running.set(false);
			picker.join(WAIT.toMillis());
			assertThat(failures).isEmpty();
			assertThat(replaced).isNotSameAs(old);
			assertThat(clavier.listener("svc")).containsSame(replaced);
			assertThat(old.isClosed()).isTrue();
			assertThat(replaced.config().interval()).isEqualTo(LONG.plusMinutes(1));
			// Ready means c was probed; a and b kept what the old listener knew.
			assertThat(replaced.snapshot().ready()).isTrue();
			assertThat(status(replaced, ea)).isEqualTo(HealthStatus.HEALTHY);
			assertThat(status(replaced, ec)).isEqualTo(HealthStatus.HEALTHY);
			assertThat(status(replaced, eb)).isEqualTo(HealthStatus.UNHEALTHY);
			assertThat(state(replaced, eb).transitions()).isNotEmpty();
			assertThat(replaced.selection().endpoints()).containsExactlyInAnyOrder(ea, ec);
			assertThat(events).containsExactly("added", "replaced false false");
			clavier.close();
			await().atMost(WAIT).until(() -> ClavierTests.clavierThreads().equals(before));
		}
	}

	@Test
	void replaceShouldNotLetAKeptHealthyEndpointLeaveOnOneFailedProbe() throws Exception {
		try (TestTcpBackend a = TestTcpBackend.start("127.0.0.1", 0, TcpMode.ACCEPT);
				TestTcpBackend b = TestTcpBackend.start("127.0.0.1", 0, TcpMode.ACCEPT);
				Clavier clavier = Clavier.create()) {
			Endpoint ea = Endpoint.of("127.0.0.1", a.port());
			Endpoint eb = Endpoint.of("127.0.0.1", b.port());
			Listener old = clavier.addListener("svc", config(LONG, ea, eb));
			assertThat(old.awaitReady(WAIT)).isTrue();
			// b dies after the old listener saw it healthy: the new listener's first probe of it
			// fails, one failure of fall 2, so it stays HEALTHY as it would have in the old one.
			b.stop();
			Listener replaced = clavier.replaceListener("svc", config(LONG.plusMinutes(1), ea, eb), WAIT);
			await().atMost(WAIT).until(() -> state(replaced, eb).consecutiveFailures() == 1);
			assertThat(status(replaced, eb)).isEqualTo(HealthStatus.HEALTHY);
		}
	}

	@Test
	void replaceWithAConfigurationAModelRejectsShouldKeepTheOldListener() throws Exception {
		try (TestTcpBackend a = TestTcpBackend.start("127.0.0.1", 0, TcpMode.ACCEPT);
				Clavier clavier = Clavier.create()) {
			Endpoint ea = Endpoint.of("127.0.0.1", a.port());
			Listener old = clavier.addListener("svc", config(LONG, ea));
			assertThat(old.awaitReady(WAIT)).isTrue();
			ListenerConfig rejected = ListenerConfig
				.builder(new dev.clavier.discovery.Discovery() {

					@Override
					public String model() {
						return "rejecting";
					}

					@Override
					public dev.clavier.discovery.DiscoverySession open(dev.clavier.discovery.DiscoveryContext context) {
						throw new IllegalArgumentException("rejected: no such thing");
					}

				})
				.build();
			assertThatIllegalArgumentException().isThrownBy(() -> clavier.replaceListener("svc", rejected, WAIT))
				.withMessageContaining("rejected");
			assertThat(clavier.listener("svc")).containsSame(old);
			assertThat(old.isClosed()).isFalse();
			assertThat(old.getEndpoint()).isEqualTo(ea);
		}
	}

	@Test
	void replaceWithoutSuchListenerShouldAddIt() throws Exception {
		try (TestTcpBackend a = TestTcpBackend.start("127.0.0.1", 0, TcpMode.ACCEPT);
				Clavier clavier = Clavier.create()) {
			Endpoint ea = Endpoint.of("127.0.0.1", a.port());
			Listener added = clavier.replaceListener("new", config(LONG, ea), WAIT);
			assertThat(clavier.listener("new")).containsSame(added);
			assertThat(added.awaitReady(WAIT)).isTrue();
			assertThat(added.getEndpoint()).isEqualTo(ea);
		}
	}

	private static ListenerConfig config(Duration interval, Endpoint... endpoints) {
		return ListenerConfig.builder(StaticDiscovery.of(endpoints))
			.scout(TcpScout.builder().build())
			.interval(interval)
			// Generous: a loaded machine must not fail a loopback connect.
			.timeout(Duration.ofSeconds(5))
			.build();
	}

	private static EndpointState state(Listener listener, Endpoint endpoint) {
		return listener.endpoints()
			.stream()
			.filter((state) -> state.endpoint().equals(endpoint))
			.findFirst()
			.orElseThrow();
	}

	private static HealthStatus status(Listener listener, Endpoint endpoint) {
		return state(listener, endpoint).status();
	}

}
