package dev.clavier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.scout.TcpScout;
import dev.clavier.test.TcpMode;
import dev.clavier.test.TestTcpBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The engine called from virtual threads (Java 21 and later): picks, reported calls and waiting
 * for readiness, against real TCP backends. The build compiles for Java 17, so the virtual-thread
 * executor is looked up by name; {@code .ci/run} runs these tests on a JDK 25 when the machine has
 * one, and they are skipped (reported as such) on older JDKs.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	/** One virtual thread per pick: a thread per request, as a Boot app with virtual threads runs. */
	private static final int CALLS = 3_000;

	@Test
	void picksOnAVirtualThreadPerCallShouldSpreadExactlyEvenlyAndThreadsShouldStopAtClose() throws Exception {
		Set<String> before = ClavierTests.clavierThreads();
		try (TestTcpBackend a = TestTcpBackend.start("127.0.0.1", 0, TcpMode.ACCEPT);
				TestTcpBackend b = TestTcpBackend.start("127.0.0.1", 0, TcpMode.ACCEPT);
				TestTcpBackend c = TestTcpBackend.start("127.0.0.1", 0, TcpMode.ACCEPT)) {
			Clavier clavier = Clavier.create();
			Listener listener = clavier.addListener("virtual", ListenerConfig
				.builder(StaticDiscovery.of(Endpoint.of("127.0.0.1", a.port()), Endpoint.of("127.0.0.1", b.port()),
						Endpoint.of("127.0.0.1", c.port())))
				.scout(TcpScout.builder().build())
				.interval(Duration.ofMillis(200))
				.timeout(Duration.ofMillis(100))
				.build());
			Map<Integer, AtomicInteger> counts = new ConcurrentHashMap<>();
			ConcurrentLinkedQueue<String> virtualness = new ConcurrentLinkedQueue<>();
			ExecutorService executor = newVirtualThreadPerTaskExecutor();
			try {
				// Waiting for readiness parks a virtual thread without pinning a carrier.
				assertThat(executor.submit(() -> listener.awaitReady(WAIT)).get(WAIT.toSeconds(), TimeUnit.SECONDS))
					.isTrue();
				List<Future<?>> calls = new ArrayList<>();
				for (int i = 0; i < CALLS; i++) {
					calls.add(executor.submit(() -> {
						if (!isVirtual(Thread.currentThread())) {
							virtualness.add(Thread.currentThread().getName());
						}
						Endpoint picked = listener.getEndpoint();
						counts.computeIfAbsent(picked.port(), (port) -> new AtomicInteger()).incrementAndGet();
						listener.reportCall(picked, true, null);
					}));
				}
				for (Future<?> call : calls) {
					call.get(WAIT.toSeconds(), TimeUnit.SECONDS);
				}
			}
			finally {
				shutdown(executor);
			}
			assertThat(virtualness).as("calls not on a virtual thread").isEmpty();
			// Virtual threads share one counter: 3,000 picks over three equal endpoints are
			// exactly 1,000 each, however the picks interleave.
			assertThat(counts).containsOnlyKeys(a.port(), b.port(), c.port());
			assertThat(counts.values()).extracting(AtomicInteger::get).containsOnly(CALLS / 3);
			assertThat(listener.endpoints()).extracting((state) -> state.status()).containsOnly(HealthStatus.HEALTHY);
			clavier.close();
			await().atMost(WAIT).until(() -> ClavierTests.clavierThreads().equals(before));
		}
	}

	@Test
	void awaitReadyOnManyVirtualThreadsShouldReturnOnceReady() throws Exception {
		try (TestTcpBackend a = TestTcpBackend.start("127.0.0.1", 0, TcpMode.ACCEPT)) {
			Clavier clavier = Clavier.create();
			ExecutorService executor = newVirtualThreadPerTaskExecutor();
			try {
				Listener listener = clavier.addListener("virtual-ready",
						ListenerConfig.builder(StaticDiscovery.of(Endpoint.of("127.0.0.1", a.port())))
							.scout(TcpScout.builder().build())
							.interval(Duration.ofMillis(200))
							.timeout(Duration.ofMillis(100))
							.build());
				List<Future<Boolean>> waits = new ArrayList<>();
				for (int i = 0; i < 1_000; i++) {
					waits.add(executor.submit(() -> listener.awaitReady(WAIT)));
				}
				for (Future<Boolean> wait : waits) {
					assertThat(wait.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
				}
				assertThat(listener.getEndpoint().port()).isEqualTo(a.port());
			}
			finally {
				shutdown(executor);
				clavier.close();
			}
		}
	}

	/** {@code Executors.newVirtualThreadPerTaskExecutor()}, looked up because the tests compile for 17. */
	private static ExecutorService newVirtualThreadPerTaskExecutor() throws ReflectiveOperationException {
		return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
	}

	/** Shuts the executor down and waits for its tasks (it is not yet AutoCloseable on 17). */
	private static void shutdown(ExecutorService executor) throws InterruptedException {
		executor.shutdown();
		assertThat(executor.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).as("virtual threads ended").isTrue();
	}

	private static boolean isVirtual(Thread thread) {
		try {
			return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
