package dev.clavier.discovery;

import java.util.concurrent.ScheduledExecutorService;

/**
 * What the engine gives a discovery session: the listener's name and an executor for
 * callbacks and timers. Thread-safe.
 */
public interface DiscoveryContext {

	/**
	 * Returns the listener's name (the default DNS name to resolve).
	 * @return the listener's name
	 */
	String listenerName();

	/**
	 * Returns the engine's scheduler, for short callbacks and timers only: never block on it.
	 * @return the scheduler
	 */
	ScheduledExecutorService executor();

}
