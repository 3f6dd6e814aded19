package dev.clavier.internal.listener;

import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.HealthTransition;
import org.jspecify.annotations.Nullable;

/**
 * Passive outlier detection: counts consecutive failed real calls per endpoint, reported from
 * any thread, and after the listener's threshold takes the endpoint out of rotation on the
 * scheduler thread, until its next passing probe. Counting is lock-free and, in the common case
 * of no failures, writes nothing.
 */
final class OutlierEjector {

	private final int threshold;

	private final EndpointTable table;

	private final Executor scheduler;

	private final Clock clock;

	private final Ejections ejections;

	/**
	 * Creates an ejector.
	 * @param threshold consecutive failed calls that eject an endpoint; 0 turns ejection off
	 * @param table the listener's endpoints
	 * @param scheduler the engine's scheduler, where ejections run
	 * @param clock the clock for time stamps
	 * @param ejections receives each ejection, on the scheduler thread
	 */
	OutlierEjector(int threshold, EndpointTable table, Executor scheduler, Clock clock, Ejections ejections) {
		this.threshold = threshold;
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
		if (success) {
			// Read before write: the common case (no failures) then costs no contended store.
			if (record.callFailures.get() != 0) {
				record.callFailures.set(0);
			}
			return;
		}
		if (record.callFailures.incrementAndGet() == this.threshold) {
			try {
				this.scheduler.execute(() -> eject(record, error));
			}
			catch (RejectedExecutionException ex) {
				// The engine is closing.
			}
		}
	}

	private void eject(EndpointRecord record, @Nullable String error) {
		HealthTransition transition = record.eject(this.threshold + " consecutive call(s) failed"
				+ ((error != null) ? ": " + error : "") + "; out of rotation until a probe passes", this.clock.instant());
		if (transition != null) {
			this.ejections.ejected(record, transition);
		}
	}

	/**
	 * Receives ejections, on the scheduler thread.
	 */
	interface Ejections {

		/**
		 * Called when an endpoint was ejected.
		 * @param record the endpoint
		 * @param transition its transition to UNHEALTHY
		 */
		void ejected(EndpointRecord record, HealthTransition transition);

	}

}
