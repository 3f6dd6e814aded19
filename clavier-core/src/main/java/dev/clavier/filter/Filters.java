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
			List.of(provider(RoundRobinFilter.INSTANCE), provider(RandomFilter.INSTANCE), new LeastRequestFilterProvider()),
			FilterProvider::model);

	private Filters() {
	}

	/**
	 * Returns the {@code round-robin} filter, the default: smooth weighted round robin (nginx's),
	 * which interleaves endpoints in proportion to their weights and is the plain rotation when the
	 * weights are equal; each thread keeps its own position, starting at a random offset. An
	 * endpoint of weight 0 gets one pick in {@code 100 × (sum of the positive weights) + (number of
	 * weight-0 endpoints)} when another weight is positive (RFC 2782's "very small chance"), and
	 * an equal share when every weight is 0.
	 * @return the filter
	 */
	public static Filter roundRobin() {
		return RoundRobinFilter.INSTANCE;
	}

	/**
	 * Returns the {@code random} filter: an endpoint picked at random with a chance proportional to
	 * its weight, weight 0 as for {@link #roundRobin()}.
	 * @return the filter
	 */
	public static Filter random() {
		return RandomFilter.INSTANCE;
	}

	/**
	 * Returns the {@code least-request} filter with its defaults: the power of two choices over
	 * the calls in flight to each endpoint, weight-aware (see {@link LeastRequestFilter}; its
	 * {@link LeastRequestFilter#builder() builder} sets the choice count and the active request bias).
	 * @return the filter
	 */
	public static Filter leastRequest() {
		return LeastRequestFilter.defaults();
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
