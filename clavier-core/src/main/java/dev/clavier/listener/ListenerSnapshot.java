package dev.clavier.listener;

import java.util.List;
import java.util.Objects;

import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;
import org.jspecify.annotations.Nullable;

/**
 * One moment of a listener: what picks are made from, every endpoint's state, what discovery
 * last did, and the configuration. A listener publishes a new snapshot whole when any of it
 * changes, behind one volatile reference ({@link Listener#snapshot()}), so a reader that
 * shows several of these (a dashboard, a health check, a meter) always shows one moment.
 * Immutable and thread-safe.
 *
 * @param name the listener's name
 * @param config the listener's configuration
 * @param selection what picks are made from at this moment
 * @param endpoints every discovered endpoint with its health, in address order, and the
 * draining ones (see {@link Listener}) with a cause starting "left discovery"
 * @param discovery what discovery last did
 * @param ready whether the first discovery answered and every endpoint it found was probed once
 * @param closed whether the listener was removed or its engine closed
 */
public record ListenerSnapshot(String name, ListenerConfig config, Selection selection, List<EndpointState> endpoints,
		DiscoveryState discovery, boolean ready, boolean closed) {

	/**
	 * Creates a snapshot.
	 */
	public ListenerSnapshot {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(config, "config");
		Objects.requireNonNull(selection, "selection");
		endpoints = List.copyOf(endpoints);
		Objects.requireNonNull(discovery, "discovery");
	}

	/**
	 * Returns whether picks are made among every discovered endpoint because none is healthy
	 * (the all-down policy {@link AllDownPolicy#ALL}) or too few are (the panic threshold).
	 * @return {@code true} in that fallback
	 */
	public boolean isFallback() {
		return this.selection.isFallback();
	}

	/**
	 * Returns why picks are made among every discovered endpoint, healthy or not: none is healthy
	 * (the all-down policy), or fewer than the panic threshold are.
	 * @return the reason, or {@code null} when picks use healthy endpoints only
	 */
	public @Nullable String fallbackReason() {
		return this.selection.fallbackReason();
	}

	/**
	 * Returns how many endpoints have a status.
	 * @param status the status
	 * @return the count
	 */
	public int count(HealthStatus status) {
		int count = 0;
		for (EndpointState state : this.endpoints) {
			if (state.status() == status) {
				count++;
			}
		}
		return count;
	}

}
