package dev.clavier.filter;

/**
 * The calls in flight to each endpoint of one list, as a load-aware filter reads them: entry
 * {@code i} belongs to the endpoint at index {@code i} of the list the selector is made for.
 * The counts are live: they change as calls start and end, and an endpoint keeps its count when
 * the list is replaced by another that still holds it.
 * <p>
 * Counted by the engine for calls started with {@code Listener.pick()} and by the Spring Cloud
 * LoadBalancer bridge; calls made with an endpoint from {@code getEndpoint()} are not counted.
 * Thread-safe; {@link #count(int)} neither locks nor allocates.
 */
@FunctionalInterface
public interface CallsInFlight {

	/**
	 * Returns counts that are always 0, for lists whose calls nobody counts.
	 * @return the counts
	 */
	static CallsInFlight none() {
		return (index) -> 0;
	}

	/**
	 * Returns how many calls to one endpoint are in flight now.
	 * @param index the endpoint's index in the list the selector was made for
	 * @return the count, 0 or more
	 */
	int count(int index);

}
