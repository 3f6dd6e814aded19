package dev.clavier.listener;

import java.util.Objects;

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
	 * Returns the name of the listener that had no endpoint to give.
	 * @return the listener's name
	 */
	public String getListener() {
		return this.listener;
	}

}
