package dev.clavier.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import dev.clavier.Clavier;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.listener.ListenerObserver;
import dev.clavier.listener.ListenerSnapshot;
import dev.clavier.scout.HttpScout;
import dev.clavier.scout.Scout;
import dev.clavier.scout.TcpScout;
import org.jspecify.annotations.Nullable;

/**
 * Probe scale: one listener over N loopback endpoints (hosts × ports, served by
 * {@link LoopbackResponder}s in child processes so that this process's CPU time is the engine's
 * alone), probed every second; after a warm-up, counts probes for a fixed duration and reports
 * probes per second (overall and the slowest second), engine threads, process CPU time, heap
 * after GC and TIME_WAIT sockets.
 * <p>
 * Models: {@code tcp} (connect and close), {@code http} (the http scout's default: connections
 * kept between probes, the peer keeps them alive) and {@code http-close} (a new connection per
 * probe, {@code Connection: close}). The peer holds a listening socket per endpoint plus its
 * open connections; when that would not fit one process's descriptor limit (kept connections at
 * 10,000 endpoints), the hosts are split over several peer processes.
 * <p>
 * {@code java [-Dio=N] [-Dinflight=N] -cp benchmarks.jar dev.clavier.benchmarks.ProbeScale <tcp|http|http-close> <endpoints> [hosts] [warm-up s] [duration s]}
 */
public final class ProbeScale {

	private ProbeScale() {
	}

	public static void main(String[] args) throws Exception {
		String model = args[0].toLowerCase(Locale.ROOT);
		int endpoints = Integer.parseInt(args[1]);
		int hosts = (args.length > 2) ? Integer.parseInt(args[2]) : Math.min(100, endpoints);
		int warmup = (args.length > 3) ? Integer.parseInt(args[3]) : 10;
		int duration = (args.length > 4) ? Integer.parseInt(args[4]) : 30;
		int portsPerHost = (endpoints + hosts - 1) / hosts;
		int firstPort = 20000;
		String firstHost = "127.0.1.1";
		String peerMode = switch (model) {
			case "tcp" -> "tcp";
			case "http" -> "http_keep_alive";
			case "http-close" -> "http";
			default -> throw new IllegalArgumentException("model: " + model + " (expected: tcp, http or http-close)");
		};
		// Descriptors a peer needs: a listening socket per endpoint, plus its open connections.
		long descriptors = endpoints + (peerMode.equals("http_keep_alive") ? endpoints : 2000L);
		int peerCount = (int) Math.min(hosts, Math.max(1, (descriptors + 14_999) / 15_000));
		List<Process> peers = new ArrayList<>();
		List<String> allHosts = LoopbackResponder.loopbackHosts(firstHost, hosts);
		for (int i = 0; i < peerCount; i++) {
			int from = hosts * i / peerCount;
			int to = hosts * (i + 1) / peerCount;
			peers.add(startPeer(peerMode, allHosts.get(from), to - from, firstPort, portsPerHost));
		}
		List<Endpoint> list = new ArrayList<>(endpoints);
		for (String host : LoopbackResponder.loopbackHosts(firstHost, hosts)) {
			for (int port : LoopbackResponder.ports(firstPort, portsPerHost)) {
				if (list.size() < endpoints) {
					list.add(Endpoint.of(host, port));
				}
			}
		}
		Scout scout = switch (model) {
			case "http" -> HttpScout.builder().path("/health").build();
			case "http-close" -> HttpScout.builder().path("/health").reuseConnection(false).build();
			default -> TcpScout.builder().build();
		};
		LongAdder probes = new LongAdder();
		LongAdder failures = new LongAdder();
		java.util.Set<String> errors = java.util.concurrent.ConcurrentHashMap.newKeySet();
		com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
			.getOperatingSystemMXBean();
		long start = System.nanoTime();
		// -Dio=N: the engine's I/O threads (default: the engine's own default).
		Clavier.Builder engine = Clavier.builder();
		if (System.getProperty("io") != null) {
			engine.ioThreads(Integer.getInteger("io"));
		}
		try (Clavier clavier = engine.build()) {
			Listener listener = clavier.addListener("scale", ListenerConfig.builder(StaticDiscovery.of(list))
				.scout(scout)
				.interval(Duration.ofSeconds(1))
				.timeout(Duration.ofMillis(800))
				// -Dinflight=N: the listener's bound on probes in flight (default: the engine's).
				.maxProbesInFlight(Integer.getInteger("inflight", ListenerConfig.DEFAULT_MAX_PROBES_IN_FLIGHT))
				.build());
			listener.subscribe(new ListenerObserver() {

				@Override
				public void probed(ListenerSnapshot l, Endpoint endpoint, boolean healthy, Duration latency,
						@Nullable String error) {
					probes.increment();
					if (!healthy) {
						failures.increment();
						if (errors.size() < 5 && error != null) {
							errors.add(error);
						}
					}
				}

			});
			boolean ready = listener.awaitReady(Duration.ofSeconds(120));
			System.out.printf("ready=%s in %d ms; healthy %d of %d%n", ready,
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), listener.selection().size(), endpoints);
			Thread.sleep(warmup * 1000L);
			long probes0 = probes.sum();
			long failures0 = failures.sum();
			long cpu0 = os.getProcessCpuTime();
			java.util.Map<String, long[]> threads0 = engineThreadCpu();
			long t0 = System.nanoTime();
			long previous = probes0;
			long slowest = Long.MAX_VALUE;
			List<Long> perSecond = new ArrayList<>();
			List<Long> failedPerSecond = new ArrayList<>();
			long previousFailures = failures0;

			for (int second = 1; second <= duration; second++) {
				long next = t0 + TimeUnit.SECONDS.toNanos(second);
				long sleep = next - System.nanoTime();
				if (sleep > 0) {
					TimeUnit.NANOSECONDS.sleep(sleep);
				}
				long now = probes.sum();
				perSecond.add(now - previous);
				long failedNow = failures.sum();
				failedPerSecond.add(failedNow - previousFailures);
				previousFailures = failedNow;
				slowest = Math.min(slowest, now - previous);
				previous = now;
			}
			long elapsed = System.nanoTime() - t0;
			long cpu = os.getProcessCpuTime() - cpu0;
			java.util.Map<String, long[]> threads1 = engineThreadCpu();
			long count = probes.sum() - probes0;
			long failed = failures.sum() - failures0;
			// After the window (listing 100,000 sockets takes a while): TIME_WAIT lasts 60 s.
			int[] timeWaitMax = timeWait(firstPort, portsPerHost);
			int engineThreads = 0;
			List<String> names = new ArrayList<>();
			for (Thread thread : Thread.getAllStackTraces().keySet()) {
				if (thread.getName().startsWith("clavier-")) {
					engineThreads++;
					names.add(thread.getName());
				}
			}
			System.gc();
			MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
			double seconds = elapsed / 1e9;
			System.out.printf("model=%s endpoints=%d hosts=%d ports/host=%d warmup=%ds duration=%.1fs%n", model, endpoints,
					hosts, portsPerHost, warmup, seconds);
			System.out.printf("probes/s=%.0f slowest-second=%d failed=%d healthy-now=%d%n", count / seconds, slowest, failed,
					listener.selection().size());
			System.out.printf("cpu=%.2f s (%.0f%% of one core, %.1f us/probe) engine-threads=%d %s jvm-threads=%d%n",
					cpu / 1e9, 100.0 * cpu / elapsed, cpu / 1e3 / Math.max(1, count), engineThreads, names,
					ManagementFactory.getThreadMXBean().getThreadCount());
			System.out.println("errors (first distinct): " + errors);
			System.out.println("probes per second: " + perSecond);
			System.out.println("failed per second: " + failedPerSecond);
			StringBuilder perThread = new StringBuilder("engine thread CPU (user+sys / user, per probe):");
			for (var entry : threads1.entrySet()) {
				long[] before = threads0.getOrDefault(entry.getKey(), new long[2]);
				perThread.append(String.format(Locale.ROOT, " %s %.1f/%.1f us", entry.getKey(),
						(entry.getValue()[0] - before[0]) / 1e3 / Math.max(1, count),
						(entry.getValue()[1] - before[1]) / 1e3 / Math.max(1, count)));
			}
			System.out.println(perThread);
			System.out.printf("heap-after-gc=%.1f MB time-wait=%d (on the peer's listening ports: %d)%n",
					heap.getUsed() / 1048576.0, timeWaitMax[0], timeWaitMax[1]);
		}
		finally {
			for (Process peer : peers) {
				peer.getOutputStream().close();
			}
			for (Process peer : peers) {
				peer.waitFor(10, TimeUnit.SECONDS);
				peer.destroy();
			}
		}
	}

	private static Process startPeer(String model, String firstHost, int hosts, int firstPort, int ports)
			throws IOException {
		String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
		Process process = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
				LoopbackResponder.class.getName(), model, firstHost, Integer.toString(hosts), Integer.toString(firstPort),
				Integer.toString(ports))
			.redirectError(ProcessBuilder.Redirect.INHERIT)
			.start();
		BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		String line = out.readLine();
		if (line == null || !line.startsWith("READY")) {
			process.destroy();
			throw new IllegalStateException("peer did not start: " + line);
		}
		System.out.println("peer: " + line + " sockets, pid " + process.pid());
		return process;
	}

	private static java.util.Map<String, long[]> engineThreadCpu() {
		java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
		java.util.Map<String, long[]> cpu = new java.util.TreeMap<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().startsWith("clavier-")) {
				cpu.put(thread.getName(), new long[] { bean.getThreadCpuTime(thread.getId()), bean.getThreadUserTime(thread.getId()) });
			}
		}
		return cpu;
	}

	/** Returns the TIME_WAIT sockets: all, and those whose local port is one the peer listens on. */
	private static int[] timeWait(int firstPort, int ports) {
		try {
			Process ss = new ProcessBuilder("ss", "-Htan", "state", "time-wait").redirectErrorStream(true).start();
			int lines = 0;
			int server = 0;
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(ss.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					lines++;
					String[] columns = line.trim().split("\\s+");
					if (columns.length >= 4) {
						String local = columns[2];
						int port = Integer.parseInt(local.substring(local.lastIndexOf(':') + 1));
						if (port >= firstPort && port < firstPort + ports) {
							server++;
						}
					}
				}
			}
			ss.waitFor();
			return new int[] { lines, server };
		}
		catch (IOException | InterruptedException | RuntimeException ex) {
			return new int[] { -1, -1 };
		}
	}

}
