package dev.clavier.model;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a configuration option has a value Clavier cannot work with. Carries the
 * option's name as the engine knows it (a builder setter or model option such as
 * {@code interval} or {@code path}), the offending value and what is expected, so that every
 * front end (the Spring Boot failure analyzer, a user's own configuration code) can say what
 * was wrong and where without parsing the message. The message has the form
 * {@code interval: PT0S (expected: > 0)}. Immutable and thread-safe.
 */
public class InvalidOptionException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	private final String option;

	private final @Nullable String value;

	private final String expected;

	/**
	 * Creates an exception.
	 * @param option the option's name, for example {@code interval}
	 * @param value the offending value, or {@code null} when it is missing
	 * @param expected what is expected, for example {@code > 0}
	 */
	public InvalidOptionException(String option, @Nullable Object value, String expected) {
		this(option, value, expected, null);
	}

	/**
	 * Creates an exception with a cause.
	 * @param option the option's name
	 * @param value the offending value, or {@code null} when it is missing
	 * @param expected what is expected
	 * @param cause the underlying failure, or {@code null}
	 */
	public InvalidOptionException(String option, @Nullable Object value, String expected, @Nullable Throwable cause) {
		super(Objects.requireNonNull(option, "option") + ": " + ((value != null) ? String.valueOf(value) : "not set")
				+ " (expected: " + Objects.requireNonNull(expected, "expected") + ")", cause);
		this.option = option;
		this.value = (value != null) ? String.valueOf(value) : null;
		this.expected = expected;
	}

	/**
	 * Returns the option's name as the engine knows it, for example {@code interval},
	 * {@code discoveryRetryMin} or, for a model option, {@code path}.
	 * @return the option's name
	 */
	public String option() {
		return this.option;
	}

	/**
	 * Returns the offending value as text.
	 * @return the value, or {@code null} when it is missing
	 */
	public @Nullable String value() {
		return this.value;
	}

	/**
	 * Returns what is expected, for example {@code > 0} or {@code 1...65535}.
	 * @return what is expected
	 */
	public String expected() {
		return this.expected;
	}

}
