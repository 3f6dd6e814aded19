package dev.clavier.scout;

import java.time.Duration;

import dev.clavier.model.ModelContext;

/**
 * What the engine gives a scout session: everything a {@link ModelContext} gives, and the
 * probe timeout. Thread-safe.
 */
public interface ScoutContext extends ModelContext {

	/**
	 * Returns how long a probe may take before it counts as failed.
	 * @return the timeout
	 */
	Duration timeout();

}
