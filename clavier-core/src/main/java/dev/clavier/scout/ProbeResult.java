package dev.clavier.scout;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of one probe. Immutable and thread-safe.
 *
 * @param healthy whether the endpoint passed
 * @param detail what was seen, for example {@code HTTP 503} or {@code NOT_SERVING}, or {@code null}
 */
public record ProbeResult(boolean healthy, @Nullable String detail) {

	private static final ProbeResult PASSED = new ProbeResult(true, null);

	/**
	 * Returns a passing result without detail (a shared instance).
	 * @return the result
	 */
	public static ProbeResult passed() {
		return PASSED;
	}

	/**
	 * Returns a passing result.
	 * @param detail what was seen
	 * @return the result
	 */
	public static ProbeResult passed(String detail) {
		return new ProbeResult(true, detail);
	}

	/**
	 * Returns a failing result.
	 * @param detail why it failed
	 * @return the result
	 */
	public static ProbeResult failed(String detail) {
		return new ProbeResult(false, detail);
	}

}
