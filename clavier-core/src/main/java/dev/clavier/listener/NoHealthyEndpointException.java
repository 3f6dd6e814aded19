package dev.clavier.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;

/**
 * Thrown by {@link Listener#getEndpoint()} when no endpoint can be picked: none was discovered,
 * or none is healthy and the listener's {@link AllDownPolicy} is {@code FAIL}. The message names
 * the listener, counts the endpoints per status and quotes the last errors.
 */
public class NoHealthyEndpointException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String listener;

	/**
	 * Creates an exception.
	 * @param listener the listener's name
	 * @param message the full message
	 */
	public NoHealthyEndpointException(String listener, String message) {
		super(Objects.requireNonNull(message, "message"), null, false, false);
		this.listener = Objects.requireNonNull(listener, "listener");
	}

	/**
	 * Creates the exception that says why a listener has nothing to pick at one moment: what
	 * discovery last did when nothing is discovered, otherwise the count of endpoints per status
	 * and up to three last errors.
	 * @param snapshot the listener at that moment
	 * @return the exception
	 */
	public static NoHealthyEndpointException of(ListenerSnapshot snapshot) {
		Objects.requireNonNull(snapshot, "snapshot");
		StringBuilder message = new StringBuilder("[").append(snapshot.name()).append("] no healthy endpoint: ");
		List<EndpointState> endpoints = snapshot.endpoints();
		if (endpoints.isEmpty()) {
			DiscoveryState state = snapshot.discovery();
			message.append("none discovered by ").append(state.model()).append(' ').append(state.target());
			if (state.lastError() != null) {
				message.append(" (last error: ").append(state.lastError()).append(')');
			}
			else if (state.lastNote() != null) {
				message.append(" (last answer: ").append(state.lastNote()).append(')');
			}
			else if (state.lastRefresh() == null) {
				message.append(" (discovery has not answered yet)");
			}
			return new NoHealthyEndpointException(snapshot.name(), message.toString());
		}
		List<String> errors = new ArrayList<>();
		for (EndpointState state : endpoints) {
			if (state.lastError() != null && errors.size() < 3) {
				errors.add(state.endpoint() + ": " + state.lastError());
			}
		}
		message.append(endpoints.size()).append(" discovered (");
		message.append(snapshot.count(HealthStatus.HEALTHY)).append(" HEALTHY, ");
		message.append(snapshot.count(HealthStatus.UNHEALTHY)).append(" UNHEALTHY, ");
		message.append(snapshot.count(HealthStatus.UNKNOWN)).append(" UNKNOWN)");
		long outside = endpoints.stream().filter((state) -> !state.inSubset()).count();
		if (outside > 0) {
			// Subsetting: those are UNKNOWN because this instance never probes them, not because they are new.
			message.append(", ").append(outside).append(" of them outside this instance's subset");
		}
		if (!errors.isEmpty()) {
			message.append("; last errors: ").append(String.join("; ", errors));
		}
		return new NoHealthyEndpointException(snapshot.name(), message.toString());
	}

	/**
	 * Returns the name of the listener that had no endpoint to give.
	 * @return the listener's name
	 */
	public String getListener() {
		return this.listener;
	}

}
