package dev.clavier.autoconfigure;

import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.clavier.discovery.Discoveries;
import dev.clavier.filter.Filters;
import dev.clavier.scout.Scouts;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.cloud.commons.config.DefaultsBindHandlerAdvisor;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Checks the {@code clavier.*} properties as written, before any bean is created, so that no
 * mistake passes silently: a key that is not one fails naming the nearest valid key; a value the
 * binder cannot convert fails listing what it accepts and echoing what was written, with where it
 * was written; a setting of a model that is not selected ({@code scout.http.path} under the
 * {@code tcp} scout) fails naming both. Each failure is a {@link ClavierConfigurationException},
 * reported by the failure analyzer. It also warns, once, when Spring Cloud LoadBalancer is
 * switched off, which leaves every listener unused.
 * <p>
 * The keys are read from {@link ClavierProperties}' classes ({@link ClavierPropertyKeys}), so a
 * property added there is known with no list to keep; so are the keys of any other
 * {@code @ConfigurationProperties} bean whose prefix is below {@code clavier}. Environment
 * variables are not checked: their names are ambiguous ({@code CLAVIER_LISTENERS_MY_SERVICE_...})
 * and may belong to something else.
 */
final class ClavierPropertiesCheck implements BeanFactoryPostProcessor {

	private static final Logger logger = LoggerFactory.getLogger(ClavierPropertiesCheck.class);

	private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("clavier");

	private static final String LOAD_BALANCER_ENABLED = "spring.cloud.loadbalancer.enabled";

	private static final String DURATIONS = "a duration such as 500ms, 2s or 1m (units ns, us, ms, s, m, h, d), "
			+ "or ISO-8601 such as PT2S";

	/**
	 * Names whose value may be a secret (a header's token, a password a probe sends): a failure
	 * about such a key never shows its value.
	 */
	private static final Pattern SENSITIVE = Pattern
		.compile(".*(header|option|send|expect|password|secret|token|key|credential|auth).*");

	private final Environment environment;

	ClavierPropertiesCheck(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		List<ConfigurationProperty> written = written();
		checkKeys(written, otherProperties(beanFactory));
		ClavierProperties properties = bind();
		checkModels(written, properties);
		checkDefaultsApply(written, beanFactory);
		warnIfLoadBalancerOff(properties);
	}

	/**
	 * Returns every {@code clavier.*} property written in an iterable source other than the
	 * environment variables, the first source's value for each name.
	 */
	private List<ConfigurationProperty> written() {
		Map<ConfigurationPropertyName, ConfigurationProperty> written = new TreeMap<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			if (source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource
					|| !(source instanceof IterableConfigurationPropertySource iterable)) {
				continue;
			}
			iterable.stream().filter(ROOT::isAncestorOf).forEach((name) -> {
				ConfigurationProperty property = iterable.getConfigurationProperty(name);
				if (property != null) {
					written.putIfAbsent(name, property);
				}
			});
		}
		return List.copyOf(written.values());
	}

	/**
	 * Binds the properties as the application context will, defaults applied, and checks them,
	 * turning a value the binder cannot convert into a failure that says what it accepts.
	 */
	private ClavierProperties bind() {
		ClavierProperties properties = new ClavierProperties();
		try {
			Binder.get(this.environment)
				.bind(ROOT, Bindable.ofInstance(properties), ClavierDefaults.handler(BindHandler.DEFAULT));
		}
		catch (BindException ex) {
			throw conversionFailure(ex);
		}
		// The same rules the bean checks once bound, here where the failure can say where its value was written.
		try {
			properties.afterPropertiesSet();
		}
		catch (ClavierConfigurationException ex) {
			throw located(ex, this.environment, ClavierListenerConfigMapper.HIDDEN);
		}
		return properties;
	}

	private static ClavierConfigurationException conversionFailure(BindException ex) {
		ConfigurationProperty property = ex.getProperty();
		String name = ((property != null) ? property.getName() : ex.getName()).toString();
		Object value = (property != null) ? property.getValue() : null;
		Class<?> type = ex.getTarget().getType().toClass();
		String expected;
		if (type.isEnum()) {
			expected = "one of " + Arrays.stream(type.getEnumConstants())
				.map((constant) -> ((Enum<?>) constant).name())
				.collect(Collectors.joining(", ")) + " (in any case)";
		}
		else if (type == Duration.class) {
			expected = DURATIONS;
		}
		else if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
			expected = "a whole number";
		}
		else if (type == double.class || type == Double.class) {
			expected = "a number such as 0.1";
		}
		else if (type == boolean.class || type == Boolean.class) {
			expected = "true or false";
		}
		else {
			expected = "a " + type.getSimpleName() + " (" + rootMessage(ex) + ")";
		}
		return new ClavierConfigurationException(name, value, "cannot be read; expected: " + expected,
				"write " + expected, origin(property), ex);
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return String.valueOf(root.getMessage());
	}

	/**
	 * Returns the other {@code @ConfigurationProperties} classes bound below {@code clavier}, by
	 * prefix, so that their keys are not taken for mistakes.
	 */
	private static Map<ConfigurationPropertyName, Class<?>> otherProperties(
			ConfigurableListableBeanFactory beanFactory) {
		Map<ConfigurationPropertyName, Class<?>> others = new LinkedHashMap<>();
		for (String beanName : beanFactory.getBeanDefinitionNames()) {
			Class<?> type = beanFactory.getType(beanName, false);
			ConfigurationProperties annotation = (type != null)
					? AnnotatedElementUtils.findMergedAnnotation(type, ConfigurationProperties.class) : null;
			ConfigurationPropertyName prefix = (annotation != null)
					? ConfigurationPropertyName.ofIfValid(annotation.prefix()) : null;
			if (prefix != null && ROOT.isAncestorOf(prefix)) {
				others.put(prefix, type);
			}
		}
		return others;
	}

	private static void checkKeys(List<ConfigurationProperty> written,
			Map<ConfigurationPropertyName, Class<?>> others) {
		ClavierPropertyKeys keys = ClavierPropertyKeys.of(ClavierProperties.class);
		for (ConfigurationProperty property : written) {
			ConfigurationPropertyName name = property.getName();
			Map.Entry<ConfigurationPropertyName, Class<?>> other = others.entrySet()
				.stream()
				.filter((entry) -> entry.getKey().equals(name) || entry.getKey().isAncestorOf(name))
				.findFirst()
				.orElse(null);
			ClavierPropertyKeys.Unknown unknown = (other != null)
					? ClavierPropertyKeys.of(other.getValue()).find(other.getKey(), name) : keys.find(ROOT, name);
			if (unknown != null) {
				String nearest = unknown.nearest();
				throw new ClavierConfigurationException(unknown.name(), shown(property),
						"no Clavier property has that name"
								+ ((nearest != null) ? "; the nearest valid one is " + nearest : ""),
						(nearest != null) ? "rename it to " + nearest + ", or remove it" : "remove it",
						origin(property), null);
			}
		}
	}

	/**
	 * Fails on a setting of a built-in model that the listener does not select, such as
	 * {@code discovery.dns.*} under the {@code static} discovery; a setting under
	 * {@code clavier.defaults} fails when neither the defaults nor any listener select its model.
	 */
	private static void checkModels(List<ConfigurationProperty> written, ClavierProperties properties) {
		List<ModelKind> kinds = List.of(
				new ModelKind("discovery",
						models(Discoveries.models(), ClavierListenerConfigMapper.DISCOVERY_CLIENT_MODEL),
						(listener) -> listener.getDiscovery().getModel()),
				new ModelKind("scout", models(Scouts.models()), (listener) -> listener.getScout().getModel()),
				new ModelKind("filter", models(Filters.models()), (listener) -> listener.getFilter().getModel()));
		int listenerElements = ClavierDefaults.LISTENERS.getNumberOfElements() + 1;
		for (ConfigurationProperty property : written) {
			ConfigurationPropertyName name = property.getName();
			boolean isDefault = ClavierDefaults.DEFAULTS.isAncestorOf(name);
			int start = isDefault ? ClavierDefaults.DEFAULTS.getNumberOfElements() : listenerElements;
			if ((!isDefault && !ClavierDefaults.LISTENERS.isAncestorOf(name))
					|| name.getNumberOfElements() < start + 3) {
				continue;
			}
			String kindName = name.getElement(start, Form.DASHED);
			String group = name.getElement(start + 1, Form.DASHED);
			for (ModelKind kind : kinds) {
				if (!kind.name().equals(kindName) || !kind.models().contains(group)) {
					continue;
				}
				String setting = kind.name() + "." + group + ".*";
				if (isDefault) {
					Set<String> selected = new LinkedHashSet<>();
					selected.add(kind.model().apply(properties.getDefaults()).trim());
					properties.getListeners()
						.values()
						.forEach((listener) -> selected.add(kind.model().apply(listener).trim()));
					if (!selected.contains(group)) {
						throw new ClavierConfigurationException(name.toString(), shown(property),
								setting + " configures the " + kind.name() + " model '" + group
										+ "', which neither clavier.defaults." + kind.name()
										+ ".model nor any listener selects (selected: " + selected + ")",
								"set a " + kind.name() + ".model to " + group + ", or remove " + name,
								origin(property), null);
					}
				}
				else {
					String id = name.getElement(listenerElements - 1, Form.ORIGINAL);
					ClavierProperties.Listener listener = listener(properties, id);
					String model = (listener != null) ? kind.model().apply(listener).trim() : group;
					if (!model.equals(group)) {
						String prefix = name.chop(listenerElements) + ".";
						throw new ClavierConfigurationException(name.toString(), shown(property),
								setting + " configures the " + kind.name() + " model '" + group + "', but "
										+ prefix + kind.name() + ".model is '" + model + "'",
								"set " + prefix + kind.name() + ".model to " + group + ", or remove " + name,
								origin(property), null);
					}
				}
			}
		}
	}

	private static Set<String> models(Set<String> registered, String... more) {
		Set<String> models = new LinkedHashSet<>(registered);
		models.addAll(Arrays.asList(more));
		return models;
	}

	private static ClavierProperties.@Nullable Listener listener(ClavierProperties properties, String id) {
		ClavierProperties.Listener listener = properties.getListeners().get(id);
		if (listener != null) {
			return listener;
		}
		return properties.getListeners()
			.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().equalsIgnoreCase(id))
			.map(Map.Entry::getValue)
			.findFirst()
			.orElse(null);
	}

	/**
	 * Fails when {@code clavier.defaults} is written but nothing applies it: Spring Cloud
	 * Commons' configuration that brings {@link DefaultsBindHandlerAdvisor} was excluded.
	 */
	private static void checkDefaultsApply(List<ConfigurationProperty> written,
			ConfigurableListableBeanFactory beanFactory) {
		ConfigurationProperty first = written.stream()
			.filter((property) -> ClavierDefaults.DEFAULTS.isAncestorOf(property.getName()))
			.min(Comparator.naturalOrder())
			.orElse(null);
		if (first != null
				&& beanFactory.getBeanNamesForType(DefaultsBindHandlerAdvisor.class, true, false).length == 0) {
			throw new ClavierConfigurationException(first.getName().toString(), first.getValue(),
					"clavier.defaults is applied to the listeners by Spring Cloud Commons' DefaultsBindHandlerAdvisor, "
							+ "and no such bean is defined",
					"do not exclude org.springframework.cloud.commons.config.CommonsConfigAutoConfiguration, "
							+ "or set the key under each clavier.listeners.<id> instead",
					origin(first), null);
		}
	}

	private void warnIfLoadBalancerOff(ClavierProperties properties) {
		if (!properties.getListeners().isEmpty()
				&& !this.environment.getProperty(LOAD_BALANCER_ENABLED, Boolean.class, true)) {
			logger.warn("{}=false: Spring Cloud LoadBalancer is off, so no @LoadBalanced client reaches the Clavier "
					+ "listeners {}; they discover and probe their endpoints for getEndpoint() and the actuator only. "
					+ "Remove {}=false to balance calls through them, or set clavier.enabled=false",
					LOAD_BALANCER_ENABLED, properties.getListeners().keySet(), LOAD_BALANCER_ENABLED);
		}
	}

	/**
	 * Returns a failure found after binding (by the engine's rules) with where its value was
	 * written, for a value inherited from {@code clavier.defaults} too; unchanged when that is
	 * unknown.
	 * @param failure the failure
	 * @param environment the environment the properties were bound from
	 * @param hidden the value a failure shows instead of a secret, never replaced
	 * @return the failure, located
	 */
	static ClavierConfigurationException located(ClavierConfigurationException failure, Environment environment,
			String hidden) {
		ConfigurationPropertyName name = ConfigurationPropertyName.ofIfValid(failure.getProperty());
		if (failure.getOrigin() != null || name == null) {
			return failure;
		}
		ConfigurationProperty written = find(environment, name);
		ConfigurationPropertyName writtenUnder = null;
		int listenerElements = ClavierDefaults.LISTENERS.getNumberOfElements() + 1;
		if (written == null && ClavierDefaults.LISTENERS.isAncestorOf(name)
				&& name.getNumberOfElements() > listenerElements) {
			writtenUnder = ClavierDefaults.DEFAULTS;
			for (int i = listenerElements; i < name.getNumberOfElements(); i++) {
				writtenUnder = writtenUnder.append(name.getElement(i, Form.ORIGINAL));
			}
			written = find(environment, writtenUnder);
		}
		String origin = origin(written);
		if (written == null || origin == null) {
			return failure;
		}
		Object value = hidden.equals(failure.getValue()) ? null : written.getValue();
		return failure.located(value, (writtenUnder != null) ? writtenUnder.toString() : null, origin);
	}

	private static @Nullable ConfigurationProperty find(Environment environment, ConfigurationPropertyName name) {
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			ConfigurationProperty property = source.getConfigurationProperty(name);
			if (property != null) {
				return property;
			}
		}
		return null;
	}

	private static @Nullable Object shown(ConfigurationProperty property) {
		String name = property.getName().toString().toLowerCase(Locale.ROOT);
		return SENSITIVE.matcher(name).matches() ? ClavierListenerConfigMapper.HIDDEN : property.getValue();
	}

	private static @Nullable String origin(@Nullable ConfigurationProperty property) {
		Origin origin = (property != null) ? property.getOrigin() : null;
		return (origin != null) ? origin.toString() : null;
	}

	/**
	 * A plug-in kind as this check sees it.
	 *
	 * @param name its name in the properties, for example {@code scout}
	 * @param models the names of its built-in and registered models
	 * @param model the model a listener selects
	 */
	private record ModelKind(String name, Set<String> models, Function<ClavierProperties.Listener, String> model) {

		ModelKind {
			Objects.requireNonNull(name, "name");
		}

	}

}
