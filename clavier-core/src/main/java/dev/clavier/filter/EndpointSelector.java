package dev.clavier.filter;

/**
 * Picks one endpoint of a fixed, non-empty list by returning its index. Made by a
 * {@link Filter} for each new list; must be thread-safe, and should neither lock nor allocate.
 */
@FunctionalInterface
public interface EndpointSelector {

	/**
	 * Returns the index of the endpoint to use next.
	 * @return an index in {@code [0, size)} of the list the selector was made for
	 */
	int select();

}
