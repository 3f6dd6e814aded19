package dev.clavier.discovery.dns;

import java.time.Duration;

/**
 * Turns record TTLs into the delay before the next lookup. Stateless.
 */
final class DnsTtl {

	private DnsTtl() {
	}

	/**
	 * Returns a TTL clamped to {@code [minTtl, maxTtl]}; a negative TTL (none seen) gives
	 * {@code minTtl}.
	 * @param ttlSeconds the smallest TTL of an answer, in seconds, or -1 if none was seen
	 * @param minTtl the shortest delay
	 * @param maxTtl the longest delay, not below {@code minTtl}
	 * @return the delay
	 */
	static Duration clamp(long ttlSeconds, Duration minTtl, Duration maxTtl) {
		if (ttlSeconds < 0) {
			return minTtl;
		}
		Duration ttl = Duration.ofSeconds(ttlSeconds);
		if (ttl.compareTo(minTtl) < 0) {
			return minTtl;
		}
		if (ttl.compareTo(maxTtl) > 0) {
			return maxTtl;
		}
		return ttl;
	}

}
