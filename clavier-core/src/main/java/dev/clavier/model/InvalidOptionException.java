package dev.clavier.model;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a configuration option has a value Clavier cannot work with. Carries the
 * option's name as the engine knows it (a builder setter or model option such as
 * {@code interval} or {@code path}), the offending value and what is expected, so that every
 * front end (the Spring Boot failure analyzer, a user's own configuration code) can say what
 * was wrong and where without parsing the message. The message has the form
 * {@code interval: PT0S (expected: > 0)}, text values in quotes ({@code name: 'a b' (expected: ...)});
 * an option read inside another is prefixed with it ({@code dns option 'port': port: 0 (expected: ...)}).
 * Immutable and thread-safe.
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
		this(Objects.requireNonNull(option, "option") + ": " + ((value != null) ? String.valueOf(value) : "not set")
				+ " (expected: " + Objects.requireNonNull(expected, "expected") + ")", option, value, expected, cause);
	}

	private InvalidOptionException(String message, String option, @Nullable Object value, String expected,
			@Nullable Throwable cause) {
		super(message, cause);
		this.option = Objects.requireNonNull(option, "option");
		this.value = (value != null) ? String.valueOf(value) : null;
		this.expected = Objects.requireNonNull(expected, "expected");
	}

	/**
	 * Creates an exception for a text value, which the message shows in single quotes:
	 * {@code name: 'bad name' (expected: a DNS name)}.
	 * @param option the option's name
	 * @param value the offending text
	 * @param expected what is expected
	 * @param cause the underlying failure, or {@code null}
	 * @return the exception
	 */
	public static InvalidOptionException quoted(String option, String value, String expected,
			@Nullable Throwable cause) {
		Objects.requireNonNull(value, "value");
		return new InvalidOptionException(Objects.requireNonNull(option, "option") + ": '" + value + "' (expected: "
				+ Objects.requireNonNull(expected, "expected") + ")", option, value, expected, cause);
	}

	/**
	 * Creates an exception whose message says more than the usual form can, for example
	 * {@code endpoints: 10.0.0.1:80 is listed twice} or {@code unknown tcp option(s) [sned]}; the
	 * option, value and expectation are still carried for front ends to use.
	 * @param message the message
	 * @param option the option's name
	 * @param value the offending value, or {@code null} when it is missing
	 * @param expected what is expected
	 * @param cause the underlying failure, or {@code null}
	 * @return the exception
	 */
	public static InvalidOptionException withMessage(String message, String option, @Nullable Object value,
			String expected, @Nullable Throwable cause) {
		return new InvalidOptionException(Objects.requireNonNull(message, "message"), option, value, expected, cause);
	}

	/**
	 * Returns this failure as seen from an enclosing option: the same value and expectation, the
	 * message prefixed with the context, for example {@code dns options: minTtl: PT2M (expected: ...)}.
	 * @param context what encloses the option, for example {@code dns options}
	 * @return a new exception caused by this one
	 */
	public InvalidOptionException within(String context) {
		return within(context, this.option);
	}

	/**
	 * Returns this failure as seen from an enclosing option with a name of its own: the same value
	 * and expectation, the message prefixed with the context, for example
	 * {@code dns option 'port': port: 0 (expected: 1...65535)} for the option {@code port} of a
	 * model's string options.
	 * @param context what encloses the option, for example {@code dns option 'port'}
	 * @param option the option's name as the enclosing level knows it
	 * @return a new exception caused by this one
	 */
	public InvalidOptionException within(String context, String option) {
		return new InvalidOptionException(Objects.requireNonNull(context, "context") + ": " + getMessage(), option,
				this.value, this.expected, this);
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
