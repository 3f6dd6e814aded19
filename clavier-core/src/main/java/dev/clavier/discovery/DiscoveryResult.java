package dev.clavier.discovery;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.clavier.endpoint.Endpoint;
import org.jspecify.annotations.Nullable;

/**
 * One answer of a discovery session. Immutable and thread-safe.
 *
 * @param endpoints the endpoints found, possibly empty
 * @param refreshAfter when to ask again, or {@code null} never (a fixed list)
 * @param note what the answer said besides endpoints, for example {@code NXDOMAIN}, or {@code null}
 */
public record DiscoveryResult(List<Endpoint> endpoints, @Nullable Duration refreshAfter, @Nullable String note) {

	/**
	 * Creates a result, checking every argument.
	 */
	public DiscoveryResult {
		endpoints = List.copyOf(endpoints);
		if (refreshAfter != null && (refreshAfter.isNegative() || refreshAfter.isZero())) {
			throw new IllegalArgumentException("refreshAfter: " + refreshAfter + " (expected: > 0)");
		}
	}

	/**
	 * Returns a result with endpoints, asking again after a delay.
	 * @param endpoints the endpoints
	 * @param refreshAfter when to ask again, or {@code null} for never
	 * @return the result
	 */
	public static DiscoveryResult of(List<Endpoint> endpoints, @Nullable Duration refreshAfter) {
		return new DiscoveryResult(Objects.requireNonNull(endpoints, "endpoints"), refreshAfter, null);
	}

	/**
	 * Returns an empty answer, with what it said.
	 * @param refreshAfter when to ask again
	 * @param note what the answer said, for example {@code NXDOMAIN}
	 * @return the result
	 */
	public static DiscoveryResult empty(Duration refreshAfter, String note) {
		return new DiscoveryResult(List.of(), Objects.requireNonNull(refreshAfter, "refreshAfter"),
				Objects.requireNonNull(note, "note"));
	}

}
