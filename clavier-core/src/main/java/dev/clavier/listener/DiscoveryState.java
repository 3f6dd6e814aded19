package dev.clavier.listener;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What a listener's discovery last did, for dashboards. Immutable and thread-safe.
 *
 * @param model the discovery model, for example {@code dns}
 * @param target what is discovered, for example the DNS name and record type
 * @param lastRefresh when discovery last answered successfully, or {@code null}
 * @param nextRefresh when it will run next, or {@code null} if never (a static list)
 * @param lastError the last failure, or {@code null} if the last attempt succeeded
 * @param attempts failed attempts in a row (0 after a success)
 * @param lastNote what the last answer said besides endpoints (for example {@code NXDOMAIN}), or {@code null}
 */
public record DiscoveryState(String model, String target, @Nullable Instant lastRefresh, @Nullable Instant nextRefresh,
		@Nullable String lastError, int attempts, @Nullable String lastNote) {

}
