package dev.clavier.scout;

import java.time.Duration;

import dev.clavier.model.ModelContext;

/**
 * What the engine gives a scout session: everything a {@link ModelContext} gives, and the
 * probe timeout. Thread-safe.
 */
public interface ScoutContext extends ModelContext {

	/**
	 * Returns how long a probe may take before it counts as failed. The engine enforces it: it
	 * fails a probe that has not completed in time ({@code timed out after 1s}) and cancels its
	 * future. A scout needs no deadline of its own; it may use this as its connect timeout.
	 * @return the timeout
	 */
	Duration timeout();

}
