package dev.clavier.endpoint;

/**
 * How an endpoint's health is learnt, as dashboards show it.
 */
public enum ProbeMode {

	/**
	 * Asked at every interval (fast or down interval between and out of states).
	 */
	POLL,

	/**
	 * Watched: the endpoint pushes its status over one open stream (gRPC {@code Health/Watch}).
	 */
	WATCH,

	/**
	 * Not probed: the listener's scout is {@code none}.
	 */
	NONE

}
