package dev.clavier.scout;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import dev.clavier.model.InvalidOptionException;
import dev.clavier.model.ModelOptions;
import dev.clavier.model.ModelRegistry;

/**
 * The built-in scouts and the lookup of scout models by name.
 * <pre>{@code
 * Scout none = Scouts.none();
 * Scout http = Scouts.create("http", Map.of("path", "/health"));
 * }</pre>
 * Thread-safe.
 */
public final class Scouts {

	/**
	 * The model that the {@code clavier-grpc} module registers, and the module's coordinates.
	 */
	private static final String GRPC_MODEL = "grpc";

	private static final String GRPC_MODULE = "dev.clavier:clavier-grpc";

	private static final ModelRegistry<ScoutProvider> REGISTRY = new ModelRegistry<>("scout", ScoutProvider.class,
			builtIns(), ScoutProvider::model);

	private Scouts() {
	}

	/**
	 * Returns the {@code none} scout: every endpoint is healthy as soon as it is discovered,
	 * and nothing is probed.
	 * @return the scout
	 */
	public static Scout none() {
		return NoneScout.INSTANCE;
	}

	/**
	 * Creates a scout by model name: a built-in one ({@code tcp}, {@code redis} (a TCP
	 * {@code PING}/{@code +PONG} check), {@code http}, {@code none}), {@code grpc} when the
	 * {@code dev.clavier:clavier-grpc} module is on the class path, or one registered through a
	 * {@link ScoutProvider} with {@link java.util.ServiceLoader}.
	 * @param model the model name
	 * @param options model-specific options (for {@code http}: {@code path}, {@code method}...)
	 * @return the scout
	 * @throws InvalidOptionException if the model is unknown or an option is wrong; for
	 * {@code grpc} without its module, the message names the artifact to add
	 */
	public static Scout create(String model, Map<String, String> options) {
		if (GRPC_MODEL.equals(model) && !REGISTRY.models().contains(GRPC_MODEL)) {
			throw InvalidOptionException.withMessage(
					"scout model 'grpc' needs the clavier-grpc module: add " + GRPC_MODULE
							+ " (same version as clavier-core), which brings gRPC",
					"model", model, "add " + GRPC_MODULE + " for grpc", null);
		}
		return REGISTRY.provider(model).create(options);
	}

	/**
	 * Returns the names of every available scout model.
	 * @return the names, sorted
	 */
	public static Set<String> models() {
		return REGISTRY.models();
	}

	private static List<ScoutProvider> builtIns() {
		return List.of(new BuiltIn("none", (options) -> {
			ModelOptions.of("none", options).done();
			return none();
		}), new BuiltIn("tcp", TcpScout::fromOptions),
				new BuiltIn("redis", TcpScout::redisFromOptions), new BuiltIn("http", HttpScout::fromOptions));
	}

	/**
	 * A built-in model: its name and how options make the scout.
	 */
	private record BuiltIn(String model, Function<Map<String, String>, Scout> factory) implements ScoutProvider {

		@Override
		public Scout create(Map<String, String> options) {
			return this.factory.apply(options);
		}

	}

}
