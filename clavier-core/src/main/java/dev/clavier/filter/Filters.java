package dev.clavier.filter;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.clavier.model.InvalidOptionException;
import dev.clavier.model.ModelRegistry;

/**
 * The built-in filters and the lookup of filter models by name.
 * <pre>{@code
 * Filter rr = Filters.roundRobin();
 * Filter other = Filters.create("random", Map.of());
 * }</pre>
 * Thread-safe.
 */
public final class Filters {

	private static final ModelRegistry<FilterProvider> REGISTRY = new ModelRegistry<>("filter", FilterProvider.class,
			List.of(provider(RoundRobinFilter.INSTANCE), provider(RandomFilter.INSTANCE)), FilterProvider::model);

	private Filters() {
	}

	/**
	 * Returns the {@code round-robin} filter, the default: the next endpoint in order,
	 * starting at a random offset.
	 * @return the filter
	 */
	public static Filter roundRobin() {
		return RoundRobinFilter.INSTANCE;
	}

	/**
	 * Returns the {@code random} filter: an endpoint picked uniformly at random.
	 * @return the filter
	 */
	public static Filter random() {
		return RandomFilter.INSTANCE;
	}

	/**
	 * Creates a filter by model name: a built-in one or one registered through a
	 * {@link FilterProvider} with {@link java.util.ServiceLoader}.
	 * @param model the model name, for example {@code round-robin}
	 * @param options model-specific options
	 * @return the filter
	 * @throws InvalidOptionException if the model is unknown or an option is wrong
	 */
	public static Filter create(String model, Map<String, String> options) {
		return REGISTRY.provider(model).create(options);
	}

	/**
	 * Returns the names of every available filter model.
	 * @return the names, sorted
	 */
	public static Set<String> models() {
		return REGISTRY.models();
	}

	private static FilterProvider provider(Filter filter) {
		return new FilterProvider() {

			@Override
			public String model() {
				return filter.model();
			}

			@Override
			public Filter create(Map<String, String> options) {
				if (!options.isEmpty()) {
					String first = new TreeSet<>(options.keySet()).first();
					throw InvalidOptionException.withMessage(
							"filter '" + filter.model() + "' takes no options, got " + options.keySet(), first,
							options.get(first), "no options, the " + filter.model() + " model takes none", null);
				}
				return filter;
			}

		};
	}

}
