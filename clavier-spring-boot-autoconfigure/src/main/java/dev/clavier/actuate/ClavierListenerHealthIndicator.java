package dev.clavier.actuate;

import java.util.List;
import java.util.Objects;

import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.listener.DiscoveryState;
import dev.clavier.listener.Listener;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health of one Clavier {@link Listener}: {@code UP} when at least one of its endpoints is
 * healthy, {@code DOWN} when none is (discovery found nothing, failed, or every endpoint failed
 * its probes), and {@code UNKNOWN} while the listener starts (discovery has not answered yet, or
 * no endpoint has been probed yet). Details: {@code healthy}, {@code unhealthy}, {@code unknown}
 * and {@code total} endpoint counts, {@code fallback} (whether picks fall back to every
 * discovered endpoint because none is healthy), {@code discovery} (the discovery model) and,
 * when discovery last failed, {@code discoveryError}.
 * <p>
 * Reads the listener's snapshots only, never probes. Thread-safe.
 */
public final class ClavierListenerHealthIndicator implements HealthIndicator {

	private final Listener listener;

	/**
	 * Creates an indicator for the given listener.
	 * @param listener the listener
	 */
	public ClavierListenerHealthIndicator(Listener listener) {
		this.listener = Objects.requireNonNull(listener, "listener");
	}

	@Override
	public Health health() {
		List<EndpointState> states = this.listener.endpoints();
		DiscoveryState discovery = this.listener.discoveryState();
		int healthy = 0;
		int unhealthy = 0;
		for (EndpointState state : states) {
			if (state.status() == HealthStatus.HEALTHY) {
				healthy++;
			}
			else if (state.status() == HealthStatus.UNHEALTHY) {
				unhealthy++;
			}
		}
		int unknown = states.size() - healthy - unhealthy;
		Health.Builder builder;
		if (healthy > 0) {
			builder = Health.up();
		}
		else if (isStarting(states, unknown, discovery)) {
			builder = Health.unknown();
		}
		else {
			builder = Health.down();
		}
		builder.withDetail("healthy", healthy)
			.withDetail("unhealthy", unhealthy)
			.withDetail("unknown", unknown)
			.withDetail("total", states.size())
			.withDetail("fallback", this.listener.selection().isFallback())
			.withDetail("discovery", discovery.model());
		if (discovery.lastError() != null) {
			builder.withDetail("discoveryError", discovery.lastError());
		}
		return builder.build();
	}

	private static boolean isStarting(List<EndpointState> states, int unknown, DiscoveryState discovery) {
		if (states.isEmpty()) {
			// Nothing discovered: still waiting for the first answer, unless discovery answered or failed.
			return discovery.lastRefresh() == null && discovery.lastError() == null;
		}
		// Every endpoint is waiting for its first probe.
		return unknown == states.size();
	}

	@Override
	public String toString() {
		return "ClavierListenerHealthIndicator[" + this.listener.name() + "]";
	}

}
