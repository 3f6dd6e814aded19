package dev.clavier.model;

import java.time.Duration;
import java.util.Objects;

/**
 * The engine's one way to put a duration into words, for every log line, probe error, cause
 * and exception message it writes: {@code 2s}, {@code 1500ms}, {@code 250us}, so that one field
 * never shows one timeout as {@code 1500ms} and another as {@code 1.5s} or {@code PT1.5S}.
 * Thread-safe.
 */
public final class Durations {

	private Durations() {
	}

	/**
	 * Returns a duration as text in the largest of seconds, milliseconds, microseconds and
	 * nanoseconds that writes it as a whole number: {@code 2s}, {@code 1500ms}.
	 * @param duration the duration
	 * @return the text
	 */
	public static String format(Duration duration) {
		Objects.requireNonNull(duration, "duration");
		long nanos;
		try {
			nanos = duration.toNanos();
		}
		catch (ArithmeticException ex) {
			return duration.toSeconds() + "s";
		}
		if (nanos % 1_000_000_000L == 0) {
			return (nanos / 1_000_000_000L) + "s";
		}
		if (nanos % 1_000_000L == 0) {
			return (nanos / 1_000_000L) + "ms";
		}
		if (nanos % 1_000L == 0) {
			return (nanos / 1_000L) + "us";
		}
		return nanos + "ns";
	}

}
