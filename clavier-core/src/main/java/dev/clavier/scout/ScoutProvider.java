package dev.clavier.scout;

import java.util.Map;

/**
 * Creates a {@link Scout} model from string options, so that configuration can name it.
 * Register an implementation with {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/dev.clavier.scout.ScoutProvider} file) to make a custom model
 * available to {@link Scouts#create(String, Map)}.
 */
public interface ScoutProvider {

	/**
	 * Returns the model name this provider creates.
	 * @return the model name, kebab-case
	 */
	String model();

	/**
	 * Creates the scout.
	 * @param options model-specific options, possibly empty
	 * @return the scout
	 * @throws IllegalArgumentException if an option is wrong (the message names it); throw an
	 * {@link dev.clavier.model.InvalidOptionException} whose option is the option's name, as
	 * {@link dev.clavier.model.ModelOptions} does, so that front ends can name it (Spring Boot:
	 * {@code clavier.listeners.<id>.scout.options.<option>})
	 */
	Scout create(Map<String, String> options);

}
