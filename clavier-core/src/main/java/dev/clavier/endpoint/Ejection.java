package dev.clavier.endpoint;

import java.time.Instant;
import java.util.Objects;

/**
 * An endpoint's ejection by passive outlier detection: when it returns to rotation at the latest
 * and how many times it has been ejected, the count that lengthens each ejection. Immutable and
 * thread-safe.
 *
 * @param until when the ejection ends, unless a passing probe ends it sooner
 * @param times how many times the endpoint has been ejected, this time included, less one per
 * base ejection time it stayed in rotation since
 * @param reason what ejected it, for example {@code 5 consecutive call(s) failed}
 */
public record Ejection(Instant until, int times, String reason) {

	/**
	 * Creates an ejection, checking every argument.
	 */
	public Ejection {
		Objects.requireNonNull(until, "until");
		Objects.requireNonNull(reason, "reason");
	}

}
