package dev.clavier.internal.listener;

import org.jspecify.annotations.Nullable;

/**
 * Envoy's panic threshold: when fewer than a share of a listener's endpoints are healthy, the
 * few healthy ones would take every call and likely fall too, so picks spread over every
 * discovered endpoint instead. The share counts probed endpoints only: one not probed yet (at
 * start-up, or a new one) is neither healthy nor unhealthy, so a listener never panics before
 * its first probes. With zero healthy endpoints the panic threshold, when set, decides before
 * the all-down policy.
 */
final class PanicThreshold {

	private PanicThreshold() {
	}

	/**
	 * Returns why the listener panics, or {@code null} if it does not.
	 * @param threshold the share in percent, 0 for off
	 * @param healthy how many discovered endpoints are healthy
	 * @param probed how many discovered endpoints have been probed (healthy or unhealthy)
	 * @return the reason, for the selection and the actuator, or {@code null}
	 */
	static @Nullable String reason(int threshold, int healthy, int probed) {
		if (threshold == 0 || probed == 0 || (long) healthy * 100 >= (long) threshold * probed) {
			return null;
		}
		return "panic: " + healthy + " of " + probed + " probed endpoint(s) healthy, below the panic threshold of "
				+ threshold + "%";
	}

}
