package dev.clavier.internal.listener;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.clavier.endpoint.Ejection;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.endpoint.HealthTransition;
import dev.clavier.endpoint.ProbeMode;
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
 * {@link #callFailures}, {@link #callWindow} (atomic, counted by any thread that reports calls)
 * and {@link #callsInFlight} (atomic, counted by any thread that picks). The probe fields belong
 * to {@link ProbeScheduler}, the ejection counts to {@link OutlierEjector}.
 */
final class EndpointRecord {

	/** Transitions kept per endpoint, for dashboards. */
	private static final int MAX_TRANSITIONS = 10;

	private static final String NOT_PROBED = "discovered, not probed yet";

	private static final String DRAINING = "left discovery; still picked, no longer probed, until a new endpoint passes "
			+ "its first probe";

	private static final String OUTSIDE_SUBSET = "outside this instance's subset: neither probed nor picked";

	private Endpoint endpoint;

	private final HealthTracker tracker;


	private final ArrayDeque<HealthTransition> recent = new ArrayDeque<>();

	private List<HealthTransition> transitions = List.of();

	private @Nullable Instant lastCheck;

	private @Nullable Duration latency;

	private @Nullable String lastError;

	private boolean removed;

	private boolean draining;

	/** Whether it is in this instance's subset; owned by {@link SubsetPolicy}. */
	private boolean inSubset = true;

	/** The next scheduled probe; owned by {@link ProbeScheduler}. */
	@Nullable ScheduledFuture<?> next;

	/** The probe handed to the scout and not handled yet; owned by {@link ProbeScheduler}. */
	@Nullable CompletableFuture<ProbeResult> inFlight;

	/** Whether its probe is due and waits for a free slot; owned by {@link ProbeScheduler}. */
	boolean waitingForSlot;

	/** Its watch stream, while it is watched; owned by {@link ProbeWatches}. */
	ProbeWatches.@Nullable Stream watch;

	private ProbeMode probeMode = ProbeMode.POLL;

	private @Nullable String probeModeReason;

	private @Nullable Instant nextProbe;

	/** Its place in the table's address order; owned by {@link EndpointTable}. */
	int position;

	/** Share of its weight picks give it while slow start ramps it up, else 1; owned by {@link SlowStartRamp}. */
	private double rampFactor = 1.0;

	/** Consecutive failed real calls; owned by {@link OutlierEjector}. */
	final AtomicInteger callFailures = new AtomicInteger();

	/** Calls and failures of the failure-percentage window, made on first use; owned by {@link OutlierEjector}. */
	final AtomicReference<@Nullable CallWindow> callWindow = new AtomicReference<>();

	/** How many times it was ejected, before decay; owned by {@link OutlierEjector}. */
	int ejections;

	/** When its last ejection ended, or {@code null}; owned by {@link OutlierEjector}. */
	@Nullable Instant ejectionEnded;

	/** The current ejection, shown while the tracker says it is ejected. */
	private @Nullable Ejection ejection;

	/** Ends the current ejection when its time is up. */
	private @Nullable ScheduledFuture<?> ejectionEnd;
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
	 * Returns the share of its weight picks give it: below 1 while slow start ramps it up.
	 * @return the factor, in [0, 1]
	 */
	double rampFactor() {
		return this.rampFactor;
	}

	/**
	 * Sets the share of its weight picks give it, shown as its effective weight.
	 * @param rampFactor the factor, in [0, 1]; 1 when it does not ramp
	 */
	void rampFactor(double rampFactor) {
		if (rampFactor != this.rampFactor) {
			this.rampFactor = rampFactor;
			publish();
		}
	}

	/**
	 * Marks it gone from discovery: it is no longer probed nor ejected.
	 */
	void remove() {
		this.removed = true;
		cancelEjectionEnd();
	}

	/**
	 * Returns whether it is in this instance's subset, so probed and picked.
	 * @return {@code true} unless subsetting left it out
	 */
	boolean inSubset() {
		return this.inSubset;
	}

	/**
	 * Puts it in this instance's subset or takes it out. Out, it forgets its health (no probe
	 * keeps it current): back in, its next probe decides, as a first probe does.
	 * @param in whether it is in the subset
	 */
	void subset(boolean in) {
		this.inSubset = in;
		if (!in) {
			this.tracker.force(HealthStatus.UNKNOWN);
			this.lastCheck = null;
			this.latency = null;
			this.lastError = null;
			this.callFailures.set(0);
		}
		publish();
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
		return recorded(before, after, passed, latency, detail, now, false);
	}

	/**
	 * Records a status the endpoint pushed over its watch: a failing one takes it out at once,
	 * passing ones count as passed probes.
	 * @param passed whether it passed
	 * @param latency how long the watch took to report its first status
	 * @param detail what the endpoint said, or {@code null}
	 * @param now when it arrived
	 * @return the transition it caused, or {@code null}
	 */
	@Nullable HealthTransition pushed(boolean passed, Duration latency, @Nullable String detail, Instant now) {
		HealthStatus before = this.tracker.status();
		HealthStatus after = passed ? this.tracker.record(true) : this.tracker.failNow();
		return recorded(before, after, passed, latency, detail, now, !passed);
	}

	/**
	 * Sets how it is probed, and why when that is not what the scout was configured for.
	 * @param mode the mode
	 * @param reason why, or {@code null}
	 */
	void probeMode(ProbeMode mode, @Nullable String reason) {
		this.probeMode = mode;
		this.probeModeReason = reason;
		publish();
	}

	/**
	 * Sets when it is next probed.
	 * @param at when, or {@code null} if nothing is scheduled
	 * @return whether that changed what readers see
	 */
	boolean nextProbe(@Nullable Instant at) {
		if (Objects.equals(this.nextProbe, at)) {
			return false;
		}
		this.nextProbe = at;
		publish();
		return true;
	}

	private @Nullable HealthTransition recorded(HealthStatus before, @Nullable HealthStatus after, boolean passed,
			Duration latency, @Nullable String detail, Instant now, boolean pushedFailure) {
		this.lastCheck = now;
		this.latency = latency;
		this.lastError = passed ? null : ((detail != null) ? detail : "failed");
		if (this.ejection != null && !this.tracker.ejected()) {
			// A passing probe ended the ejection sooner.
			ejectionOver(now);
		}
		HealthTransition transition = null;
		if (after != null) {
			transition = new HealthTransition(this.endpoint, before, after,
					cause(before, after, detail, pushedFailure), now);
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
		CallWindow window = this.callWindow.get();
		if (window != null) {
			window.clear();
		}
		HealthTransition transition = new HealthTransition(this.endpoint, HealthStatus.HEALTHY, HealthStatus.UNHEALTHY,
				cause, now);
		remember(transition);
		publish();
		return transition;
	}

	/**
	 * Returns whether real calls took it out of rotation and it has not returned.
	 * @return {@code true} while ejected
	 */
	boolean isEjected() {
		return this.tracker.ejected();
	}

	/**
	 * Notes the ejection just made by {@link #eject} and when it ends, and shows it.
	 * @param ejection the ejection
	 * @param end the task that ends it
	 */
	void ejection(Ejection ejection, ScheduledFuture<?> end) {
		cancelEjectionEnd();
		this.ejection = ejection;
		this.ejectionEnd = end;
		publish();
	}

	/**
	 * Ends an ejection whose time is up: healthy again, unless its probes failed {@code fall}
	 * times in a row meanwhile.
	 * @param ejection the ejection that ends, so that a later one is left alone
	 * @param cause why, for the transition
	 * @param now when
	 * @return the transition to HEALTHY, or {@code null} if none
	 */
	@Nullable HealthTransition endEjection(Ejection ejection, String cause, Instant now) {
		if (this.removed || this.ejection != ejection) {
			return null;
		}
		this.ejectionEnd = null;
		boolean healthy = this.tracker.endEjection();
		ejectionOver(now);
		if (!healthy) {
			publish();
			return null;
		}
		HealthTransition transition = new HealthTransition(this.endpoint, HealthStatus.UNHEALTHY, HealthStatus.HEALTHY,
				cause, now);
		remember(transition);
		publish();
		return transition;
	}

	private void ejectionOver(Instant now) {
		this.ejection = null;
		this.ejectionEnded = now;
		// Failures of calls made while it was out belong to that ejection.
		this.callFailures.set(0);
		cancelEjectionEnd();
	}

	private void cancelEjectionEnd() {
		ScheduledFuture<?> end = this.ejectionEnd;
		if (end != null) {
			this.ejectionEnd = null;
			end.cancel(false);
		}
	}

	/**
	 * Makes it healthy without a probe (the scout {@code none}).
	 * @param cause why, for the transition
	 * @param now when
	 * @return the transition
	 */
	/**
	 * Starts this new record where a replaced listener's endpoint of the same address was: its
	 * status, last probe and transitions, so that a listener changed at run time keeps the health
	 * of the endpoints it keeps. Its next probe then counts from that status (a HEALTHY one needs
	 * {@code fall} failures to leave rotation, not one).
	 * @param previous the endpoint's state in the replaced listener, HEALTHY or UNHEALTHY
	 */
	void seed(EndpointState previous) {
		this.tracker.force(previous.status());
		this.lastCheck = previous.lastCheck();
		this.latency = previous.latency();
		this.lastError = previous.lastError();
		this.recent.addAll(previous.transitions());
		while (this.recent.size() > MAX_TRANSITIONS) {
			this.recent.removeFirst();
		}
		this.transitions = List.copyOf(this.recent);
		publish();
	}

	HealthTransition healthyUnprobed(String cause, Instant now) {
		HealthStatus before = this.tracker.status();
		this.probeMode = ProbeMode.NONE;
		this.tracker.force(HealthStatus.HEALTHY);
		if (this.ejection != null) {
			ejectionOver(now);
		}
		HealthTransition transition = new HealthTransition(this.endpoint, before, HealthStatus.HEALTHY, cause, now);
		remember(transition);
		publish();
		return transition;
	}

	private String cause(HealthStatus before, HealthStatus after, @Nullable String detail, boolean pushedFailure) {
		String suffix = (detail != null) ? ": " + detail : "";
		if (pushedFailure) {
			return "watch stream reported" + ((detail != null) ? " " + detail : " a failure");
		}
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
		else if (!this.inSubset) {
			cause = OUTSIDE_SUBSET;
		}
		else {
			cause = this.recent.isEmpty() ? NOT_PROBED : this.recent.getLast().cause();
		}
		this.state = new EndpointState(this.endpoint, this.tracker.status(), this.lastCheck, this.latency,
				this.tracker.successes(), this.tracker.failures(), this.lastError, cause, this.transitions,
				this.tracker.ejected() ? this.ejection : null, this.inSubset, this.probeMode, this.probeModeReason,
				this.nextProbe, this.endpoint.weight() * this.rampFactor);
	}

	@Override
	public String toString() {
		return this.endpoint + " " + this.tracker.status();
	}

}
