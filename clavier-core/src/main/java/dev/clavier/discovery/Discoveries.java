package dev.clavier.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.clavier.model.InvalidOptionException;
import dev.clavier.model.ModelOptions;
import dev.clavier.model.ModelRegistry;

/**
 * The built-in discovery models and the lookup of discovery models by name.
 * <pre>{@code
 * Discovery dns = Discoveries.create("dns", Map.of("name", "backend.svc.test", "port", "8080"));
 * Discovery fixed = Discoveries.create("static", Map.of("endpoints", "10.0.0.1:8080,10.0.0.2:8080"));
 * }</pre>
 * Built-in models and their options:
 * <ul>
 * <li>{@code static}: {@code endpoints}, a comma-separated list of {@code host:port}
 * ({@code [ipv6]:port}); {@code port}, the port of entries without one.</li>
 * <li>{@code dns}: {@code name}, {@code port}, {@code record-type} ({@code A}, {@code AAAA},
 * {@code A_AAAA} or {@code SRV}), {@code servers} (comma-separated {@code ip:port}),
 * {@code min-ttl}, {@code max-ttl}, {@code query-timeout} (durations such as {@code 500ms},
 * {@code 2s} or {@code PT2S}); see {@link DnsDiscovery.Builder} for defaults.</li>
 * </ul>
 * Unknown options are rejected. Other models plug in through {@link DiscoveryProvider} and
 * {@link java.util.ServiceLoader}; a built-in name cannot be taken over. Thread-safe.
 */
public final class Discoveries {

	private static final ModelRegistry<DiscoveryProvider> REGISTRY = new ModelRegistry<>("discovery",
			DiscoveryProvider.class, List.of(new StaticProvider()), DiscoveryProvider::model);

	private Discoveries() {
	}

	/**
	 * Creates a discovery by model name: a built-in one or one registered through a
	 * {@link DiscoveryProvider} with {@link java.util.ServiceLoader}.
	 * @param model the model name, for example {@code dns}
	 * @param options model-specific options
	 * @return the discovery
	 * @throws InvalidOptionException if the model is unknown or an option is wrong; the message
	 * names the model and the option
	 */
	public static Discovery create(String model, Map<String, String> options) {
		return REGISTRY.provider(model).create(options);
	}

	/**
	 * Returns the names of every available discovery model.
	 * @return the names, sorted
	 */
	public static Set<String> models() {
		return REGISTRY.models();
	}

	/**
	 * Returns the items of a comma-separated option, trimmed, blank ones dropped.
	 * @param value the option's value
	 * @return the items
	 */
	public static List<String> list(String value) {
		List<String> items = new ArrayList<>();
		for (String item : value.split(",")) {
			if (!item.isBlank()) {
				items.add(item.trim());
			}
		}
		return items;
	}

	/**
	 * The {@code static} model.
	 */
	private static final class StaticProvider implements DiscoveryProvider {

		@Override
		public String model() {
			return "static";
		}

		@Override
		public Discovery create(Map<String, String> options) {
			ModelOptions reader = ModelOptions.of(model(), options);
			String endpoints = reader.string("endpoints");
			Integer port = reader.integer("port");
			reader.done();
			if (endpoints == null || endpoints.isBlank()) {
				throw reader.invalid("endpoints", null, "host:port entries separated by commas");
			}
			if (port != null && (port < 1 || port > 65535)) {
				throw InvalidOptionException.withMessage("static option 'port': " + port + " (expected: 1...65535)",
						"port", port, "1...65535", null);
			}
			int defaultPort = (port != null) ? port : 0;
			Discovery[] parsed = new Discovery[1];
			ModelOptions.apply(model(), "endpoints", () -> parsed[0] = StaticDiscovery.parse(defaultPort, list(endpoints)));
			return parsed[0];
		}

	}

}
