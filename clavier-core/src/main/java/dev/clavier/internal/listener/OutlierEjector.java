package dev.clavier.internal.listener;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.clavier.endpoint.Ejection;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.HealthTransition;
import dev.clavier.listener.Listener;
import dev.clavier.listener.OutlierDetection;
import dev.clavier.model.Durations;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passive outlier detection, as Envoy's and gRPC's: counts failed real calls per endpoint,
 * reported from any thread, and when an endpoint fails the listener's threshold of consecutive
 * calls (or, if on, the failure-percentage rule) takes it out of rotation on the scheduler
 * thread for {@code base-ejection-time} times the number of times it was ejected, at most
 * {@code max-ejection-time}, or until a probe passes sooner. The count loses one for each base
 * ejection time the endpoint then stays in rotation (worked out at its next ejection, where
 * Envoy and gRPC decrement it on a 10 s timer). Calls may eject endpoints while the ejected
 * ones stay within {@code max-ejection-percent} of the discovered ones, and always one, as
 * Envoy does; an ejection the cap refuses starts the count again.
 * <p>
 * Counting is lock-free and, with the failure-percentage rule off and no failures, writes
 * nothing; ejections and their ends run on the scheduler thread.
 */
final class OutlierEjector {

	private static final Logger logger = LoggerFactory.getLogger(Listener.class);

	private final String name;

	private final int threshold;

	private final OutlierDetection detection;

	private final boolean probed;

	private final EndpointTable table;

	private final ScheduledExecutorService scheduler;

	private final Clock clock;

	private final Ejections ejections;

	/**
	 * Creates an ejector.
	 * @param name the listener's name, for logs
	 * @param threshold consecutive failed calls that eject an endpoint; 0 turns ejection off
	 * @param detection the ejection times, the cap and the failure-percentage rule
	 * @param probed whether the listener's endpoints are probed (its scout is not {@code none}),
	 * so that a passing probe may end an ejection
	 * @param table the listener's endpoints
	 * @param scheduler the engine's scheduler, where ejections and their ends run
	 * @param clock the clock for time stamps and the failure-percentage window
	 * @param ejections receives each ejection and its end, on the scheduler thread
	 */
	OutlierEjector(String name, int threshold, OutlierDetection detection, boolean probed, EndpointTable table,
			ScheduledExecutorService scheduler, Clock clock, Ejections ejections) {
		this.name = name;
		this.threshold = threshold;
		this.detection = detection;
		this.probed = probed;
		this.table = table;
		this.scheduler = scheduler;
		this.clock = clock;
		this.ejections = ejections;
	}

	/**
	 * Counts the outcome of a real call; any thread.
	 * @param endpoint the endpoint called
	 * @param success whether the call succeeded
	 * @param error why it failed, or {@code null}
	 */
	void report(Endpoint endpoint, boolean success, @Nullable String error) {
		if (this.threshold == 0) {
			return;
		}
		EndpointRecord record = this.table.find(endpoint);
		if (record == null) {
			return;
		}
		if (this.detection.failurePercentageEnabled()) {
			countInWindow(record, success, error);
		}
		if (success) {
			// Read before write: the common case (no failures) then costs no contended store.
			if (record.callFailures.get() != 0) {
				record.callFailures.set(0);
			}
			return;
		}
		if (record.callFailures.incrementAndGet() == this.threshold) {
			execute(() -> eject(record, this.threshold + " consecutive call(s) failed", error));
		}
	}

	private void countInWindow(EndpointRecord record, boolean success, @Nullable String error) {
		CallWindow window = record.callWindow.get();
		if (window == null) {
			CallWindow created = new CallWindow(this.detection.failurePercentageWindow());
			window = record.callWindow.compareAndSet(null, created) ? created : record.callWindow.get();
		}
		long now = this.clock.millis();
		window.record(now, !success);
		if (!success && window.exceeds(now, this.detection.failurePercentageThreshold(),
				this.detection.failurePercentageMinimumCalls()) && window.claim()) {
			CallWindow claimed = window;
			execute(() -> {
				try {
					eject(record, "at least " + this.detection.failurePercentageThreshold() + "% of "
							+ this.detection.failurePercentageMinimumCalls() + " or more calls within "
							+ Durations.format(this.detection.failurePercentageWindow()) + " failed", error);
				}
				finally {
					claimed.release();
				}
			});
		}
	}

	private void eject(EndpointRecord record, String reason, @Nullable String error) {
		if (record.isRemoved() || record.isEjected()) {
			// Calls picked before the ejection was published: they count for nothing.
			record.callFailures.set(0);
			return;
		}
		if (!mayEject()) {
			// Counted again from zero: the cap is checked anew after as many failures.
			record.callFailures.set(0);
			CallWindow window = record.callWindow.get();
			if (window != null) {
				window.clear();
			}
			logger.debug("[{}] {} not ejected ({}): {}% of the endpoints at most may be ejected", this.name,
					record.endpoint(), reason, this.detection.maxEjectionPercent());
			return;
		}
		Instant now = this.clock.instant();
		int times = decayedEjections(record, now) + 1;
		Duration time = this.detection.ejectionTime(times);
		HealthTransition transition = record.eject(reason + ((error != null) ? ": " + error : "")
				+ "; out of rotation for " + Durations.format(time) + " (ejection " + times + ")"
				+ (this.probed ? " or until a probe passes" : ""), now);
		if (transition == null) {
			// Not healthy (unhealthy by its probes, or not probed yet): counted again from zero,
			// so that it can be ejected once healthy.
			record.callFailures.set(0);
			return;
		}
		record.ejections = times;
		Ejection ejection = new Ejection(now.plus(time), times, reason);
		ScheduledFuture<?> end;
		try {
			end = this.scheduler.schedule(() -> end(record, ejection, time), time.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// The engine is closing.
			return;
		}
		record.ejection(ejection, end);
		this.ejections.ejected(record, transition, ejection);
	}

	/**
	 * Returns whether one more endpoint may be ejected: none is, or the ejected ones would stay
	 * within the cap (Envoy's rule, which always lets one go).
	 */
	private boolean mayEject() {
		int ejected = 0;
		for (EndpointRecord record : this.table.records()) {
			if (record.isEjected()) {
				ejected++;
			}
		}
		return ejected == 0 || (ejected + 1) * 100L <= (long) this.detection.maxEjectionPercent() * this.table.size();
	}

	/**
	 * Returns how many times an endpoint counts as ejected before this ejection: its count less
	 * one per base ejection time since its last ejection ended.
	 */
	private int decayedEjections(EndpointRecord record, Instant now) {
		Instant ended = record.ejectionEnded;
		if (record.ejections == 0 || ended == null) {
			return record.ejections;
		}
		long periods = Duration.between(ended, now).dividedBy(this.detection.baseEjectionTime());
		return (int) Math.max(0, record.ejections - periods);
	}

	private void end(EndpointRecord record, Ejection ejection, Duration time) {
		HealthTransition transition = record.endEjection(ejection,
				"ejection of " + Durations.format(time) + " ended (ejection " + ejection.times() + ")",
				this.clock.instant());
		this.ejections.ended(record, transition);
	}

	private void execute(Runnable task) {
		try {
			this.scheduler.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// The engine is closing.
		}
	}

	/**
	 * Receives ejections and their ends, on the scheduler thread.
	 */
	interface Ejections {

		/**
		 * Called when an endpoint was ejected.
		 * @param record the endpoint
		 * @param transition its transition to UNHEALTHY
		 * @param ejection how long and how many times
		 */
		void ejected(EndpointRecord record, HealthTransition transition, Ejection ejection);

		/**
		 * Called when an ejection's time is up.
		 * @param record the endpoint
		 * @param transition its transition back to HEALTHY, or {@code null} if it stays unhealthy
		 * because its probes failed meanwhile, or had already returned
		 */
		void ended(EndpointRecord record, @Nullable HealthTransition transition);

	}

}
