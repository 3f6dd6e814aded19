package dev.clavier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.endpoint.HealthTransition;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.listener.ListenerObserver;
import dev.clavier.listener.ListenerSnapshot;
import dev.clavier.listener.NoHealthyEndpointException;
import dev.clavier.scout.TcpScout;
import dev.clavier.test.TcpMode;
import dev.clavier.test.TestTcpBackend;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Concurrency: picks on several threads while listeners are added and removed, probes complete
 * and discovery changes the set. Loops are bounded by a count and a time; nothing sleeps.
 */
class ClavierConcurrencyTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	/** Time bound of each loop, far above what it needs: the count ends it. */
	private static final Duration MAX_TIME = Duration.ofSeconds(60);

	private static final int PICKERS = 3;

	private static final long PICKS = 1_000_000;

	private static final String[] NAMES = { "l0", "l1", "l2", "l3", "l4", "l5" };

	@Test
	void picksWhileListenersAreAddedAndRemovedShouldOnlyFailAsDocumentedAndThreadsShouldStopAtClose()
			throws Exception {
		Set<String> before = ClavierTests.clavierThreads();
		ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
		AtomicLong picks = new AtomicLong();
		AtomicLong noHealthy = new AtomicLong();
		AtomicLong closedPicks = new AtomicLong();
		AtomicLong churns = new AtomicLong();
		try (TestTcpBackend tcp = TestTcpBackend.start("127.0.0.1", 0, TcpMode.ACCEPT)) {
			Clavier clavier = Clavier.create();
			ScriptedScout scripted = new ScriptedScout();
			List<Thread> threads = new ArrayList<>();
			for (int t = 0; t < PICKERS; t++) {
				threads.add(thread("clavier-test-picker-" + t, () -> {
					long deadline = System.nanoTime() + MAX_TIME.toNanos();
					while (picks.get() < PICKS && System.nanoTime() < deadline) {
						String name = NAMES[ThreadLocalRandom.current().nextInt(NAMES.length)];
						Listener listener = clavier.listener(name).orElse(null);
						if (listener == null) {
							continue;
						}
						for (int i = 0; i < 1000; i++) {
							try {
								Endpoint endpoint = listener.getEndpoint();
								if (endpoint.port() != tcp.port() && (endpoint.port() < 7000 || endpoint.port() > 7002)) {
									errors.add("unexpected endpoint " + endpoint);
								}
							}
							catch (NoHealthyEndpointException ex) {
								noHealthy.incrementAndGet();
							}
							catch (IllegalStateException ex) {
								if (!listener.isClosed()) {
									errors.add("IllegalStateException from an open listener: " + ex);
								}
								closedPicks.incrementAndGet();
							}
							catch (RuntimeException ex) {
								errors.add(ex.toString());
							}
						}
						picks.addAndGet(1000);
					}
				}));
			}
			threads.add(thread("clavier-test-churn", () -> {
				long deadline = System.nanoTime() + MAX_TIME.toNanos();
				for (int i = 0; i < 100_000 && picks.get() < PICKS && System.nanoTime() < deadline; i++) {
					String name = NAMES[i % NAMES.length];
					Listener existing = clavier.listener(name).orElse(null);
					if (existing != null) {
						clavier.removeListener(name);
						// Once removeListener returns, the listener serves nothing more.
						if (!existing.selection().isEmpty()) {
							errors.add("removed listener " + name + " still has " + existing.selection());
						}
						try {
							Endpoint endpoint = existing.getEndpoint();
							errors.add("removed listener " + name + " served " + endpoint);
						}
						catch (IllegalStateException ex) {
							// expected
						}
					}
					else {
						clavier.addListener(name, config(name, tcp, scripted));
					}
					churns.incrementAndGet();
				}
			}));
			threads.forEach(Thread::start);
			for (Thread thread : threads) {
				thread.join(MAX_TIME.plus(WAIT).toMillis());
				assertThat(thread.isAlive()).as(thread.getName() + " finished").isFalse();
			}
			assertThat(errors).isEmpty();
			assertThat(picks.get()).isGreaterThanOrEqualTo(PICKS);
			assertThat(churns.get()).isPositive();
			clavier.close();
			await().atMost(WAIT).until(() -> ClavierTests.clavierThreads().equals(before));
			System.out.printf("%d picks on %d threads, %d listener additions and removals, %d NoHealthyEndpoint, "
					+ "%d picks on removed listeners (IllegalStateException); threads back to %s%n", picks.get(),
					PICKERS, churns.get(), noHealthy.get(), closedPicks.get(), before);
		}
	}

	@Test
	void picksAfterEndpointLeavesDiscoveryShouldNeverReturnIt() throws Exception {
		Set<String> before = ClavierTests.clavierThreads();
		Endpoint a = Endpoint.of("127.0.0.1", 7001);
		Endpoint b = Endpoint.of("127.0.0.1", 7002);
		Endpoint c = Endpoint.of("127.0.0.1", 7003);
		MutableDiscovery discovery = new MutableDiscovery(Duration.ofMillis(5), a, b, c);
		ScriptedScout scout = new ScriptedScout();
		Clavier clavier = Clavier.create();
		Listener listener = clavier.addListener("moving", ListenerConfig.builder(discovery)
			.scout(scout)
			.interval(Duration.ofMillis(10))
			.timeout(Duration.ofMillis(5))
			.build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
		AtomicLong picks = new AtomicLong();
		// What the controller has seen the engine publish: picks made wholly within one epoch
		// whose removed endpoint is c must never return c.
		AtomicReference<State> published = new AtomicReference<>(new State(0, null));
		AtomicBoolean running = new AtomicBoolean(true);
		List<Thread> pickers = new ArrayList<>();
		for (int t = 0; t < PICKERS; t++) {
			pickers.add(thread("clavier-test-picker-" + t, () -> {
				long deadline = System.nanoTime() + MAX_TIME.toNanos();
				for (long i = 0; i < 100_000_000L && running.get() && System.nanoTime() < deadline; i++) {
					State at = published.get();
					Endpoint picked = listener.getEndpoint();
					if (picked.equals(at.removed()) && published.get() == at) {
						violations.add("picked " + picked + " in epoch " + at.epoch() + " after it left discovery");
					}
					picks.incrementAndGet();
				}
			}));
		}
		pickers.forEach(Thread::start);
		int cycles = 100;
		for (int cycle = 0; cycle < cycles; cycle++) {
			// c comes back: stop checking for it first, then change discovery.
			published.set(new State(2L * cycle + 1, null));
			discovery.set(a, b, c);
			await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
				.until(() -> listener.selection().endpoints().contains(c));
			// c leaves: once the engine's selection lacks it, no pick may return it.
			discovery.set(a, b);
			await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
				.until(() -> !listener.selection().endpoints().contains(c));
			published.set(new State(2L * cycle + 2, c));
			long seen = picks.get();
			await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
				.until(() -> picks.get() > seen + 10_000);
		}
		running.set(false);
		for (Thread picker : pickers) {
			picker.join(WAIT.toMillis());
			assertThat(picker.isAlive()).isFalse();
		}
		assertThat(violations).isEmpty();
		// Removed endpoints are released by the scout and not probed any more.
		assertThat(scout.released).contains(c.address());
		clavier.close();
		await().atMost(WAIT).until(() -> ClavierTests.clavierThreads().equals(before));
		System.out.printf("%d picks on %d threads across %d removals of %s: none returned it after removal%n",
				picks.get(), PICKERS, cycles, c);
	}

	@Test
	void snapshotWhileHealthAndMembershipChangeShouldAlwaysShowOneMoment() throws Exception {
		Set<String> before = ClavierTests.clavierThreads();
		Endpoint[] all = new Endpoint[12];
		for (int i = 0; i < all.length; i++) {
			all[i] = Endpoint.of("127.0.0.1", 7100 + i);
		}
		MutableDiscovery discovery = new MutableDiscovery(Duration.ofMillis(5), all);
		ScriptedScout scout = new ScriptedScout();
		Clavier clavier = Clavier.create();
		Listener listener = clavier.addListener("moment", ListenerConfig.builder(discovery)
			.scout(scout)
			.interval(Duration.ofMillis(10))
			.timeout(Duration.ofMillis(5))
			.rise(1)
			.fall(1)
			.build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
		AtomicLong reads = new AtomicLong();
		AtomicBoolean running = new AtomicBoolean(true);
		List<Thread> readers = new ArrayList<>();
		for (int t = 0; t < PICKERS; t++) {
			readers.add(thread("clavier-test-reader-" + t, () -> {
				long deadline = System.nanoTime() + MAX_TIME.toNanos();
				for (long i = 0; i < 100_000_000L && running.get() && System.nanoTime() < deadline; i++) {
					String violation = inconsistency(listener.snapshot());
					if (violation != null && violations.size() < 10) {
						violations.add(violation);
					}
					reads.incrementAndGet();
				}
			}));
		}
		readers.forEach(Thread::start);
		Random random = new Random(11);
		int changes = 300;
		for (int change = 0; change < changes; change++) {
			// Flip some endpoints' health and, every tenth change, drop or restore some of them. The
			// first four stay healthy and discovered, so no draining blurs what is picked.
			for (int i = 0; i < 3; i++) {
				Endpoint endpoint = all[4 + random.nextInt(all.length - 4)];
				scout.set(endpoint.address(), random.nextBoolean() ? ScriptedScout.Verdict.PASS : ScriptedScout.Verdict.FAIL);
			}
			if (change % 10 == 0) {
				List<Endpoint> kept = new ArrayList<>(List.of(all).subList(0, 4));
				kept.addAll(List.of(all).subList(4 + random.nextInt(4), all.length - random.nextInt(4)));
				discovery.set(kept.toArray(new Endpoint[0]));
			}
			listener.probeNow();
			long seen = reads.get();
			await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
				.until(() -> reads.get() > seen + 1_000);
		}
		running.set(false);
		for (Thread reader : readers) {
			reader.join(WAIT.toMillis());
			assertThat(reader.isAlive()).isFalse();
		}
		assertThat(violations).isEmpty();
		clavier.close();
		await().atMost(WAIT).until(() -> ClavierTests.clavierThreads().equals(before));
		System.out.printf("%d snapshot reads on %d threads across %d changes: each showed one moment%n", reads.get(),
				PICKERS, changes);
	}

	/**
	 * Returns what contradicts itself in a snapshot: picks (all-down policy FAIL) are made from
	 * exactly the endpoints it shows HEALTHY, draining ones included while no discovered one is.
	 */
	private static @Nullable String inconsistency(ListenerSnapshot snapshot) {
		Set<Endpoint> healthy = new HashSet<>();
		Set<Endpoint> shown = new HashSet<>();
		for (EndpointState state : snapshot.endpoints()) {
			shown.add(state.endpoint());
			if (state.status() == HealthStatus.HEALTHY) {
				healthy.add(state.endpoint());
			}
		}
		Set<Endpoint> picked = new HashSet<>(snapshot.selection().endpoints());
		if (snapshot.isFallback() || !picked.equals(healthy)) {
			return "picks from " + picked + " while " + healthy + " are shown HEALTHY among " + shown;
		}
		return null;
	}

	@Test
	void removeListenerWhileProbeCompletesShouldLeaveNothingToPick() throws Exception {
		ScriptedScout scout = new ScriptedScout();
		scout.setAll(ScriptedScout.Verdict.FAIL);
		Clavier clavier = Clavier.create();
		try (clavier) {
			Listener listener = clavier.addListener("racing",
					ListenerConfig.builder(StaticDiscovery.of(Endpoint.of("127.0.0.1", 7001)))
						.scout(scout)
						.interval(Duration.ofMinutes(10))
						.rise(1)
						.build());
			assertThat(listener.awaitReady(WAIT)).isTrue();
			assertThat(listener.selection().isEmpty()).isTrue();
			// Hold the next probe's completion on the scheduler until the listener is closed from
			// another thread: the probe then makes the endpoint healthy after close() emptied the selection.
			AtomicBoolean held = new AtomicBoolean();
			listener.subscribe(new ListenerObserver() {

				@Override
				public void probed(ListenerSnapshot source, Endpoint endpoint, boolean healthy, Duration latency,
						@Nullable String error) {
					long deadline = System.nanoTime() + WAIT.toNanos();
					held.set(true);
					while (!listener.isClosed() && System.nanoTime() < deadline) {
						Thread.onSpinWait();
					}
				}

			});
			scout.setAll(ScriptedScout.Verdict.PASS);
			listener.probeNow();
			await().atMost(WAIT).untilTrue(held);
			assertThat(clavier.removeListener("racing")).isTrue();
			assertThat(listener.selection().isEmpty()).as("selection after removal: %s", listener.selection()).isTrue();
			assertThat(listener.isClosed()).isTrue();
			org.assertj.core.api.Assertions.assertThatIllegalStateException().isThrownBy(listener::getEndpoint)
				.withMessage("[racing] listener is closed");
		}
	}

	@Test
	void removeListenerWhileEjectingShouldLeaveNothingToPick() throws Exception {
		Endpoint first = Endpoint.of("127.0.0.1", 7001);
		Endpoint second = Endpoint.of("127.0.0.1", 7002);
		Clavier clavier = Clavier.create();
		try (clavier) {
			Listener listener = clavier.addListener("ejecting", ListenerConfig.builder(StaticDiscovery.of(first, second))
				.scout(new ScriptedScout())
				.interval(Duration.ofMinutes(10))
				.outlierFailures(1)
				.build());
			assertThat(listener.awaitReady(WAIT)).isTrue();
			await().atMost(WAIT).until(() -> listener.selection().size() == 2);
			// Hold the ejection on the scheduler, after its transition and before its new selection,
			// until another thread has closed the listener.
			AtomicBoolean held = new AtomicBoolean();
			listener.subscribe(new ListenerObserver() {

				@Override
				public void transitioned(ListenerSnapshot source, HealthTransition transition) {
					long deadline = System.nanoTime() + WAIT.toNanos();
					held.set(true);
					while (!listener.isClosed() && System.nanoTime() < deadline) {
						Thread.onSpinWait();
					}
				}

			});
			listener.reportCall(first, false, "connection refused");
			await().atMost(WAIT).untilTrue(held);
			assertThat(clavier.removeListener("ejecting")).isTrue();
			assertThat(listener.selection().isEmpty()).as("selection after removal: %s", listener.selection()).isTrue();
			org.assertj.core.api.Assertions.assertThatIllegalStateException().isThrownBy(listener::getEndpoint)
				.withMessage("[ejecting] listener is closed");
		}
	}

	private static ListenerConfig config(String name, TestTcpBackend tcp, ScriptedScout scripted) {
		int index = name.charAt(1) - '0';
		if (index % 2 == 0) {
			// Real TCP probes on the engine's event loop.
			return ListenerConfig.builder(StaticDiscovery.of(Endpoint.of("127.0.0.1", tcp.port())))
				.scout(TcpScout.builder().build())
				.interval(Duration.ofMillis(20))
				.timeout(Duration.ofMillis(15))
				.rise(1)
				.fall(1)
				.build();
		}
		// Scripted probes completing on the scheduler every 5 ms.
		return ListenerConfig.builder(StaticDiscovery.of(Endpoint.of("127.0.0.1", 7000), Endpoint.of("127.0.0.1", 7001),
				Endpoint.of("127.0.0.1", 7002)))
			.scout(scripted)
			.interval(Duration.ofMillis(5))
			.timeout(Duration.ofMillis(4))
			.build();
	}

	private static Thread thread(String name, Runnable body) {
		Thread thread = new Thread(body, name);
		thread.setDaemon(true);
		return thread;
	}

	private record State(long epoch, @Nullable Endpoint removed) {
	}

}
