package dev.clavier.listener;

/**
 * What a listener does when endpoints are discovered but none is healthy.
 */
public enum AllDownPolicy {

	/**
	 * {@link Listener#getEndpoint()} throws {@link NoHealthyEndpointException}; the default.
	 */
	FAIL,

	/**
	 * Pick among every discovered endpoint, as if health were ignored, until one is healthy
	 * again (logged once per episode). Suits backends that are more often up than their
	 * health checks say.
	 */
	ALL

}
