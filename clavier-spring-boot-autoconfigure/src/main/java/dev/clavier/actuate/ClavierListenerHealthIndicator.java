package dev.clavier.actuate;

import java.util.Objects;

import dev.clavier.endpoint.HealthStatus;
import dev.clavier.listener.DiscoveryState;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerSnapshot;
import dev.clavier.listener.NoHealthyEndpointException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health of one Clavier {@link Listener}: {@code UP} when at least one of its endpoints is
 * healthy, {@code DOWN} when none is (discovery found nothing, failed, or every endpoint failed
 * its probes), and {@code UNKNOWN} while the listener starts (discovery has not answered yet, or
 * no endpoint has been probed yet). Details: {@code healthy}, {@code unhealthy}, {@code unknown}
 * and {@code total} endpoint counts, {@code fallback} (whether picks fall back to every
 * discovered endpoint because none is healthy), {@code discovery} (the discovery model),
 * when discovery last failed, {@code discoveryError}, and, when {@code DOWN}, {@code reason}: why
 * nothing is healthy, in the words of {@link NoHealthyEndpointException} (endpoints per status
 * and their last errors, or what discovery answered).
 * <p>
 * Each health check reads one {@link Listener#snapshot()} and derives every detail from it, so
 * the status and the details always show one moment; it never probes. Thread-safe.
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
		ListenerSnapshot snapshot = this.listener.snapshot();
		DiscoveryState discovery = snapshot.discovery();
		int total = snapshot.endpoints().size();
		int healthy = snapshot.count(HealthStatus.HEALTHY);
		int unhealthy = snapshot.count(HealthStatus.UNHEALTHY);
		int unknown = snapshot.count(HealthStatus.UNKNOWN);
		Health.Builder builder;
		if (healthy > 0) {
			builder = Health.up();
		}
		else if (isStarting(total, unknown, discovery)) {
			builder = Health.unknown();
		}
		else {
			builder = Health.down();
		}
		builder.withDetail("healthy", healthy)
			.withDetail("unhealthy", unhealthy)
			.withDetail("unknown", unknown)
			.withDetail("total", total)
			.withDetail("fallback", snapshot.isFallback())
			.withDetail("discovery", discovery.model());
		if (discovery.lastError() != null) {
			builder.withDetail("discoveryError", discovery.lastError());
		}
		if (healthy == 0 && !isStarting(total, unknown, discovery)) {
			// The words a caller's failed pick carries, so that health and errors tell one story.
			builder.withDetail("reason", NoHealthyEndpointException.of(snapshot).getMessage());
		}
		return builder.build();
	}

	private static boolean isStarting(int total, int unknown, DiscoveryState discovery) {
		if (total == 0) {
			// Nothing discovered: still waiting for the first answer, unless discovery answered or failed.
			return discovery.lastRefresh() == null && discovery.lastError() == null;
		}
		// Every endpoint is waiting for its first probe.
		return unknown == total;
	}

	@Override
	public String toString() {
		return "ClavierListenerHealthIndicator[" + this.listener.name() + "]";
	}

}
