package dev.clavier.scout;

import java.util.Map;

import dev.clavier.model.ModelOptions;

/**
 * Reads the {@code http} model's configuration options into an {@link HttpScout}: {@code path},
 * {@code method}, {@code expected-statuses}, {@code tls}, {@code insecure-trust-all},
 * {@code max-body-bytes}, {@code reuse-connection} and {@code headers.<Name>}. A rejected value
 * fails naming the option ({@code http option 'path': path: 'health' (expected: starting with /)}),
 * with the builder's {@link dev.clavier.model.InvalidOptionException} as its cause; an unknown
 * option fails naming it. Stateless and thread-safe.
 */
final class HttpScoutOptions {

	private HttpScoutOptions() {
	}

	/**
	 * Creates an {@code http} scout from configuration options.
	 * @param options the options
	 * @return the scout
	 * @throws IllegalArgumentException if an option is wrong or unknown
	 */
	static HttpScout read(Map<String, String> options) {
		String model = HttpScout.MODEL;
		ModelOptions reader = ModelOptions.of(model, options);
		HttpScout.Builder builder = HttpScout.builder();
		String path = reader.string("path");
		if (path != null) {
			ModelOptions.apply(model, "path", () -> builder.path(path));
		}
		String method = reader.string("method");
		if (method != null) {
			ModelOptions.apply(model, "method", () -> builder.method(method));
		}
		String expectedStatuses = reader.string("expected-statuses");
		if (expectedStatuses != null) {
			ModelOptions.apply(model, "expected-statuses", () -> builder.expectedStatuses(expectedStatuses));
		}
		Boolean tls = reader.bool("tls");
		if (tls != null) {
			builder.tls(tls);
		}
		Boolean insecureTrustAll = reader.bool("insecure-trust-all");
		if (insecureTrustAll != null) {
			builder.insecureTrustAll(insecureTrustAll);
		}
		Integer maxBodyBytes = reader.integer("max-body-bytes");
		if (maxBodyBytes != null) {
			ModelOptions.apply(model, "max-body-bytes", () -> builder.maxBodyBytes(maxBodyBytes));
		}
		Boolean reuseConnection = reader.bool("reuse-connection");
		if (reuseConnection != null) {
			builder.reuseConnection(reuseConnection);
		}
		Map<String, String> headers = reader.prefixed("headers.");
		ModelOptions.apply(model, "headers", () -> builder.headers(headers));
		reader.done();
		// The only rule between options: insecure-trust-all needs tls.
		HttpScout[] built = new HttpScout[1];
		ModelOptions.apply(model, "insecure-trust-all", () -> built[0] = builder.build());
		return built[0];
	}

}
