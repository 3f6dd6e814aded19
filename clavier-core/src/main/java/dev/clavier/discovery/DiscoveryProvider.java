package dev.clavier.discovery;

import java.util.Map;

/**
 * Creates a {@link Discovery} model from string options, so that configuration can name it.
 * Register an implementation with {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/dev.clavier.discovery.DiscoveryProvider} file) to make a custom
 * model available to {@link Discoveries#create(String, Map)}.
 */
public interface DiscoveryProvider {

	/**
	 * Returns the model name this provider creates.
	 * @return the model name, kebab-case
	 */
	String model();

	/**
	 * Creates the discovery.
	 * @param options model-specific options, possibly empty
	 * @return the discovery
	 * @throws IllegalArgumentException if an option is wrong (the message names it); throw an
	 * {@link dev.clavier.model.InvalidOptionException} whose option is the option's name, as
	 * {@link dev.clavier.model.ModelOptions} does, so that front ends can name it (Spring Boot:
	 * {@code clavier.listeners.<id>.discovery.options.<option>})
	 */
	Discovery create(Map<String, String> options);

}
