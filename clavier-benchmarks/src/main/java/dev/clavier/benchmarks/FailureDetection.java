package dev.clavier.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import dev.clavier.Clavier;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.scout.HttpScout;
import dev.clavier.test.TestHttpBackend;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.HealthCheckServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.support.ServiceInstanceListSuppliers;
import org.springframework.cloud.loadbalancer.support.SimpleObjectProvider;
import reactor.core.Disposable;

/**
 * Failure detection: three HTTP backends (127.0.0.1..3, one port) under a steady load of one
 * real call every 10 ms; one backend is stopped at a random moment; reports how long it stays
 * in rotation and how many calls fail, then, restarted at a random moment, how long it takes
 * to return; for Clavier with active checks only (with the default fast interval, and with
 * fast and down intervals equal to the interval as before they existed), Clavier with passive
 * outlier detection ({@code reportCall}, one failure ejects), and Spring Cloud's health-check
 * supplier at the same interval.
 * <p>
 * {@code java -cp benchmarks.jar dev.clavier.benchmarks.FailureDetection [trials]}
 */
public final class FailureDetection {

	static final Duration INTERVAL = Duration.ofSeconds(1);

	static final Duration TIMEOUT = Duration.ofMillis(500);

	static final int FALL = 2;

	private FailureDetection() {
	}

	/** One system under test. */
	interface Subject extends CallLoop.Picker, AutoCloseable {

		boolean inRotation(String hostAndPort);

		int size();

		@Override
		void close();

	}

	public static void main(String[] args) throws Exception {
		// The JDK server behind TestHttpBackend otherwise waits for delayed ACKs (~40 ms per answer).
		System.setProperty("sun.net.httpserver.nodelay", "true");
		int trials = (args.length > 0) ? Integer.parseInt(args[0]) : 5;
		TestHttpBackend first = TestHttpBackend.start("127.0.0.1", 0);
		List<TestHttpBackend> backends = List.of(first, TestHttpBackend.start("127.0.0.2", first.port()),
				TestHttpBackend.start("127.0.0.3", first.port()));
		System.out.printf("interval %s, timeout %s, fall %d (Clavier), one call every 10 ms, %d trials%n", INTERVAL,
				TIMEOUT, FALL, trials);
		List<String> rows = new ArrayList<>();
		rows.add(run("clavier-active-one-interval", () -> clavier(backends, 0, INTERVAL), backends, trials));
		rows.add(run("clavier-active", () -> clavier(backends, 0, null), backends, trials));
		rows.add(run("clavier-passive", () -> clavier(backends, 1, null), backends, trials));
		rows.add(run("spring-cloud-health-check", () -> springCloud(backends), backends, trials));
		System.out.println();
		rows.forEach(System.out::println);
		backends.forEach(TestHttpBackend::close);
		System.exit(0);
	}

	private static String run(String name, Supplier<Subject> factory, List<TestHttpBackend> backends, int trials)
			throws Exception {
		List<Double> detection = new ArrayList<>();
		List<Double> failed = new ArrayList<>();
		List<Double> recovery = new ArrayList<>();
		TestHttpBackend victim = backends.get(1);
		String target = victim.hostAndPort();
		try (Subject subject = factory.get()) {
			for (int trial = 0; trial < trials; trial++) {
				if (CallLoop.awaitNanos(() -> subject.size() == backends.size(), Duration.ofSeconds(20)) < 0) {
					throw new IllegalStateException(name + ": backends not all healthy");
				}
				boolean restarted = false;
				try (CallLoop loop = new CallLoop(subject, Duration.ofMillis(10))) {
					Thread.sleep(1000 + ThreadLocalRandom.current().nextInt(1000));
					long stop = System.nanoTime();
					victim.stop();
					long out = CallLoop.awaitNanos(() -> !subject.inRotation(target), Duration.ofSeconds(15));
					Thread.sleep(500);
					loop.stop();
					List<CallLoop.Call> calls = loop.callsSince(stop);
					long failures = calls.stream().filter((c) -> !c.ok()).count();
					double ms = (out < 0) ? Double.NaN : (out - stop) / 1e6;
					// Restarted at a random moment of the probe cycle, as it was stopped.
					Thread.sleep(ThreadLocalRandom.current().nextInt(1000));
					long restart = System.nanoTime();
					victim.start();
					restarted = true;
					long back = CallLoop.awaitNanos(() -> subject.inRotation(target), Duration.ofSeconds(15));
					double backMs = (back < 0) ? Double.NaN : (back - restart) / 1e6;
					detection.add(ms);
					failed.add((double) failures);
					recovery.add(backMs);
					System.out.printf(Locale.ROOT,
							"%s trial %d: out of rotation after %.0f ms, %d of %d calls failed, back after %.0f ms%n", name,
							trial + 1, ms, failures, calls.size(), backMs);
				}
				finally {
					if (!restarted) {
						victim.start();
					}
				}
			}
		}
		return String.format(Locale.ROOT, "%-27s out of rotation (ms): %s; failed calls: %s; back in rotation (ms): %s",
				name, CallLoop.stats(detection), CallLoop.stats(failed), CallLoop.stats(recovery));
	}

	/**
	 * Returns Clavier on the backends.
	 * @param outlierFailures failed calls that eject, 0 for active checks only
	 * @param fixedInterval the fast and down interval, or {@code null} for their defaults
	 */
	private static Subject clavier(List<TestHttpBackend> backends, int outlierFailures,
			@Nullable Duration fixedInterval) {
		Clavier clavier = Clavier.create();
		Listener listener = clavier.addListener("backend", ListenerConfig
			.builder(StaticDiscovery.of(backends.stream().map((b) -> Endpoint.parse(b.hostAndPort(), 0)).toList()))
			.scout(HttpScout.builder().path(TestHttpBackend.DEFAULT_HEALTH_PATH).build())
			.interval(INTERVAL)
			.fastInterval(fixedInterval)
			.downInterval(fixedInterval)
			.timeout(TIMEOUT)
			.fall(FALL)
			.outlierFailures(outlierFailures)
			.build());
		return new Subject() {

			private final ThreadLocal<Endpoint> last = new ThreadLocal<>();

			@Override
			public String pick() {
				Endpoint endpoint = listener.getEndpoint();
				this.last.set(endpoint);
				return endpoint.address();
			}

			@Override
			public void outcome(String target, boolean ok, @Nullable String error) {
				if (outlierFailures > 0) {
					listener.reportCall(this.last.get(), ok, error);
				}
			}

			@Override
			public boolean inRotation(String hostAndPort) {
				return listener.selection().endpoints().stream().anyMatch((e) -> e.address().equals(hostAndPort));
			}

			@Override
			public int size() {
				return listener.selection().size();
			}

			@Override
			public void close() {
				clavier.close();
			}

		};
	}

	@SuppressWarnings({ "rawtypes", "unchecked" })
	private static Subject springCloud(List<TestHttpBackend> backends) {
		ServiceInstance[] instances = backends.stream()
			.map((b) -> new DefaultServiceInstance(b.hostAndPort(), "svc", b.host(), b.port(), false))
			.toArray(ServiceInstance[]::new);
		HealthCheckServiceInstanceListSupplier supplier = ScHealthChecks.supplier(
				ServiceInstanceListSuppliers.from("svc", instances), TestHttpBackend.DEFAULT_HEALTH_PATH, INTERVAL, TIMEOUT);
		RoundRobinLoadBalancer balancer = new RoundRobinLoadBalancer(new SimpleObjectProvider<>(supplier), "svc");
		AtomicReference<List<ServiceInstance>> latest = new AtomicReference<>(List.of());
		Disposable subscription = supplier.get().subscribe(latest::set);
		DefaultRequest request = new DefaultRequest<>();
		return new Subject() {

			@Override
			public String pick() {
				Response<ServiceInstance> response = balancer.choose(request).block();
				ServiceInstance instance = response.getServer();
				if (instance == null) {
					throw new IllegalStateException("no instance");
				}
				return instance.getHost() + ":" + instance.getPort();
			}

			@Override
			public boolean inRotation(String hostAndPort) {
				return latest.get().stream().anyMatch((i) -> (i.getHost() + ":" + i.getPort()).equals(hostAndPort));
			}

			@Override
			public int size() {
				return latest.get().size();
			}

			@Override
			public void close() {
				subscription.dispose();
				supplier.destroy();
			}

		};
	}

}
