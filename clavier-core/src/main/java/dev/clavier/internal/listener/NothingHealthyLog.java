package dev.clavier.internal.listener;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.clavier.endpoint.HealthStatus;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerSnapshot;
import dev.clavier.listener.NoHealthyEndpointException;

/**
 * Logs once when a listener's endpoints are all probed and none can be picked (all-down policy
 * {@code fail}), with the reason callers get from {@link NoHealthyEndpointException}, and once
 * when one can be picked again; the {@code all} policy's fallback logs its own lines. Endpoints
 * still awaiting their first probe postpone the warning, so that start-up is not reported as
 * an outage. Confined to the scheduler thread.
 */
final class NothingHealthyLog {

	private static final Logger logger = LoggerFactory.getLogger(Listener.class);

	// Confined to the scheduler thread: whether the warning was logged and no pick is possible yet.
	private boolean down;

	/**
	 * Looks at a snapshot just published; cheap unless nothing can be picked.
	 * @param snapshot the snapshot
	 */
	void published(ListenerSnapshot snapshot) {
		boolean nothingToPick = snapshot.selection().isEmpty();
		if (this.down) {
			if (!nothingToPick) {
				this.down = false;
				logger.info("[{}] {} endpoint(s) healthy again; calls go through", snapshot.name(),
						snapshot.selection().size());
			}
			return;
		}
		if (nothingToPick && !snapshot.endpoints().isEmpty() && snapshot.count(HealthStatus.UNKNOWN) == 0) {
			this.down = true;
			logger.warn("{}; calls fail until one passes its probes (all-down policy: fail)",
					NoHealthyEndpointException.of(snapshot).getMessage());
		}
	}

}
