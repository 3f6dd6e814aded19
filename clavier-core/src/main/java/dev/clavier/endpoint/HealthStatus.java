package dev.clavier.endpoint;

/**
 * The health of one endpoint as the scout sees it.
 */
public enum HealthStatus {

	/**
	 * Discovered, no probe has answered yet.
	 */
	UNKNOWN,

	/**
	 * The last {@code rise} probes succeeded (or the very first one did).
	 */
	HEALTHY,

	/**
	 * The last {@code fall} probes failed (or the very first one did).
	 */
	UNHEALTHY

}
