package dev.clavier.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.clavier.Clavier;
import dev.clavier.discovery.Discovery;
import dev.clavier.discovery.DiscoveryContext;
import dev.clavier.discovery.DiscoveryResult;
import dev.clavier.discovery.DiscoverySession;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.filter.SlowStart;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.scout.HttpScout;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of {@code getEndpoint} while zone preference narrows the pickable set and while slow
 * start ramps one endpoint up, beside a plain listener over the same backends
 * ({@link SelectionBenchmark.Backends}: 3 or 100 ports of one loopback HTTP responder, probed
 * every second). Both work when the set changes, not at pick time, so each pick should cost what
 * a plain one does, and allocate nothing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public abstract class ZoneAndSlowStartBenchmark {

	/** Long enough that the ramping endpoint stays at its floor for the whole run. */
	static final Duration WINDOW = Duration.ofHours(1);

	/** Three listeners over the same backends: plain, in zone {@code a} (half of them), ramping. */
	@State(Scope.Benchmark)
	public static class Listeners {

		Clavier clavier;

		Listener plain;

		Listener zoned;

		Listener ramping;

		@Setup(Level.Trial)
		public void setUp(SelectionBenchmark.Backends backends) {
			this.clavier = Clavier.create();
			this.plain = this.clavier.addListener("plain", config(StaticDiscovery.of(backends.list)).build());
			List<Endpoint> zoned = new ArrayList<>();
			for (int i = 0; i < backends.list.size(); i++) {
				zoned.add(backends.list.get(i).withAttributes(Map.of(Endpoint.ZONE_ATTRIBUTE, (i % 2 == 0) ? "a" : "b")));
			}
			this.zoned = this.clavier.addListener("zoned", config(StaticDiscovery.of(zoned)).zone("a").build());
			this.ramping = this.clavier.addListener("ramping",
					config(new LateLastDiscovery(backends.list)).slowStart(SlowStart.of(WINDOW)).build());
			int inZone = (backends.endpoints + 1) / 2;
			Endpoint late = backends.list.get(backends.list.size() - 1);
			if (!SelectionBenchmark.awaitSelection(this.plain, backends.endpoints)
					|| !SelectionBenchmark.awaitSelection(this.zoned, inZone)
					|| !SelectionBenchmark.awaitSelection(this.ramping, backends.endpoints)) {
				throw new IllegalStateException("not all healthy: " + this.plain.selection() + " / "
						+ this.zoned.selection() + " / " + this.ramping.selection());
			}
			EndpointState lateState = this.ramping.endpoints()
				.stream()
				.filter((state) -> state.endpoint().sameAddress(late))
				.findFirst()
				.orElseThrow();
			if (lateState.effectiveWeight() >= late.weight()) {
				throw new IllegalStateException("the late endpoint does not ramp: " + lateState);
			}
			System.out.println("# zoned picks among " + this.zoned.selection().size() + "; ramping " + late
					+ " at effective weight " + lateState.effectiveWeight());
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.clavier.close();
		}

		private static ListenerConfig.Builder config(Discovery discovery) {
			return ListenerConfig.builder(discovery)
				.scout(HttpScout.builder().path(SelectionBenchmark.HEALTH_PATH).build())
				.interval(SelectionBenchmark.INTERVAL)
				.timeout(SelectionBenchmark.TIMEOUT);
		}

	}

	@Benchmark
	public Endpoint plainGetEndpoint(Listeners state) {
		return state.plain.getEndpoint();
	}

	@Benchmark
	public Endpoint zonePreferenceGetEndpoint(Listeners state) {
		return state.zoned.getEndpoint();
	}

	@Benchmark
	public Endpoint slowStartGetEndpoint(Listeners state) {
		return state.ramping.getEndpoint();
	}

	/** Every variant on one thread. */
	@Threads(1)
	public static class OneThread extends ZoneAndSlowStartBenchmark {

	}

	/** Every variant on two threads. */
	@Threads(2)
	public static class TwoThreads extends ZoneAndSlowStartBenchmark {

	}

	/**
	 * Answers every endpoint but the last, then, 2 s later and from then on, all of them: the
	 * last one joins after the first probe round, so slow start ramps it.
	 */
	static final class LateLastDiscovery implements Discovery {

		private final List<Endpoint> endpoints;

		LateLastDiscovery(List<Endpoint> endpoints) {
			this.endpoints = List.copyOf(endpoints);
		}

		@Override
		public String model() {
			return "late-last";
		}

		@Override
		public DiscoverySession open(DiscoveryContext context) {
			AtomicBoolean answered = new AtomicBoolean();
			return new DiscoverySession() {

				@Override
				public CompletableFuture<DiscoveryResult> discover() {
					if (answered.compareAndSet(false, true)) {
						List<Endpoint> first = LateLastDiscovery.this.endpoints.subList(0,
								LateLastDiscovery.this.endpoints.size() - 1);
						return CompletableFuture.completedFuture(DiscoveryResult.of(first, Duration.ofSeconds(2)));
					}
					return CompletableFuture.completedFuture(DiscoveryResult.of(LateLastDiscovery.this.endpoints, null));
				}

				@Override
				public String target() {
					return "every endpoint but the last, then all";
				}

			};
		}

	}

}
