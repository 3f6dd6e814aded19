package dev.clavier.internal.listener;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.model.Durations;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps endpoints that left discovery while healthy pickable for a short while. When discovery
 * replaces endpoints (a DNS answer moving from one address to another), the old ones leave at
 * once and the new ones are UNKNOWN until their first probe, which would leave nothing to pick
 * for a few milliseconds. So endpoints that leave discovery while HEALTHY stay pickable
 * ("draining", never probed again) when without them no discovered endpoint would be healthy
 * while some still await their first probe; they go when one becomes healthy, when none awaits
 * its first probe any more, or one probe timeout after they left.
 * <p>
 * Confined to the engine's scheduler thread.
 */
final class DrainingPolicy {

	private static final Logger logger = LoggerFactory.getLogger(Listener.class);

	private final String name;

	private final ListenerConfig config;

	private final boolean probing;

	private final ScheduledExecutorService scheduler;

	private final Runnable ended;

	/** Endpoints that left discovery while healthy and are still picked. */
	private final TreeMap<Endpoint, EndpointRecord> draining = new TreeMap<>(EndpointTable.ADDRESS_ORDER);

	/** The discovered endpoints awaiting their first probe while endpoints drain. */
	private final Set<EndpointRecord> waitsFor = new HashSet<>();

	private @Nullable ScheduledFuture<?> timer;

	/** Counts draining episodes, so that the timer of an ended one does nothing. */
	private long episode;

	private boolean closed;

	/**
	 * Creates the policy of one listener.
	 * @param name the listener's name
	 * @param config the listener's configuration
	 * @param probing whether the listener probes (draining only makes sense then)
	 * @param scheduler the engine's scheduler, for the deadline
	 * @param ended runs when a draining ends outside a table change (the snapshot must change)
	 */
	DrainingPolicy(String name, ListenerConfig config, boolean probing, ScheduledExecutorService scheduler,
			Runnable ended) {
		this.name = name;
		this.config = config;
		this.probing = probing;
		this.scheduler = scheduler;
		this.ended = ended;
	}

	/**
	 * Returns the endpoints draining now, in address order.
	 * @return the records
	 */
	Collection<EndpointRecord> draining() {
		return this.draining.values();
	}

	boolean isEmpty() {
		return this.draining.isEmpty();
	}

	/**
	 * Starts or extends a draining after the table changed.
	 * @param change what the discovery answer changed
	 * @param table the table after it
	 */
	void tableChanged(EndpointTable.Change change, EndpointTable table) {
		for (EndpointRecord record : change.removed()) {
			this.waitsFor.remove(record);
		}
		if (!this.draining.isEmpty() && this.probing) {
			// The set changed again during the draining: wait for the newcomers' first probes too.
			this.waitsFor.addAll(change.added());
		}
		List<EndpointRecord> removedHealthy = new ArrayList<>();
		for (EndpointRecord record : change.removed()) {
			if (record.status() == HealthStatus.HEALTHY) {
				removedHealthy.add(record);
			}
		}
		if (!removedHealthy.isEmpty() && this.probing && !this.config.ignoreHealth() && !this.closed) {
			List<EndpointRecord> awaiting = new ArrayList<>();
			boolean healthy = false;
			for (EndpointRecord record : table.records()) {
				if (record.status() == HealthStatus.HEALTHY) {
					healthy = true;
					break;
				}
				// Endpoints outside the subset are never probed: none is awaited.
				if (!record.probed() && record.inSubset()) {
					awaiting.add(record);
				}
			}
			if (!healthy && !awaiting.isEmpty()) {
				start(removedHealthy, awaiting);
				return;
			}
		}
		if (!this.draining.isEmpty() && this.waitsFor.isEmpty()) {
			stop("none awaits its first probe any more", false);
		}
	}

	private void start(List<EndpointRecord> removedHealthy, List<EndpointRecord> awaiting) {
		boolean started = this.draining.isEmpty();
		for (EndpointRecord record : removedHealthy) {
			record.draining(true);
			this.draining.put(record.endpoint(), record);
		}
		this.waitsFor.addAll(awaiting);
		if (started) {
			// The deadline is not moved by later changes: an endpoint is never picked longer
			// than one probe timeout after discovery dropped it.
			long current = ++this.episode;
			this.timer = this.scheduler.schedule(() -> {
				if (this.episode == current && !this.closed) {
					stop("none passed within " + Durations.format(this.config.timeout()), true);
				}
			}, this.config.timeout().toNanos(), TimeUnit.NANOSECONDS);
		}
		logger.info("[{}] still picking {} (left discovery, no longer probed) until one of {} passes its first probe, "
				+ "at most {}: no discovered endpoint is healthy yet", this.name,
				Endpoints.truncate(List.copyOf(this.draining.keySet())), Endpoints.truncate(sorted(this.waitsFor)),
				Durations.format(this.config.timeout()));
	}

	/**
	 * Ends the draining when a probe decides it.
	 * @param record the endpoint probed
	 * @param after its new status, or {@code null} if it did not change
	 */
	void probed(EndpointRecord record, @Nullable HealthStatus after) {
		if (this.draining.isEmpty()) {
			return;
		}
		if (after == HealthStatus.HEALTHY) {
			stop(record.endpoint() + " is healthy", true);
		}
		else if (this.waitsFor.remove(record) && this.waitsFor.isEmpty()) {
			stop("no endpoint that awaited its first probe passed it", true);
		}
	}

	/**
	 * Ends any draining, as the listener closes.
	 */
	void close() {
		this.closed = true;
		this.draining.clear();
		this.waitsFor.clear();
		if (this.timer != null) {
			this.timer.cancel(false);
		}
	}

	private void stop(String reason, boolean publish) {
		if (this.draining.isEmpty()) {
			return;
		}
		List<Endpoint> dropped = List.copyOf(this.draining.keySet());
		this.draining.clear();
		this.waitsFor.clear();
		if (this.timer != null) {
			this.timer.cancel(false);
			this.timer = null;
		}
		this.episode++;
		logger.info("[{}] no longer picking {}, which left discovery: {}", this.name, Endpoints.truncate(dropped), reason);
		if (publish) {
			this.ended.run();
		}
	}

	private static List<Endpoint> sorted(Set<EndpointRecord> records) {
		List<Endpoint> endpoints = new ArrayList<>(records.size());
		for (EndpointRecord record : records) {
			endpoints.add(record.endpoint());
		}
		endpoints.sort(EndpointTable.ADDRESS_ORDER);
		return endpoints;
	}

}
