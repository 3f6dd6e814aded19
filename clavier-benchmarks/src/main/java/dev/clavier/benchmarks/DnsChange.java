package dev.clavier.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import dev.clavier.Clavier;
import dev.clavier.discovery.dns.DnsDiscovery;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.scout.HttpScout;
import dev.clavier.test.TestDnsServer;
import dev.clavier.test.TestHttpBackend;

/**
 * DNS change: a listener resolves {@code backend.svc.test} (A record, TTL 1 s) from a
 * {@link TestDnsServer} and probes over HTTP every second, under one real call every 10 ms;
 * at a random moment the answer moves from one backend address to the other; reports the time
 * until the new backend serves the first call and until the old one serves the last.
 * <p>
 * {@code java -cp benchmarks.jar dev.clavier.benchmarks.DnsChange [trials]}
 */
public final class DnsChange {

	static final String NAME = "backend.svc.test";

	static final long TTL = 1;

	static final Duration INTERVAL = Duration.ofSeconds(1);

	private DnsChange() {
	}

	public static void main(String[] args) throws Exception {
		// The JDK server behind TestHttpBackend otherwise waits for delayed ACKs (~40 ms per answer).
		System.setProperty("sun.net.httpserver.nodelay", "true");
		int trials = (args.length > 0) ? Integer.parseInt(args[0]) : 6;
		TestHttpBackend one = TestHttpBackend.start("127.0.0.1", 0);
		TestHttpBackend two = TestHttpBackend.start("127.0.0.2", one.port());
		List<TestHttpBackend> backends = List.of(one, two);
		List<Double> firstNew = new ArrayList<>();
		List<Double> lastOld = new ArrayList<>();
		List<Double> failed = new ArrayList<>();
		try (TestDnsServer dns = TestDnsServer.start(); Clavier clavier = Clavier.create()) {
			dns.a(NAME, TTL, one.host());
			Listener listener = clavier.addListener("backend", ListenerConfig
				.builder(DnsDiscovery.builder().name(NAME).port(one.port()).servers(dns.hostAndPort()).build())
				.scout(HttpScout.builder().path(TestHttpBackend.DEFAULT_HEALTH_PATH).build())
				.interval(INTERVAL)
				.timeout(Duration.ofMillis(500))
				.build());
			listener.awaitReady(Duration.ofSeconds(10));
			System.out.printf("A record TTL %d s, probe interval %s, one call every 10 ms, %d trials%n", TTL, INTERVAL,
					trials);
			try (CallLoop loop = new CallLoop(() -> listener.getEndpoint().address(), Duration.ofMillis(10))) {
				for (int trial = 0; trial < trials; trial++) {
					TestHttpBackend from = backends.get(trial % 2);
					TestHttpBackend to = backends.get((trial + 1) % 2);
					Thread.sleep(2000 + ThreadLocalRandom.current().nextInt(1000));
					long change = System.nanoTime();
					dns.a(NAME, TTL, to.host());
					Thread.sleep(5000);
					List<CallLoop.Call> calls = loop.callsSince(change);
					double first = calls.stream()
						.filter((c) -> c.ok() && to.hostAndPort().equals(c.servedBy()))
						.mapToDouble((c) -> (c.nanos() - change) / 1e6)
						.min()
						.orElse(Double.NaN);
					double last = calls.stream()
						.filter((c) -> from.hostAndPort().equals(c.servedBy()))
						.mapToDouble((c) -> (c.nanos() - change) / 1e6)
						.max()
						.orElse(0);
					long failures = calls.stream().filter((c) -> !c.ok()).count();
					long none = calls.stream().filter((c) -> "none".equals(c.target())).count();
					firstNew.add(first);
					lastOld.add(last);
					failed.add((double) failures);
					System.out.printf(Locale.ROOT, "trial %d: %s -> %s: first call to new after %.0f ms, last to old %.0f ms, %d failed (%d with no endpoint to pick)%n",
							trial + 1, from.host(), to.host(), first, last, failures, none);
				}
			}
		}
		System.out.println();
		System.out.println("first call to the new address (ms): " + CallLoop.stats(firstNew));
		System.out.println("last call to the old address (ms):  " + CallLoop.stats(lastOld));
		System.out.println("failed calls:                       " + CallLoop.stats(failed));
		backends.forEach(TestHttpBackend::close);
		System.exit(0);
	}

}
