package dev.clavier.internal.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.listener.Listener;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Narrows what picks are made from to the listener's own zone, as Spring Cloud's
 * {@code ZonePreferenceServiceInstanceListSupplier} does: while at least one pickable endpoint is
 * in the zone, only those; when none is, every pickable one. An endpoint's zone is its attribute
 * {@value Endpoint#ZONE_ATTRIBUTE}, compared ignoring case (Spring Cloud's rule); an endpoint
 * without one is in no zone. Applied to whatever the publisher found pickable (healthy endpoints,
 * draining ones, or every discovered one under the all-down policy or ignored health), so it
 * composes with every filter and is worked out again on every change of health.
 * <p>
 * Confined to the engine's scheduler thread.
 */
final class ZonePreference {

	private static final Logger logger = LoggerFactory.getLogger(Listener.class);

	private final String name;

	private final @Nullable String zone;

	private final BooleanSupplier ready;

	/** Whether the last list had no endpoint in the zone, so picks spilled over to the others. */
	private boolean spilled;

	/**
	 * Creates the zone preference of one listener.
	 * @param name the listener's name
	 * @param zone the listener's zone, or {@code null} to prefer none
	 * @param ready whether the listener is ready: before, endpoints pass their first probes one
	 * by one, and a spill-over that lasts only until the zone's own pass is logged at DEBUG
	 */
	ZonePreference(String name, @Nullable String zone, BooleanSupplier ready) {
		this.name = name;
		this.zone = zone;
		this.ready = ready;
	}

	/**
	 * Returns the endpoints picks are made from.
	 * @param pickable the endpoints that may be picked, in a stable order
	 * @return those in the zone if there is at least one, else {@code pickable} itself
	 */
	List<Endpoint> prefer(List<Endpoint> pickable) {
		String zone = this.zone;
		if (zone == null || pickable.isEmpty()) {
			return pickable;
		}
		List<Endpoint> local = new ArrayList<>(pickable.size());
		for (Endpoint endpoint : pickable) {
			if (zone.equalsIgnoreCase(endpoint.zone())) {
				local.add(endpoint);
			}
		}
		if (local.isEmpty()) {
			// No zone match: every pickable endpoint, as Spring Cloud falls back to the delegate's list.
			if (!this.spilled) {
				this.spilled = true;
				if (this.ready.getAsBoolean()) {
					logger.warn("[{}] no pickable endpoint in zone {}; picking among {} in other zones", this.name, zone,
							pickable.size());
				}
				else {
					logger.debug("[{}] no pickable endpoint in zone {} yet; picking among {} in other zones", this.name,
							zone, pickable.size());
				}
			}
			return pickable;
		}
		if (this.spilled) {
			this.spilled = false;
			if (this.ready.getAsBoolean()) {
				logger.info("[{}] {} endpoint(s) in zone {} pickable again; picks stay in the zone", this.name,
						local.size(), zone);
			}
		}
		return (local.size() == pickable.size()) ? pickable : local;
	}

}
