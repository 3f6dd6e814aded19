package dev.clavier.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Looks up a plug-in model by name: the built-in providers first, then those registered with
 * {@link ServiceLoader}: Clavier's own first (those in the kind's package and below), then
 * others, which cannot take a name already taken. One instance per plug-in kind; immutable
 * after construction.
 *
 * @param <P> the provider type
 */
public final class ModelRegistry<P> {

	private final String kind;

	private final Map<String, P> providers;

	/**
	 * Creates a registry.
	 * @param kind the plug-in kind for messages, for example {@code scout}
	 * @param type the provider interface, loaded with {@link ServiceLoader}
	 * @param builtIns the built-in providers
	 * @param modelOf how to read a provider's model name
	 */
	public ModelRegistry(String kind, Class<P> type, List<P> builtIns, Function<P, String> modelOf) {
		this.kind = kind;
		Map<String, P> all = new LinkedHashMap<>();
		for (P provider : builtIns) {
			all.put(modelOf.apply(provider), provider);
		}
		List<P> others = new ArrayList<>();
		for (P provider : ServiceLoader.load(type, type.getClassLoader())) {
			// Clavier's own models in sub-packages (dns, grpc) are found this way too, so that the
			// plug-in packages never name their sub-packages; they are taken first.
			if (provider.getClass().getName().startsWith(type.getPackageName() + ".")) {
				all.putIfAbsent(modelOf.apply(provider), provider);
			}
			else {
				others.add(provider);
			}
		}
		for (P provider : others) {
			// A built-in name cannot be taken over silently by a jar on the class path.
			all.putIfAbsent(modelOf.apply(provider), provider);
		}
		this.providers = Map.copyOf(all);
	}

	/**
	 * Returns the provider of a model.
	 * @param model the model name
	 * @return the provider
	 * @throws InvalidOptionException if no provider has that name (option {@code model}); the
	 * message lists those there are
	 */
	public P provider(String model) {
		Objects.requireNonNull(model, "model");
		P provider = this.providers.get(model);
		if (provider == null) {
			String known = String.join(", ", models());
			throw InvalidOptionException.withMessage(
					"unknown " + this.kind + " model '" + model + "' (expected one of: " + known + ")", "model", model,
					"one of: " + known, null);
		}
		return provider;
	}

	/**
	 * Returns the names of every known model, sorted.
	 * @return the names
	 */
	public Set<String> models() {
		return new TreeSet<>(this.providers.keySet());
	}

}
