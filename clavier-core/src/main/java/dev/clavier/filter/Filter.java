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

	/**
	 * Creates a selector over a list of endpoints that may read the calls in flight to each.
	 * The engine calls this method; the default ignores the counts and delegates to
	 * {@link #selector(List)}.
	 * <p>
	 * A default method rather than a new parameter of {@link #selector(List)}: every filter
	 * written before load-aware picks keeps compiling and picking as it did, and a filter that
	 * wants the load overrides this one method. The counts come as an object aligned with the
	 * list's indexes, so that the pick reads them without a lookup or an allocation.
	 * @param endpoints the endpoints, not empty, immutable, in a stable order
	 * @param calls the calls in flight to each endpoint, by index in {@code endpoints}
	 * @return the selector
	 */
	default EndpointSelector selector(List<Endpoint> endpoints, CallsInFlight calls) {
		return selector(endpoints);
	}

}
