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

	private static final Duration ONE_MILLISECOND = Duration.ofMillis(1);

	private Durations() {
	}

	/**
	 * Returns a duration as text: whole seconds as {@code 2s}, else whole milliseconds as
	 * {@code 1500ms} (a jittered delay of 85.2 ms reads {@code 85ms}), and below a millisecond
	 * in microseconds or nanoseconds ({@code 250us}).
	 * @param duration the duration
	 * @return the text
	 */
	public static String format(Duration duration) {
		Objects.requireNonNull(duration, "duration");
		if (duration.compareTo(ONE_MILLISECOND) >= 0 || duration.isNegative()) {
			long millis = duration.toMillis();
			return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
		}
		long nanos = duration.toNanos();
		return (nanos % 1000 == 0) ? (nanos / 1000) + "us" : nanos + "ns";
	}

}
