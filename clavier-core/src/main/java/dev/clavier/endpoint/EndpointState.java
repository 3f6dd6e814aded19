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
 * @param ejection its ejection by passive outlier detection while it lasts, or {@code null}
 * @param inSubset whether it is in this application instance's subset, so probed and picked;
 * {@code true} for every endpoint while subsetting is off
 */
public record EndpointState(Endpoint endpoint, HealthStatus status, @Nullable Instant lastCheck,
		@Nullable Duration latency, int consecutiveSuccesses, int consecutiveFailures, @Nullable String lastError,
		String cause, List<HealthTransition> transitions, @Nullable Ejection ejection, boolean inSubset) {

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
	 * Creates the state of an endpoint that is not ejected, in the subset (or of a listener
	 * without subsetting).
	 * @param endpoint the endpoint
	 * @param status its current status
	 * @param lastCheck when the last probe finished, or {@code null} before the first
	 * @param latency how long the last probe took, or {@code null} before the first
	 * @param consecutiveSuccesses probes in a row that succeeded, up to now
	 * @param consecutiveFailures probes in a row that failed, up to now
	 * @param lastError the last probe's error, or {@code null} if it succeeded or none ran
	 * @param cause why the endpoint has its current status
	 * @param transitions the most recent transitions, oldest first (at most ten)
	 */
	public EndpointState(Endpoint endpoint, HealthStatus status, @Nullable Instant lastCheck,
			@Nullable Duration latency, int consecutiveSuccesses, int consecutiveFailures, @Nullable String lastError,
			String cause, List<HealthTransition> transitions) {
		this(endpoint, status, lastCheck, latency, consecutiveSuccesses, consecutiveFailures, lastError, cause,
				transitions, null, true);
	}

}
