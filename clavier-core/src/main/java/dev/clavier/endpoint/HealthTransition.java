package dev.clavier.endpoint;

import java.time.Instant;
import java.util.Objects;

/**
 * A change of an endpoint's health, with its cause. Immutable and thread-safe.
 *
 * @param endpoint the endpoint
 * @param from the status before
 * @param to the status after
 * @param cause why, for example {@code 2 consecutive failures, last: HTTP 503}
 * @param at when the transition happened
 */
public record HealthTransition(Endpoint endpoint, HealthStatus from, HealthStatus to, String cause, Instant at) {

	/**
	 * Creates a transition, checking every argument.
	 */
	public HealthTransition {
		Objects.requireNonNull(endpoint, "endpoint");
		Objects.requireNonNull(from, "from");
		Objects.requireNonNull(to, "to");
		Objects.requireNonNull(cause, "cause");
		Objects.requireNonNull(at, "at");
	}

}
