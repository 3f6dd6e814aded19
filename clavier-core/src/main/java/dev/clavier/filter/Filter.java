package dev.clavier.filter;

import java.util.List;

import dev.clavier.endpoint.Endpoint;

/**
 * A filter: the plug-in kind that picks one endpoint. For each new list of pickable endpoints
 * the engine asks the filter for an {@link EndpointSelector} over it, and swaps it in whole; the
 * pick itself then reads only that selector. Built-in models are in {@link Filters}.
 * Implementations must be thread-safe.
 */
public interface Filter {

	/**
	 * Returns the model name, as written in configuration (for example {@code round-robin}).
	 * @return the model name
	 */
	String model();

	/**
	 * Creates a selector over a list of endpoints.
	 * @param endpoints the endpoints, not empty, immutable, in a stable order
	 * @return the selector
	 */
	EndpointSelector selector(List<Endpoint> endpoints);

}
