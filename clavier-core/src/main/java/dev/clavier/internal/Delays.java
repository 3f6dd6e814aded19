package dev.clavier.internal;

import java.time.Duration;

/**
 * Pure delay arithmetic for the engine's schedules: jittered probe intervals and exponential
 * back-off. The random draw is a parameter so that tests can pin it.
 */
public final class Delays {

	/** Jitter applied to discovery back-off: plus or minus 20%. */
	public static final double BACKOFF_JITTER = 0.2;

	private Delays() {
	}

	/**
	 * Returns a delay varied at random by up to {@code jitter} of itself either way.
	 * @param base the base delay
	 * @param jitter the fraction, 0 to 1
	 * @param random a draw in [0, 1)
	 * @return the jittered delay, never negative
	 */
	public static Duration jittered(Duration base, double jitter, double random) {
		double factor = 1 + jitter * (2 * random - 1);
		long nanos = (long) (base.toNanos() * factor);
		return Duration.ofNanos(Math.max(0, nanos));
	}

	/**
	 * Returns the back-off before a retry: {@code min} doubled per failed attempt after the
	 * first, capped at {@code max}, then jittered by {@link #BACKOFF_JITTER} and capped again.
	 * @param attempt failed attempts so far, 1 or more
	 * @param min the first delay
	 * @param max the longest delay
	 * @param random a draw in [0, 1)
	 * @return the delay
	 */
	public static Duration backoff(int attempt, Duration min, Duration max, double random) {
		int doublings = Math.max(0, Math.min(attempt - 1, 30));
		long minNanos = min.toNanos();
		long maxNanos = max.toNanos();
		long base = (minNanos > (maxNanos >> doublings)) ? maxNanos : Math.min(maxNanos, minNanos << doublings);
		Duration jittered = jittered(Duration.ofNanos(base), BACKOFF_JITTER, random);
		return (jittered.compareTo(max) > 0) ? max : jittered;
	}

}
