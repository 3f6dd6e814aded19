package dev.clavier.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import dev.clavier.Clavier;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.scout.grpc.GrpcScout;
import dev.clavier.test.TestGrpcBackend;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;

/**
 * gRPC detection latency, watch against check: one gRPC backend on loopback with the standard
 * health service is set NOT_SERVING at a random moment, then SERVING again, {@code flips}
 * times per mode; reports how long it took to leave rotation and to return, p50 / p99 / max, for
 * {@code scout.grpc.mode: watch} and {@code check} side by side in one run, both at interval 1 s,
 * timeout 500 ms, fall 2, rise 2, default fast interval (250 ms).
 * <p>
 * {@code java -cp benchmarks.jar dev.clavier.benchmarks.GrpcWatchDetection [flips]} (default 50).
 */
public final class GrpcWatchDetection {

	static final Duration INTERVAL = Duration.ofSeconds(1);

	static final Duration TIMEOUT = Duration.ofMillis(500);

	private static final Duration WAIT = Duration.ofSeconds(15);

	private GrpcWatchDetection() {
	}

	public static void main(String[] args) throws Exception {
		int flips = (args.length > 0) ? Integer.parseInt(args[0]) : 50;
		System.out.printf("interval %s, timeout %s, fall 2, rise 2, %d NOT_SERVING flips per mode%n", INTERVAL,
				TIMEOUT, flips);
		List<String> rows = new ArrayList<>();
		try (TestGrpcBackend backend = TestGrpcBackend.start("127.0.0.1", 0)) {
			for (GrpcScout.Mode mode : GrpcScout.Mode.values()) {
				rows.add(run(mode, backend, flips));
			}
		}
		System.out.println();
		rows.forEach(System.out::println);
		System.exit(0);
	}

	private static String run(GrpcScout.Mode mode, TestGrpcBackend backend, int flips) throws Exception {
		String name = mode.name().toLowerCase(Locale.ROOT);
		List<Double> out = new ArrayList<>();
		List<Double> back = new ArrayList<>();
		try (Clavier clavier = Clavier.create()) {
			Listener listener = clavier.addListener("greeter",
					ListenerConfig.builder(StaticDiscovery.of(Endpoint.of(backend.host(), backend.port())))
						.scout(GrpcScout.builder().mode(mode).build())
						.interval(INTERVAL)
						.timeout(TIMEOUT)
						.fall(2)
						.rise(2)
						.build());
			if (await(() -> !listener.selection().isEmpty()) < 0) {
				throw new IllegalStateException(name + ": backend never healthy");
			}
			for (int flip = 0; flip < flips; flip++) {
				// At a random moment of the probe cycle.
				Thread.sleep(200 + ThreadLocalRandom.current().nextInt((int) INTERVAL.toMillis()));
				long start = System.nanoTime();
				backend.status("", ServingStatus.NOT_SERVING);
				long gone = await(() -> listener.selection().isEmpty());
				Thread.sleep(ThreadLocalRandom.current().nextInt((int) INTERVAL.toMillis()));
				long restart = System.nanoTime();
				backend.status("", ServingStatus.SERVING);
				long returned = await(() -> !listener.selection().isEmpty());
				out.add((gone < 0) ? Double.NaN : (gone - start) / 1e6);
				back.add((returned < 0) ? Double.NaN : (returned - restart) / 1e6);
				System.out.printf(Locale.ROOT, "%s flip %d: out of rotation after %.1f ms, back after %.1f ms%n", name,
						flip + 1, out.get(flip), back.get(flip));
			}
		}
		return String.format(Locale.ROOT, "%-6s out of rotation (ms): %s; back in rotation (ms): %s", name,
				percentiles(out), percentiles(back));
	}

	/**
	 * Waits for a condition, checking every 0.1 ms, for at most {@link #WAIT}.
	 * @return when it held, or -1
	 */
	private static long await(BooleanSupplier condition) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (System.nanoTime() < deadline) {
			if (condition.getAsBoolean()) {
				return System.nanoTime();
			}
			LockSupport.parkNanos(100_000);
		}
		return -1;
	}

	static String percentiles(List<Double> values) {
		if (values.isEmpty()) {
			return "n/a";
		}
		List<Double> sorted = values.stream().sorted().toList();
		return String.format(Locale.ROOT, "p50 %.1f / p99 %.1f / max %.1f", at(sorted, 0.50), at(sorted, 0.99),
				sorted.get(sorted.size() - 1));
	}

	/** The nearest-rank percentile. */
	private static double at(List<Double> sorted, double fraction) {
		int rank = (int) Math.ceil(fraction * sorted.size());
		return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
	}

}
