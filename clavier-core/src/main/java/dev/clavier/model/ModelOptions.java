package dev.clavier.model;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

/**
 * Reads a model's string options one by one and rejects the ones nobody read, so that a typo
 * in configuration fails loudly. Every rejection is an {@link InvalidOptionException} whose
 * option is the option's name as written ({@code min-ttl}), with a message naming the model:
 * {@code dns option 'min-ttl': 'soon' (expected: a duration such as 500ms, 2s or PT2S)}. Not
 * thread-safe; use one instance per {@code create} call.
 */
public final class ModelOptions {

	private final String model;

	private final Map<String, String> remaining;

	private final Set<String> read = new TreeSet<>();

	private ModelOptions(String model, Map<String, String> options) {
		this.model = model;
		this.remaining = new HashMap<>(options);
	}

	/**
	 * Starts reading options for a model.
	 * @param model the model name, for messages
	 * @param options the options
	 * @return the reader
	 */
	public static ModelOptions of(String model, Map<String, String> options) {
		return new ModelOptions(Objects.requireNonNull(model, "model"), Objects.requireNonNull(options, "options"));
	}

	/**
	 * Returns an option's value and marks it read.
	 * @param key the option name
	 * @return the value, or {@code null} if absent
	 */
	public @Nullable String string(String key) {
		this.read.add(key);
		return this.remaining.remove(key);
	}

	/**
	 * Returns every option whose name starts with a prefix, without the prefix, and marks them read.
	 * @param prefix the prefix, for example {@code headers.}
	 * @return the options, possibly empty
	 */
	public Map<String, String> prefixed(String prefix) {
		this.read.add(prefix + "*");
		Map<String, String> result = new HashMap<>();
		this.remaining.entrySet().removeIf((entry) -> {
			if (entry.getKey().startsWith(prefix)) {
				result.put(entry.getKey().substring(prefix.length()), entry.getValue());
				return true;
			}
			return false;
		});
		return result;
	}

	/**
	 * Returns an integer option.
	 * @param key the option name
	 * @return the value, or {@code null} if absent
	 * @throws InvalidOptionException if it is not an integer
	 */
	public @Nullable Integer integer(String key) {
		String value = string(key);
		if (value == null) {
			return null;
		}
		try {
			return Integer.valueOf(value.trim());
		}
		catch (NumberFormatException ex) {
			throw invalid(key, value, "an integer");
		}
	}

	/**
	 * Returns a boolean option.
	 * @param key the option name
	 * @return the value, or {@code null} if absent
	 * @throws InvalidOptionException if it is neither {@code true} nor {@code false}
	 */
	public @Nullable Boolean bool(String key) {
		String value = string(key);
		if (value == null) {
			return null;
		}
		return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
			case "true" -> Boolean.TRUE;
			case "false" -> Boolean.FALSE;
			default -> throw invalid(key, value, "true or false");
		};
	}

	/**
	 * Returns a duration option, written as ISO-8601 ({@code PT2S}) or with a unit
	 * ({@code 500ms}, {@code 2s}, {@code 1m}).
	 * @param key the option name
	 * @return the value, or {@code null} if absent
	 * @throws InvalidOptionException if it is not a duration
	 */
	public @Nullable Duration duration(String key) {
		String value = string(key);
		if (value == null) {
			return null;
		}
		try {
			return parseDuration(value);
		}
		catch (IllegalArgumentException ex) {
			throw invalid(key, value, "a duration such as 500ms, 2s or PT2S");
		}
	}

	/**
	 * Returns the failure of an option of this model, for a check of the model's own:
	 * {@code tcp option 'preset': 'memcached' (expected: redis)}, or {@code missing} in place of
	 * the value when there is none.
	 * @param key the option name
	 * @param value the offending value as written, or {@code null} when the option is missing
	 * @param expected what is expected
	 * @return the exception, for the caller to throw
	 */
	public InvalidOptionException invalid(String key, @Nullable String value, String expected) {
		return InvalidOptionException.withMessage(this.model + " option '" + key + "': "
				+ ((value != null) ? "'" + value + "'" : "missing") + " (expected: " + expected + ")", key, value,
				expected, null);
	}

	/**
	 * Applies one option to a builder, prefixing a rejection with the model and option name,
	 * for example {@code http option 'path': ...}; the rejection's option becomes the option's
	 * name as written.
	 * @param model the model name
	 * @param option the option name
	 * @param apply the builder call that may reject the value
	 * @throws InvalidOptionException naming the model and option if the builder rejects the value
	 */
	public static void apply(String model, String option, Runnable apply) {
		try {
			apply.run();
		}
		catch (InvalidOptionException ex) {
			throw ex.within(model + " option '" + option + "'", option);
		}
		catch (IllegalArgumentException ex) {
			// A builder that does not say what it expects yet: its message is all there is.
			String message = String.valueOf(ex.getMessage());
			throw InvalidOptionException.withMessage(model + " option '" + option + "': " + message, option, null,
					message, ex);
		}
	}

	/**
	 * Checks that every option was read.
	 * @throws InvalidOptionException naming the options nobody read; its option is the first of
	 * them, in alphabetical order
	 */
	public void done() {
		if (!this.remaining.isEmpty()) {
			TreeSet<String> unknown = new TreeSet<>(this.remaining.keySet());
			String expected = this.read.isEmpty() ? "no options, the " + this.model + " model takes none"
					: "an option the " + this.model + " model reads: " + String.join(", ", this.read);
			throw InvalidOptionException.withMessage("unknown " + this.model + " option(s) " + unknown, unknown.first(),
					this.remaining.get(unknown.first()), expected, null);
		}
	}

	/**
	 * Parses a duration written as ISO-8601 or as a number with a unit ({@code ms}, {@code s},
	 * {@code m}, {@code h}; seconds without a unit).
	 * @param text the text
	 * @return the duration
	 * @throws IllegalArgumentException if it is not a duration
	 */
	public static Duration parseDuration(String text) {
		String value = text.trim().toLowerCase(java.util.Locale.ROOT);
		try {
			if (value.startsWith("p") || value.startsWith("-p")) {
				return Duration.parse(value.toUpperCase(java.util.Locale.ROOT));
			}
			if (value.endsWith("ms")) {
				return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2).trim()));
			}
			if (value.endsWith("s")) {
				return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1).trim()));
			}
			if (value.endsWith("m")) {
				return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1).trim()));
			}
			if (value.endsWith("h")) {
				return Duration.ofHours(Long.parseLong(value.substring(0, value.length() - 1).trim()));
			}
			return Duration.ofSeconds(Long.parseLong(value));
		}
		catch (NumberFormatException | DateTimeParseException ex) {
			throw new IllegalArgumentException("'" + text + "' is not a duration", ex);
		}
	}

}
