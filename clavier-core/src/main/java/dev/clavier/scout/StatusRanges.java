package dev.clavier.scout;

import java.util.BitSet;
import java.util.Objects;

import dev.clavier.model.InvalidOptionException;

/**
 * A set of HTTP status codes written as codes and ranges, for example {@code 200-299,304}.
 * Immutable and thread-safe.
 */
final class StatusRanges {

	private static final int MIN = 100;

	private static final int MAX = 599;

	private final BitSet codes;

	private final String text;

	private StatusRanges(BitSet codes, String text) {
		this.codes = codes;
		this.text = text;
	}

	/**
	 * Parses codes and ranges separated by commas; spaces are ignored.
	 * @param text the text, for example {@code 200-299,304}
	 * @return the set
	 * @throws InvalidOptionException naming {@code expectedStatuses} if the text is not such a list
	 */
	static StatusRanges parse(String text) {
		Objects.requireNonNull(text, "expectedStatuses");
		String compact = text.replace(" ", "");
		BitSet codes = new BitSet(MAX + 1);
		if (compact.isEmpty()) {
			throw invalid(text);
		}
		for (String part : compact.split(",", -1)) {
			int dash = part.indexOf('-');
			int low = code(text, (dash < 0) ? part : part.substring(0, dash));
			int high = (dash < 0) ? low : code(text, part.substring(dash + 1));
			if (low > high) {
				throw invalid(text);
			}
			codes.set(low, high + 1);
		}
		return new StatusRanges(codes, compact);
	}

	private static int code(String text, String part) {
		if (part.length() != 3) {
			throw invalid(text);
		}
		int code;
		try {
			code = Integer.parseInt(part);
		}
		catch (NumberFormatException ex) {
			throw invalid(text);
		}
		if (code < MIN || code > MAX) {
			throw invalid(text);
		}
		return code;
	}

	private static InvalidOptionException invalid(String text) {
		return new InvalidOptionException("expectedStatuses", "'" + text + "'",
				"status codes 100...599 and ranges, separated by commas, such as 200-299,304");
	}

	/**
	 * Returns whether a status code is in the set.
	 * @param code the status code
	 * @return whether it is in the set
	 */
	boolean contains(int code) {
		return code >= MIN && code <= MAX && this.codes.get(code);
	}

	@Override
	public String toString() {
		return this.text;
	}

}
