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
 * @param probeMode how its health is learnt: polled, watched, or not probed (scout {@code none})
 * @param probeModeReason why it has that mode when it is not the configured one (a server
 * without a watch stream is polled), or {@code null}
 * @param nextProbe when it is next probed (polled, or a watch's reconnect or confirmation), or
 * {@code null} if nothing is scheduled (a watch waiting for the server's next status)
 * @param effectiveWeight the weight picks give it now: its weight, or less while slow start
 * ramps it up after it became healthy
 */
public record EndpointState(Endpoint endpoint, HealthStatus status, @Nullable Instant lastCheck,
		@Nullable Duration latency, int consecutiveSuccesses, int consecutiveFailures, @Nullable String lastError,
		String cause, List<HealthTransition> transitions, @Nullable Ejection ejection, boolean inSubset,
		ProbeMode probeMode, @Nullable String probeModeReason, @Nullable Instant nextProbe,
		double effectiveWeight) {

	/**
	 * Creates a state, checking every argument.
	 */
	public EndpointState {
		Objects.requireNonNull(endpoint, "endpoint");
		Objects.requireNonNull(status, "status");
		Objects.requireNonNull(cause, "cause");
		transitions = List.copyOf(transitions);
		Objects.requireNonNull(probeMode, "probeMode");
	}

	/**
	 * Creates the state of a polled endpoint that is not ejected, in the subset (or of a listener
	 * without subsetting), with nothing scheduled: the state as it was before ejections, subsets,
	 * probe modes and slow start were shown (the effective weight is the endpoint's weight).
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
				transitions, null, true, ProbeMode.POLL, null, null, endpoint.weight());
	}

}
