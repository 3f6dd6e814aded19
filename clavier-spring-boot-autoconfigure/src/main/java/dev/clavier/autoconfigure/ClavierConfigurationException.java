package dev.clavier.autoconfigure;

import java.time.Duration;
import java.util.Objects;

import dev.clavier.model.Durations;
import dev.clavier.model.InvalidOptionException;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when a {@code clavier.*} property has a value Clavier cannot work with. Carries the
 * property's full name, the offending value (a duration as {@code 2s}, never {@code PT2S}), why
 * it is wrong, what is expected when the engine said so, what to write instead, and where the
 * value was written when Spring Boot knows it (a file and line), which
 * {@link ClavierConfigurationFailureAnalyzer} turns into a start-up failure report. Immutable and
 * thread-safe.
 */
public class ClavierConfigurationException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String property;

	private final @Nullable String value;

	private final String reason;

	private final @Nullable String expected;

	private final String action;

	private final @Nullable String origin;

	/**
	 * Creates an exception.
	 * @param property the full property name, for example {@code clavier.listeners.backend.scout.interval}
	 * @param value the offending value as written or bound, or {@code null} when it is missing
	 * @param reason why the value is wrong
	 * @param action what to write instead
	 */
	public ClavierConfigurationException(String property, @Nullable Object value, String reason, String action) {
		this(property, value, reason, action, null);
	}

	/**
	 * Creates an exception with a cause.
	 * @param property the full property name
	 * @param value the offending value, or {@code null} when it is missing
	 * @param reason why the value is wrong
	 * @param action what to write instead
	 * @param cause the engine's own exception, or {@code null}
	 */
	public ClavierConfigurationException(String property, @Nullable Object value, String reason, String action,
			@Nullable Throwable cause) {
		this(property, value, reason, null, Objects.requireNonNull(action, "action"), null, cause);
	}

	/**
	 * Creates an exception for a value as written in a property source, with where it was
	 * written.
	 * @param property the full property name
	 * @param value the offending value as written, or {@code null} when it is missing
	 * @param reason why the value is wrong
	 * @param action what to write instead
	 * @param origin where the value was written, for example a file and line, or {@code null}
	 * when unknown
	 * @param cause the binder's own exception, or {@code null}
	 */
	public ClavierConfigurationException(String property, @Nullable Object value, String reason, String action,
			@Nullable String origin, @Nullable Throwable cause) {
		this(property, value, reason, null, Objects.requireNonNull(action, "action"), origin, cause);
	}

	/**
	 * Creates an exception for a value the engine rejected: the reason is the engine's message,
	 * and the action is derived from what the engine expects, for example {@code make it >= 1}.
	 * @param property the full property name the engine's option was set by
	 * @param value the offending value as it may be shown, or {@code null} when it is missing
	 * @param failure the engine's exception, naming its option, value and expectation
	 */
	public ClavierConfigurationException(String property, @Nullable Object value, InvalidOptionException failure) {
		this(property, value, String.valueOf(Objects.requireNonNull(failure, "failure").getMessage()),
				failure.expected(), "make it " + failure.expected(), null, failure);
	}

	private ClavierConfigurationException(String property, @Nullable Object value, String reason,
			@Nullable String expected, String action, @Nullable String origin, @Nullable Throwable cause) {
		super(message(property, text(value), reason, origin), cause);
		this.property = Objects.requireNonNull(property, "property");
		this.value = text(value);
		this.reason = Objects.requireNonNull(reason, "reason");
		this.expected = expected;
		this.action = action;
		this.origin = origin;
	}

	/**
	 * Returns this failure with where its value was written: the value as written, and the
	 * property it was written under when that is not the failing one (a listener's key inherited
	 * from {@code clavier.defaults}).
	 * @param written the value as written, or {@code null} to keep the value as it is
	 * @param writtenUnder the property the value was written under, or {@code null} when it is
	 * this one
	 * @param origin where it was written
	 * @return the failure
	 */
	ClavierConfigurationException located(@Nullable Object written, @Nullable String writtenUnder, String origin) {
		String reason = (writtenUnder != null) ? this.reason + "; inherited from " + writtenUnder : this.reason;
		String action = (writtenUnder != null)
				? this.action + " (in " + writtenUnder + ", or under " + this.property + " for this listener only)"
				: this.action;
		return new ClavierConfigurationException(this.property, (written != null) ? written : this.value, reason,
				this.expected, action, origin, getCause());
	}

	// A bound duration reads as written (2s), not as Duration.toString() (PT2S).
	private static @Nullable String text(@Nullable Object value) {
		if (value instanceof Duration duration) {
			return Durations.format(duration);
		}
		return (value != null) ? String.valueOf(value) : null;
	}

	private static String message(String property, @Nullable String value, String reason, @Nullable String origin) {
		return property + ": " + ((value != null) ? "'" + value + "'" : "not set") + " (" + reason + ")"
				+ ((origin != null) ? " [" + origin + "]" : "");
	}

	/**
	 * Returns the full name of the offending property.
	 * @return the property name, for example {@code clavier.listeners.backend.scout.interval}
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * Returns the offending value as text.
	 * @return the value, or {@code null} when the property is missing
	 */
	public @Nullable String getValue() {
		return this.value;
	}

	/**
	 * Returns why the value is wrong.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

	/**
	 * Returns what the engine expects, for a value the engine rejected.
	 * @return the expectation, for example {@code >= 1}, or {@code null} when the failure is not
	 * the engine's
	 */
	public @Nullable String getExpected() {
		return this.expected;
	}

	/**
	 * Returns what to write instead: as given, or, for a value the engine rejected, derived from
	 * what it expects.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

	/**
	 * Returns where the value was written, when known.
	 * @return the origin, for example a file and line, or {@code null}
	 */
	public @Nullable String getOrigin() {
		return this.origin;
	}

}
