package dev.clavier;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.scout.ProbeResult;
import dev.clavier.scout.Scout;
import dev.clavier.scout.ScoutContext;
import dev.clavier.scout.ScoutSession;

/**
 * A scout whose verdict per endpoint a test sets, counting probes: a real plug-in used to drive
 * the state machine precisely, beside the network scouts' own tests against real servers.
 */
final class ScriptedScout implements Scout {

	enum Verdict {

		PASS, FAIL, HANG, THROW

	}

	private final Map<String, Verdict> verdicts = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> probes = new ConcurrentHashMap<>();

	/** Verdicts of the next probes per endpoint, used up one per probe before {@link #verdicts}. */
	private final Map<String, Queue<Verdict>> scripts = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> concurrent = new ConcurrentHashMap<>();

	final AtomicInteger maxConcurrent = new AtomicInteger();

	final CopyOnWriteArrayList<CompletableFuture<ProbeResult>> hanging = new CopyOnWriteArrayList<>();

	final CopyOnWriteArrayList<String> released = new CopyOnWriteArrayList<>();

	final AtomicInteger closedSessions = new AtomicInteger();

	private volatile Verdict defaultVerdict = Verdict.PASS;

	void set(String address, Verdict verdict) {
		this.verdicts.put(address, verdict);
	}

	/**
	 * Scripts the verdicts of the next probes of an endpoint, one per probe; then the verdict
	 * {@link #set} or the default applies again.
	 */
	void script(String address, Verdict... next) {
		this.scripts.computeIfAbsent(address, (key) -> new ConcurrentLinkedQueue<>()).addAll(List.of(next));
	}

	void setAll(Verdict verdict) {
		this.verdicts.clear();
		this.defaultVerdict = verdict;
	}

	int probes(String address) {
		AtomicInteger count = this.probes.get(address);
		return (count != null) ? count.get() : 0;
	}

	@Override
	public String model() {
		return "scripted";
	}

	@Override
	public ScoutSession open(ScoutContext context) {
		return new ScoutSession() {

			@Override
			public CompletableFuture<ProbeResult> probe(Endpoint endpoint) {
				String address = endpoint.address();
				ScriptedScout.this.probes.computeIfAbsent(address, (key) -> new AtomicInteger()).incrementAndGet();
				AtomicInteger running = ScriptedScout.this.concurrent.computeIfAbsent(address, (key) -> new AtomicInteger());
				int now = running.incrementAndGet();
				ScriptedScout.this.maxConcurrent.accumulateAndGet(now, Math::max);
				Queue<Verdict> script = ScriptedScout.this.scripts.get(address);
				Verdict scripted = (script != null) ? script.poll() : null;
				Verdict verdict = (scripted != null) ? scripted
						: ScriptedScout.this.verdicts.getOrDefault(address, ScriptedScout.this.defaultVerdict);
				CompletableFuture<ProbeResult> result = switch (verdict) {
					case PASS -> CompletableFuture.completedFuture(ProbeResult.passed("ok"));
					case FAIL -> CompletableFuture.completedFuture(ProbeResult.failed("scripted failure"));
					case HANG -> {
						CompletableFuture<ProbeResult> never = new CompletableFuture<>();
						ScriptedScout.this.hanging.add(never);
						yield never;
					}
					case THROW -> throw new IllegalStateException("scripted exception");
				};
				result.whenComplete((value, failure) -> running.decrementAndGet());
				return result;
			}

			@Override
			public void release(Endpoint endpoint) {
				ScriptedScout.this.released.add(endpoint.address());
			}

			@Override
			public void close() {
				ScriptedScout.this.closedSessions.incrementAndGet();
			}

		};
	}

}
