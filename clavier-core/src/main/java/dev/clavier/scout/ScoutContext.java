package dev.clavier.scout;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the engine gives a scout session: the listener's name, the probe timeout and an
 * executor for callbacks and timers. Thread-safe.
 */
public interface ScoutContext {

	/**
	 * Returns the listener's name.
	 * @return the listener's name
	 */
	String listenerName();

	/**
	 * Returns how long a probe may take before it counts as failed.
	 * @return the timeout
	 */
	Duration timeout();

	/**
	 * Returns the engine's scheduler, for short callbacks and timers only: never block on it.
	 * @return the scheduler
	 */
	ScheduledExecutorService executor();

}
