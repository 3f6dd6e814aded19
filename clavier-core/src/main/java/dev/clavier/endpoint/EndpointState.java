package dev.clavier.endpoint;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one endpoint's health, for dashboards and diagnostics. Immutable and thread-safe.
 *
 * @param endpoint the endpoint
 * @param status its current status
 * @param lastCheck when the last probe finished, or {@code null} before the first
 * @param latency how long the last probe took, or {@code null} before the first
 * @param consecutiveSuccesses probes in a row that succeeded, up to now
 * @param consecutiveFailures probes in a row that failed, up to now
 * @param lastError the last probe's error, or {@code null} if it succeeded or none ran
 * @param cause why the endpoint has its current status (the last transition's cause)
 * @param transitions the most recent transitions, oldest first (at most ten)
 * @param effectiveWeight the weight picks give it now: its weight, or less while slow start
 * ramps it up after it became healthy
 */
public record EndpointState(Endpoint endpoint, HealthStatus status, @Nullable Instant lastCheck,
		@Nullable Duration latency, int consecutiveSuccesses, int consecutiveFailures, @Nullable String lastError,
		String cause, List<HealthTransition> transitions, double effectiveWeight) {

	/**
	 * Creates a state, checking every argument.
	 */
	public EndpointState {
		Objects.requireNonNull(endpoint, "endpoint");
		Objects.requireNonNull(status, "status");
		Objects.requireNonNull(cause, "cause");
		transitions = List.copyOf(transitions);
	}

	/**
	 * Creates a state whose effective weight is the endpoint's weight, checking every argument.
	 * @param endpoint the endpoint
	 * @param status its current status
	 * @param lastCheck when the last probe finished, or {@code null} before the first
	 * @param latency how long the last probe took, or {@code null} before the first
	 * @param consecutiveSuccesses probes in a row that succeeded, up to now
	 * @param consecutiveFailures probes in a row that failed, up to now
	 * @param lastError the last probe's error, or {@code null} if it succeeded or none ran
	 * @param cause why the endpoint has its current status (the last transition's cause)
	 * @param transitions the most recent transitions, oldest first (at most ten)
	 */
	public EndpointState(Endpoint endpoint, HealthStatus status, @Nullable Instant lastCheck, @Nullable Duration latency,
			int consecutiveSuccesses, int consecutiveFailures, @Nullable String lastError, String cause,
			List<HealthTransition> transitions) {
		this(endpoint, status, lastCheck, latency, consecutiveSuccesses, consecutiveFailures, lastError, cause,
				transitions, endpoint.weight());
	}

}
