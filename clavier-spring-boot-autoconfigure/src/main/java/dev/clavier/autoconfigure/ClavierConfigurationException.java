package dev.clavier.autoconfigure;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a {@code clavier.*} property has a value Clavier cannot work with. Carries the
 * property's full name, the offending value, why it is wrong and what to write instead, which
 * {@link ClavierConfigurationFailureAnalyzer} turns into a start-up failure report. Immutable
 * and thread-safe.
 */
public class ClavierConfigurationException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String property;

	private final @Nullable String value;

	private final String reason;

	private final String action;

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
		super(message(property, value, reason), cause);
		this.property = Objects.requireNonNull(property, "property");
		this.value = (value != null) ? String.valueOf(value) : null;
		this.reason = Objects.requireNonNull(reason, "reason");
		this.action = Objects.requireNonNull(action, "action");
	}

	private static String message(String property, @Nullable Object value, String reason) {
		return property + ": " + ((value != null) ? "'" + value + "'" : "not set") + " (" + reason + ")";
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
	 * Returns what to write instead.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
