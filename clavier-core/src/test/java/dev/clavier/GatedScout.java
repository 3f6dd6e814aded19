package dev.clavier;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.scout.ProbeResult;
import dev.clavier.scout.Scout;
import dev.clavier.scout.ScoutContext;
import dev.clavier.scout.ScoutSession;

/**
 * A scout whose probes end only when the test lets them ({@link #passOldest()}), or at once for
 * the endpoints it is told to pass; it counts probes in flight, the most seen at once, and logs
 * when each probe starts and ends. A real plug-in, to drive the engine's probe scheduling.
 */
final class GatedScout implements Scout {

	/** Probes started and not ended yet, oldest first. */
	final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();

	/** The endpoints probed, in the order their probes started. */
	final List<Endpoint> started = new CopyOnWriteArrayList<>();

	/** "start ADDRESS" and "end ADDRESS", in order. */
	final List<String> events = new CopyOnWriteArrayList<>();

	final AtomicInteger maxInFlight = new AtomicInteger();

	private final List<CompletableFuture<ProbeResult>> results = new CopyOnWriteArrayList<>();

	private final Set<String> passAtOnce = ConcurrentHashMap.newKeySet();

	/**
	 * Makes probes of an endpoint pass as soon as they start.
	 * @param endpoint the endpoint
	 */
	void passAtOnce(Endpoint endpoint) {
		this.passAtOnce.add(endpoint.address());
	}

	/**
	 * Lets the oldest pending probe pass.
	 * @return the endpoint it probed
	 * @throws IllegalStateException if no probe is pending
	 */
	Endpoint passOldest() {
		Pending oldest = this.pending.poll();
		if (oldest == null) {
			throw new IllegalStateException("no probe pending");
		}
		oldest.result().complete(ProbeResult.passed("ok"));
		return oldest.endpoint();
	}

	/**
	 * Returns how many probes are in flight: started, their future not completed. Counted from
	 * the futures, not in a completion callback, which may run after the engine has seen the
	 * completion and started the next probe.
	 * @return the number
	 */
	int inFlight() {
		return (int) this.results.stream().filter((result) -> !result.isDone()).count();
	}

	int probes(Endpoint endpoint) {
		return (int) this.started.stream().filter(endpoint::equals).count();
	}

	@Override
	public String model() {
		return "gated";
	}

	@Override
	public ScoutSession open(ScoutContext context) {
		return (endpoint) -> {
			this.events.add("start " + endpoint.address());
			this.started.add(endpoint);
			this.maxInFlight.accumulateAndGet(inFlight() + 1, Math::max);
			CompletableFuture<ProbeResult> result = new CompletableFuture<>();
			this.results.add(result);
			// Ended by the test, by the engine's timeout (cancelled) or at once.
			result.whenComplete((value, failure) -> this.events.add("end " + endpoint.address()));
			if (this.passAtOnce.contains(endpoint.address())) {
				result.complete(ProbeResult.passed("ok"));
			}
			else {
				this.pending.add(new Pending(endpoint, result));
			}
			return result;
		};
	}

	record Pending(Endpoint endpoint, CompletableFuture<ProbeResult> result) {
	}

}
