package dev.clavier.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a {@link ClavierConfigurationException}: which property, which value, why it is wrong,
 * and what to write instead. Nothing here depends on the property: for a value the engine
 * rejected, the reason is the engine's message and the action is derived from what the engine
 * expects ({@code make it >= 1}).
 */
class ClavierConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<ClavierConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ClavierConfigurationException cause) {
		StringBuilder description = new StringBuilder();
		description.append("Invalid Clavier configuration:").append(System.lineSeparator()).append(System.lineSeparator());
		description.append("    Property: ").append(cause.getProperty()).append(System.lineSeparator());
		description.append("    Value: ")
			.append((cause.getValue() != null) ? "\"" + cause.getValue() + "\"" : "(not set)")
			.append(System.lineSeparator());
		if (cause.getOrigin() != null) {
			description.append("    Origin: ").append(cause.getOrigin()).append(System.lineSeparator());
		}
		description.append("    Reason: ").append(cause.getReason());
		String action = "Update '" + cause.getProperty() + "' in your application's configuration: "
				+ cause.getAction();
		return new FailureAnalysis(description.toString(), action, cause);
	}

}
