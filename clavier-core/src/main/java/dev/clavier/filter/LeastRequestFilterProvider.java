package dev.clavier.filter;

import java.util.Map;

import dev.clavier.model.ModelOptions;

/**
 * Creates the {@code least-request} filter from string options: {@code choice-count} and
 * {@code active-request-bias}. Thread-safe.
 */
final class LeastRequestFilterProvider implements FilterProvider {

	@Override
	public String model() {
		return LeastRequestFilter.MODEL;
	}

	@Override
	public Filter create(Map<String, String> options) {
		ModelOptions reader = ModelOptions.of(model(), options);
		LeastRequestFilter.Builder builder = LeastRequestFilter.builder();
		Integer choiceCount = reader.integer("choice-count");
		if (choiceCount != null) {
			ModelOptions.apply(model(), "choice-count", () -> builder.choiceCount(choiceCount));
		}
		String bias = reader.string("active-request-bias");
		if (bias != null) {
			double value = parse(reader, bias);
			ModelOptions.apply(model(), "active-request-bias", () -> builder.activeRequestBias(value));
		}
		reader.done();
		return builder.build();
	}

	private static double parse(ModelOptions reader, String text) {
		try {
			return Double.parseDouble(text.trim());
		}
		catch (NumberFormatException ex) {
			throw reader.invalid("active-request-bias", text, "a number such as 1.0");
		}
	}

}
