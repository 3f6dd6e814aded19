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
	 * @throws IllegalArgumentException if an option is wrong (the message names it)
	 */
	Scout create(Map<String, String> options);

}
