package dev.clavier.internal.listener;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.endpoint.HealthTransition;
import dev.clavier.internal.HealthTracker;
import dev.clavier.scout.ProbeResult;
import org.jspecify.annotations.Nullable;

/**
 * One discovered endpoint: its health state machine, what its last probe saw, its recent
 * transitions and the {@link EndpointState} readers see. Every health change of an endpoint,
 * by probe, by ejection or by a scout that probes nothing, goes through one method here, which
 * also words its cause.
 * <p>
 * Confined to the engine's scheduler thread, except {@link #state()} (volatile) and
 * {@link #callFailures} (atomic, counted by any thread that reports calls) and
 * {@link #callsInFlight} (atomic, counted by any thread that picks). The probe fields
 * belong to {@link ProbeScheduler}.
 */
final class EndpointRecord {

	/** Transitions kept per endpoint, for dashboards. */
	private static final int MAX_TRANSITIONS = 10;

	private static final String NOT_PROBED = "discovered, not probed yet";

	private static final String DRAINING = "left discovery; still picked, no longer probed, until a new endpoint passes "
			+ "its first probe";

	private Endpoint endpoint;

	private final HealthTracker tracker;

	private final ArrayDeque<HealthTransition> recent = new ArrayDeque<>();

	private List<HealthTransition> transitions = List.of();

	private @Nullable Instant lastCheck;

	private @Nullable Duration latency;

	private @Nullable String lastError;

	private boolean removed;

	private boolean draining;

	/** The next scheduled probe; owned by {@link ProbeScheduler}. */
	@Nullable ScheduledFuture<?> next;

	/** The probe handed to the scout and not handled yet; owned by {@link ProbeScheduler}. */
	@Nullable CompletableFuture<ProbeResult> inFlight;

	/** Whether its probe is due and waits for a free slot; owned by {@link ProbeScheduler}. */
	boolean waitingForSlot;

	/** Its place in the table's address order; owned by {@link EndpointTable}. */
	int position;

	/** Consecutive failed real calls; owned by {@link OutlierEjector}. */
	final AtomicInteger callFailures = new AtomicInteger();

	/** Calls in flight: counted up and down by any thread's picks ({@link CountedPick}). */
	final AtomicInteger callsInFlight = new AtomicInteger();

	private volatile EndpointState state;

	EndpointRecord(Endpoint endpoint, int rise, int fall) {
		this.endpoint = endpoint;
		this.tracker = new HealthTracker(rise, fall);
		this.state = new EndpointState(endpoint, HealthStatus.UNKNOWN, null, null, 0, 0, null, NOT_PROBED, List.of());
	}

	Endpoint endpoint() {
		return this.endpoint;
	}

	HealthStatus status() {
		return this.tracker.status();
	}

	/**
	 * Returns whether its health is between states: a healthy endpoint's probes began to fail,
	 * or an unhealthy one's to pass, and the threshold ({@code fall} or {@code rise}) is not met.
	 * @return {@code true} while a transition is undecided
	 */
	boolean betweenStates() {
		return this.tracker.betweenStates();
	}

	/**
	 * Returns whether a probe has ended for it.
	 * @return {@code false} while it awaits its first probe
	 */
	boolean probed() {
		return this.lastCheck != null;
	}

	boolean isRemoved() {
		return this.removed;
	}

	/**
	 * Returns the state readers see; any thread.
	 * @return the state
	 */
	EndpointState state() {
		return this.state;
	}

	/**
	 * Takes a new version of the same address (another weight or other attributes), keeping the health.
	 * @param replacement the endpoint as discovery now describes it
	 */
	void replace(Endpoint replacement) {
		this.endpoint = replacement;
		publish();
	}

	/**
	 * Marks it gone from discovery: it is no longer probed nor ejected.
	 */
	void remove() {
		this.removed = true;
	}

	/**
	 * Marks it as left discovery but still picked, or no longer so.
	 * @param draining whether it drains
	 */
	void draining(boolean draining) {
		this.draining = draining;
		publish();
	}

	/**
	 * Records the outcome of one probe.
	 * @param passed whether it passed
	 * @param latency how long it took
	 * @param detail what the scout saw or why it failed, or {@code null}
	 * @param now when it ended
	 * @return the transition it caused, or {@code null}
	 */
	@Nullable HealthTransition probed(boolean passed, Duration latency, @Nullable String detail, Instant now) {
		HealthStatus before = this.tracker.status();
		HealthStatus after = this.tracker.record(passed);
		this.lastCheck = now;
		this.latency = latency;
		this.lastError = passed ? null : ((detail != null) ? detail : "failed");
		HealthTransition transition = null;
		if (after != null) {
			transition = new HealthTransition(this.endpoint, before, after, cause(before, after, detail), now);
			remember(transition);
		}
		publish();
		return transition;
	}

	/**
	 * Takes it out of rotation because real calls to it failed.
	 * @param cause why, for the transition
	 * @param now when
	 * @return the transition, or {@code null} if it was not healthy
	 */
	@Nullable HealthTransition eject(String cause, Instant now) {
		if (this.removed || !this.tracker.eject()) {
			return null;
		}
		this.callFailures.set(0);
		HealthTransition transition = new HealthTransition(this.endpoint, HealthStatus.HEALTHY, HealthStatus.UNHEALTHY,
				cause, now);
		remember(transition);
		publish();
		return transition;
	}

	/**
	 * Makes it healthy without a probe (the scout {@code none}).
	 * @param cause why, for the transition
	 * @param now when
	 * @return the transition
	 */
	HealthTransition healthyUnprobed(String cause, Instant now) {
		HealthStatus before = this.tracker.status();
		this.tracker.force(HealthStatus.HEALTHY);
		HealthTransition transition = new HealthTransition(this.endpoint, before, HealthStatus.HEALTHY, cause, now);
		remember(transition);
		publish();
		return transition;
	}

	private String cause(HealthStatus before, HealthStatus after, @Nullable String detail) {
		String suffix = (detail != null) ? ": " + detail : "";
		if (before == HealthStatus.UNKNOWN) {
			return ((after == HealthStatus.HEALTHY) ? "first probe passed" : "first probe failed") + suffix;
		}
		if (after == HealthStatus.HEALTHY) {
			return this.tracker.successes() + " consecutive probe(s) passed" + suffix;
		}
		return this.tracker.failures() + " consecutive probe(s) failed" + suffix;
	}

	private void remember(HealthTransition transition) {
		if (this.recent.size() == MAX_TRANSITIONS) {
			this.recent.removeFirst();
		}
		this.recent.addLast(transition);
		this.transitions = List.copyOf(this.recent);
	}

	private void publish() {
		String cause;
		if (this.draining) {
			cause = DRAINING;
		}
		else {
			cause = this.recent.isEmpty() ? NOT_PROBED : this.recent.getLast().cause();
		}
		this.state = new EndpointState(this.endpoint, this.tracker.status(), this.lastCheck, this.latency,
				this.tracker.successes(), this.tracker.failures(), this.lastError, cause, this.transitions);
	}

	@Override
	public String toString() {
		return this.endpoint + " " + this.tracker.status();
	}

}
