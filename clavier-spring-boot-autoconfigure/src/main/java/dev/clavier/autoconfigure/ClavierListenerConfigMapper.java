package dev.clavier.autoconfigure;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Supplier;

import dev.clavier.Clavier;
import dev.clavier.autoconfigure.discovery.DiscoveryClientDiscovery;
import dev.clavier.discovery.Discoveries;
import dev.clavier.discovery.Discovery;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.discovery.dns.DnsDiscovery;
import dev.clavier.filter.Filter;
import dev.clavier.filter.Filters;
import dev.clavier.filter.LeastRequestFilter;
import dev.clavier.filter.SlowStart;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.model.InvalidOptionException;
import dev.clavier.scout.HttpScout;
import dev.clavier.scout.Scout;
import dev.clavier.scout.Scouts;
import dev.clavier.scout.TcpScout;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Turns {@link ClavierProperties} into one {@link ListenerConfig} per listener, the only place
 * where the engine's types meet the properties.
 * <p>
 * The engine's builders check every rule. When one rejects a value it throws an
 * {@link InvalidOptionException} naming its option, and the option is translated to the
 * property that set it: the options of {@link ListenerConfig} through one table, those of a
 * built-in model with typed properties as {@code <kind>.<model>.<option>} (in kebab case), and
 * those of other models as {@code <kind>.options.<option>}. The result is a
 * {@link ClavierConfigurationException} naming the property.
 * <p>
 * A model name is resolved the same way for each kind (discovery, scout, filter): a built-in
 * model with typed properties first, then a bean of the plug-in's type with that name, then a
 * model registered with {@link java.util.ServiceLoader}, which alone receives the
 * {@code <kind>.options.*} entries.
 */
final class ClavierListenerConfigMapper {

	static final String DISCOVERY_CLIENT_MODEL = "discovery-client";

	private static final String DISCOVERY_CLIENT_CLASS = "org.springframework.cloud.client.discovery.DiscoveryClient";

	// The grpc scout (from the clavier-grpc module) and the gRPC classes it needs.
	private static final String[] GRPC_CLASSES = { "dev.clavier.scout.grpc.GrpcScoutProvider", "io.grpc.ManagedChannel",
			"io.grpc.stub.ClientCalls", "io.grpc.protobuf.ProtoUtils", "io.grpc.health.v1.HealthGrpc",
			"io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder" };

	private static final String GRPC_MODULE = "dev.clavier:clavier-grpc";

	/**
	 * The property that sets each option of the engine's own builder, {@link Clavier.Builder}.
	 */
	private static final Map<String, String> ENGINE_PROPERTIES = Map.of("ioThreads", "clavier.io-threads");

	/**
	 * The property that sets each option of {@link ListenerConfig}, relative to the listener's prefix.
	 */
	private static final Map<String, String> LISTENER_PROPERTIES = Map.ofEntries(
			Map.entry("interval", "scout.interval"), Map.entry("fastInterval", "scout.fast-interval"),
			Map.entry("downInterval", "scout.down-interval"), Map.entry("timeout", "scout.timeout"),
			Map.entry("jitter", "scout.jitter"), Map.entry("rise", "scout.rise"), Map.entry("fall", "scout.fall"),
			Map.entry("maxProbesInFlight", "scout.max-in-flight"), Map.entry("discoveryTimeout", "discovery.timeout"),
			Map.entry("discoveryRetryMin", "discovery.retry-min"),
			Map.entry("discoveryRetryMax", "discovery.retry-max"),
			Map.entry("outlierFailures", "outlier-detection.consecutive-failures"),
			Map.entry("baseEjectionTime", "outlier-detection.base-ejection-time"),
			Map.entry("maxEjectionTime", "outlier-detection.max-ejection-time"),
			Map.entry("maxEjectionPercent", "outlier-detection.max-ejection-percent"),
			Map.entry("failurePercentageThreshold", "outlier-detection.failure-percentage.threshold"),
			Map.entry("failurePercentageMinimumCalls", "outlier-detection.failure-percentage.minimum-calls"),
			Map.entry("failurePercentageWindow", "outlier-detection.failure-percentage.window"),
			Map.entry("panicThreshold", "panic-threshold"), Map.entry("subsetSize", "subset.size"),
			Map.entry("subsetInstanceId", "subset.instance-id"), Map.entry("zone", "zone"),
			Map.entry("slowStartWindow", "filter.slow-start.window"),
			Map.entry("slowStartAggression", "filter.slow-start.aggression"),
			Map.entry("slowStartMinWeightPercent", "filter.slow-start.min-weight-percent"));

	private static final Kind<Discovery> DISCOVERY = new Kind<>("discovery", Discovery.class, Discoveries::models,
			Discoveries::create);

	private static final Kind<Scout> SCOUT = new Kind<>("scout", Scout.class, Scouts::models, Scouts::create);

	private static final Kind<Filter> FILTER = new Kind<>("filter", Filter.class, Filters::models, Filters::create);

	/**
	 * The action of a failure that is not an {@link InvalidOptionException}, which says nothing
	 * but its message.
	 */
	private static final String FALLBACK_ACTION = "write a valid value as the reason says";

	static final String HIDDEN = "(hidden)";

	private final ListableBeanFactory beanFactory;

	private final @Nullable ClassLoader classLoader;

	/** Spring Cloud's zone for a listener without its own, or {@code null} without an environment. */
	private final @Nullable LoadBalancerZone defaultZone;

	/** Spring Cloud's subsetting for a listener without its own; none without an environment. */
	private final ClavierSubsetDefaults subsetDefaults;

	ClavierListenerConfigMapper(ListableBeanFactory beanFactory, @Nullable ClassLoader classLoader) {
		this(beanFactory, classLoader, null);
	}

	ClavierListenerConfigMapper(ListableBeanFactory beanFactory, @Nullable ClassLoader classLoader,
			@Nullable Environment environment) {
		this.beanFactory = beanFactory;
		this.classLoader = classLoader;
		this.defaultZone = (environment != null) ? new LoadBalancerZone(environment) : null;
		this.subsetDefaults = new ClavierSubsetDefaults(environment);
	}

	/**
	 * Returns a builder of the engine with the engine-wide settings applied.
	 * @param properties the bound properties
	 * @return the builder
	 * @throws ClavierConfigurationException naming the property the engine rejects
	 */
	static Clavier.Builder engine(ClavierProperties properties) {
		Clavier.Builder builder = Clavier.builder();
		Integer ioThreads = properties.getIoThreads();
		if (ioThreads != null) {
			configure(ENGINE_PROPERTIES::get, "clavier.io-threads", ioThreads, () -> builder.ioThreads(ioThreads));
		}
		return builder;
	}

	/**
	 * Returns the configuration of every listener, in the order of the properties.
	 * @param properties the bound properties
	 * @return the configurations by service id
	 * @throws ClavierConfigurationException naming the first property the engine rejects
	 */
	Map<String, ListenerConfig> map(ClavierProperties properties) {
		Map<String, ListenerConfig> configs = new LinkedHashMap<>();
		properties.getListeners().forEach((id, listener) -> configs.put(id, map(id, listener)));
		return configs;
	}

	private ListenerConfig map(String id, ClavierProperties.Listener listener) {
		String prefix = ClavierProperties.prefix(id);
		ClavierProperties.Discovery discovery = listener.getDiscovery();
		ClavierProperties.Scout scout = listener.getScout();
		Discovery discoveryModel = discovery(id, prefix, discovery);
		Scout scoutModel = scout(prefix, scout);
		Filter filterModel = filter(prefix, listener.getFilter());
		ClavierProperties.OutlierDetection outlier = listener.getOutlierDetection();
		int outlierFailures = outlier.isEnabled() ? outlier.getConsecutiveFailures() : 0;
		ClavierSubsetDefaults.Settings subset = this.subsetDefaults.resolve(id, listener.getSubset());
		String zone = listener.getZone();
		if (zone == null && this.defaultZone != null) {
			zone = this.defaultZone.zone(id);
		}
		String listenerZone = zone;
		ClavierProperties.SlowStart slowStart = listener.getFilter().getSlowStart();
		return configure(listenerPaths(prefix), prefix + "scout.timeout", scout.getTimeout(),
				() -> ListenerConfig.builder(discoveryModel)
					.scout(scoutModel)
					.filter(filterModel)
					.interval(scout.getInterval())
					.fastInterval(scout.getFastInterval())
					.downInterval(scout.getDownInterval())
					.timeout(scout.getTimeout())
					.jitter(scout.getJitter())
					.rise(scout.getRise())
					.fall(scout.getFall())
					.maxProbesInFlight(scout.getMaxInFlight())
					.discoveryTimeout(discovery.getTimeout())
					.discoveryRetry(discovery.getRetryMin(), discovery.getRetryMax())
					.outlierFailures(outlierFailures)
					.baseEjectionTime(outlier.getBaseEjectionTime())
					.maxEjectionTime(outlier.getMaxEjectionTime())
					.maxEjectionPercent(outlier.getMaxEjectionPercent())
					.failurePercentage(outlier.getFailurePercentage().getThreshold(),
							outlier.getFailurePercentage().getMinimumCalls(), outlier.getFailurePercentage().getWindow())
					.panicThreshold(listener.getPanicThreshold())
					.ignoreHealth(listener.isIgnoreHealth())
					.allDownPolicy(listener.getAllDownPolicy())
					.clearOnEmpty(discovery.isClearOnEmpty())
					.subset(subset.size(), subset.instanceId())
					.zone(listenerZone)
					.slowStart(new SlowStart(slowStart.getWindow(), slowStart.getAggression(),
							slowStart.getMinWeightPercent()))
					.build());
	}

	private Discovery discovery(String id, String prefix, ClavierProperties.Discovery properties) {
		Map<String, Supplier<Discovery>> typed = new LinkedHashMap<>();
		typed.put("dns", () -> dns(prefix, properties.getDns()));
		typed.put("static", () -> fixed(prefix, properties.getStatic()));
		typed.put(DISCOVERY_CLIENT_MODEL, () -> discoveryClient(id, prefix, properties.getDiscoveryClient()));
		return resolve(DISCOVERY, prefix, properties.getModel(), properties.getOptions(), typed);
	}

	private static Discovery dns(String prefix, ClavierProperties.Dns properties) {
		return configure(typedPaths(prefix, "discovery", "dns"), prefix + "discovery.model", "dns", () -> {
			DnsDiscovery.Builder builder = DnsDiscovery.builder();
			String name = properties.getName();
			if (name != null) {
				builder.name(name.trim());
			}
			Integer port = properties.getPort();
			if (port != null) {
				builder.port(port);
			}
			return builder.recordType(properties.getRecordType())
				.servers(properties.getServers())
				.minTtl(properties.getMinTtl())
				.maxTtl(properties.getMaxTtl())
				.queryTimeout(properties.getQueryTimeout())
				.build();
		});
	}

	private static Discovery fixed(String prefix, ClavierProperties.Static properties) {
		return configure(typedPaths(prefix, "discovery", "static"), prefix + "discovery.static.endpoints",
				properties.getEndpoints(), () -> StaticDiscovery.parse(0, properties.getEndpoints()));
	}

	private Discovery discoveryClient(String id, String prefix, ClavierProperties.DiscoveryClient properties) {
		String property = prefix + "discovery.model";
		if (!ClassUtils.isPresent(DISCOVERY_CLIENT_CLASS, this.classLoader)) {
			throw new ClavierConfigurationException(property, DISCOVERY_CLIENT_MODEL,
					"Spring Cloud Commons is not on the class path",
					"add org.springframework.cloud:spring-cloud-commons, or use another discovery model");
		}
		String serviceId = (properties.getServiceId() != null) ? properties.getServiceId().trim() : id;
		return configure(typedPaths(prefix, "discovery", DISCOVERY_CLIENT_MODEL), property, DISCOVERY_CLIENT_MODEL, () -> {
			try {
				return DiscoveryClientDiscovery.fromBeanFactory(this.beanFactory, property, serviceId,
						properties.getRefreshInterval());
			}
			catch (IllegalStateException ex) {
				throw new ClavierConfigurationException(property, DISCOVERY_CLIENT_MODEL, String.valueOf(ex.getMessage()),
						"add a DiscoveryClient implementation (spring-cloud-starter-consul-discovery, "
								+ "spring.cloud.discovery.client.simple.instances...), or use another discovery model");
			}
		});
	}

	private Scout scout(String prefix, ClavierProperties.Scout properties) {
		Map<String, Supplier<Scout>> typed = new LinkedHashMap<>();
		typed.put("tcp", () -> tcp(prefix, properties.getTcp()));
		typed.put("http", () -> http(prefix, properties.getHttp()));
		typed.put("grpc", () -> grpc(prefix, properties.getGrpc()));
		typed.put("none", Scouts::none);
		return resolve(SCOUT, prefix, properties.getModel(), properties.getOptions(), typed);
	}

	private static Scout tcp(String prefix, ClavierProperties.Tcp properties) {
		return configure(typedPaths(prefix, "scout", "tcp"), prefix + "scout.model", "tcp", () -> {
			TcpScout.Builder builder = TcpScout.builder();
			if (properties.getSend() != null) {
				builder.send(properties.getSend());
			}
			if (properties.getExpect() != null) {
				builder.expect(properties.getExpect());
			}
			return builder.build();
		});
	}

	private static Scout http(String prefix, ClavierProperties.Http properties) {
		OptionPaths paths = typedPaths(prefix, "scout", "http");
		String at = prefix + "scout.http.";
		HttpScout.Builder builder = HttpScout.builder();
		// One step per property: a builder that does not name its options yet is still named by the step.
		configure(paths, at + "path", properties.getPath(), () -> builder.path(properties.getPath()));
		configure(paths, at + "method", properties.getMethod(), () -> builder.method(properties.getMethod()));
		properties.getHeaders()
			.forEach((name, value) -> secret(at + "headers." + name, () -> builder.header(name, value)));
		String expectedStatuses = properties.getExpectedStatuses();
		if (expectedStatuses != null) {
			configure(paths, at + "expected-statuses", expectedStatuses,
					() -> builder.expectedStatuses(expectedStatuses));
		}
		builder.tls(properties.isTls());
		builder.insecureTrustAll(properties.isInsecureTrustAll());
		builder.reuseConnection(properties.isReuseConnection());
		configure(paths, at + "max-body-bytes", properties.getMaxBodyBytes(),
				() -> builder.maxBodyBytes(properties.getMaxBodyBytes()));
		return configure(paths, at + "insecure-trust-all", properties.isInsecureTrustAll(), builder::build);
	}

	private Scout grpc(String prefix, ClavierProperties.Grpc properties) {
		String property = prefix + "scout.model";
		String[] missing = Arrays.stream(GRPC_CLASSES)
			.filter((name) -> !ClassUtils.isPresent(name, this.classLoader))
			.toArray(String[]::new);
		if (missing.length > 0) {
			throw new ClavierConfigurationException(property, "grpc",
					"the grpc scout is not on the class path (missing " + String.join(", ", missing) + ")",
					"add the dependency " + GRPC_MODULE + " (same version as the starter; it brings gRPC), "
							+ "or use another scout model");
		}
		// Through the provider, so that no gRPC type is linked from this class.
		Map<String, String> options = new LinkedHashMap<>();
		options.put("service", properties.getService());
		options.put("tls", Boolean.toString(properties.isTls()));
		if (properties.getAuthority() != null) {
			options.put("authority", properties.getAuthority());
		}
		options.put("mode", properties.getMode());
		return configure(typedPaths(prefix, "scout", "grpc"), property, "grpc", () -> Scouts.create("grpc", options));
	}

	private Filter filter(String prefix, ClavierProperties.Filter properties) {
		Map<String, Supplier<Filter>> typed = new LinkedHashMap<>();
		typed.put("round-robin", Filters::roundRobin);
		typed.put("random", Filters::random);
		typed.put("least-request", () -> leastRequest(prefix, properties.getLeastRequest()));
		return resolve(FILTER, prefix, properties.getModel(), properties.getOptions(), typed);
	}

	private static Filter leastRequest(String prefix, ClavierProperties.LeastRequest properties) {
		String at = prefix + "filter.least-request.";
		return configure(typedPaths(prefix, "filter", "least-request"), at + "choice-count",
				properties.getChoiceCount(), () -> LeastRequestFilter.builder()
					.choiceCount(properties.getChoiceCount())
					.activeRequestBias(properties.getActiveRequestBias())
					.build());
	}

	/**
	 * Returns the model a {@code <kind>.model} property names: a built-in model with typed
	 * properties, else a bean of the kind's type with that name, else a model registered with
	 * {@link java.util.ServiceLoader}, created with the {@code <kind>.options} entries. Only the
	 * last takes options; given to the others they fail, naming {@code <kind>.options}.
	 */
	private <T> T resolve(Kind<T> kind, String prefix, @Nullable String model, Map<String, String> options,
			Map<String, Supplier<T>> typed) {
		String modelProperty = prefix + kind.name() + ".model";
		String optionsProperty = prefix + kind.name() + ".options";
		String type = kind.type().getSimpleName();
		String builtIns = String.join(", ", typed.keySet());
		String name = (model != null) ? model.trim() : "";
		if (name.isEmpty()) {
			throw new ClavierConfigurationException(modelProperty, model, "expected: a model name",
					"write " + builtIns + " or the name of a " + type + " bean or registered model");
		}
		Supplier<T> builtIn = typed.get(name);
		if (builtIn != null) {
			rejectOptions(optionsProperty, options,
					"the " + kind.name() + " model '" + name + "' is built in and set by its own properties",
					"remove it; the built-in models are set under " + prefix + kind.name() + ".<model>");
			return builtIn.get();
		}
		if (this.beanFactory.containsBean(name) && this.beanFactory.isTypeMatch(name, kind.type())) {
			rejectOptions(optionsProperty, options,
					"the " + kind.name() + " model '" + name + "' is a " + type
							+ " bean, which options cannot configure",
					"remove it, and configure the bean where it is declared");
			return this.beanFactory.getBean(name, kind.type());
		}
		Set<String> registered = kind.registered().get();
		if (registered.contains(name)) {
			Map<String, String> given = Map.copyOf(options);
			return configure(optionsPaths(prefix, kind.name()), modelProperty, name,
					() -> kind.create().apply(name, given));
		}
		Set<String> beans = new TreeSet<>(
				Arrays.asList(this.beanFactory.getBeanNamesForType(kind.type(), true, false)));
		throw new ClavierConfigurationException(modelProperty, name,
				"no built-in " + type + " model, no " + type + " bean and no registered model has that name",
				"write one of " + builtIns + ((beans.isEmpty()) ? "" : ", or one of the beans " + beans)
						+ ((registered.isEmpty()) ? "" : " (models found: " + registered + ")"));
	}

	private static void rejectOptions(String property, Map<String, String> options, String reason, String action) {
		if (!options.isEmpty()) {
			// The names only: a value may be a secret.
			throw new ClavierConfigurationException(property, new TreeSet<>(options.keySet()),
					"options configure models registered with ServiceLoader only, and " + reason, action);
		}
	}

	/**
	 * Returns how the options of {@link ListenerConfig} are named: through the table.
	 */
	private static OptionPaths listenerPaths(String prefix) {
		return (option) -> {
			String suffix = LISTENER_PROPERTIES.get(option);
			return (suffix != null) ? prefix + suffix : null;
		};
	}

	/**
	 * Returns how the options of a built-in model with typed properties are named:
	 * {@code <kind>.<model>.<option>}, the option in kebab case ({@code minTtl} is
	 * {@code discovery.dns.min-ttl}), an index kept ({@code discovery.static.endpoints[1]}).
	 */
	private static OptionPaths typedPaths(String prefix, String kind, String model) {
		return (option) -> prefix + kind + "." + model + "." + kebabCase(option);
	}

	/**
	 * Returns how the options of a model registered with {@link java.util.ServiceLoader} are
	 * named: {@code <kind>.options.<option>}, the option as written there.
	 */
	private static OptionPaths optionsPaths(String prefix, String kind) {
		return (option) -> prefix + kind + ".options." + option;
	}

	static String kebabCase(String option) {
		StringBuilder name = new StringBuilder(option.length() + 4);
		for (int i = 0; i < option.length(); i++) {
			char c = option.charAt(i);
			if (Character.isUpperCase(c)) {
				name.append('-').append(Character.toLowerCase(c));
			}
			else {
				name.append(c);
			}
		}
		return name.toString();
	}

	private static void configure(OptionPaths paths, String property, @Nullable Object value, Runnable step) {
		configure(paths, property, value, () -> {
			step.run();
			return null;
		});
	}

	/**
	 * Runs one step against the engine's builders, turning a rejection into a
	 * {@link ClavierConfigurationException}: an {@link InvalidOptionException} names the property
	 * its option was set by, any other failure the given property and value.
	 */
	private static <T> T configure(OptionPaths paths, String property, @Nullable Object value, Supplier<T> step) {
		try {
			return step.get();
		}
		catch (InvalidOptionException ex) {
			String named = paths.property(ex.option());
			throw new ClavierConfigurationException((named != null) ? named : property, ex.value(), ex);
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			throw new ClavierConfigurationException(property, value, String.valueOf(ex.getMessage()), FALLBACK_ACTION,
					ex);
		}
	}

	/**
	 * Runs one step whose value must never be shown, such as a header that carries a token.
	 */
	private static void secret(String property, Runnable step) {
		try {
			step.run();
		}
		catch (InvalidOptionException ex) {
			throw new ClavierConfigurationException(property, HIDDEN, ex);
		}
		catch (IllegalArgumentException ex) {
			throw new ClavierConfigurationException(property, HIDDEN, String.valueOf(ex.getMessage()), FALLBACK_ACTION,
					ex);
		}
	}

	/**
	 * Names the property an engine option was set by.
	 */
	@FunctionalInterface
	private interface OptionPaths {

		/**
		 * Returns the full name of the property that sets an option.
		 * @param option the option's name as the engine knows it
		 * @return the property, or {@code null} if no property sets it
		 */
		@Nullable String property(String option);

	}

	/**
	 * A plug-in kind as the resolver sees it: its name in the properties, its type, and the
	 * models registered with {@link java.util.ServiceLoader} and how to create one.
	 *
	 * @param <T> the plug-in type
	 * @param name the kind's name in the properties, for example {@code scout}
	 * @param type the plug-in type
	 * @param registered the names of the registered models, built-in ones included
	 * @param create creates a registered model from its options
	 */
	private record Kind<T>(String name, Class<T> type, Supplier<Set<String>> registered,
			BiFunction<String, Map<String, String>, T> create) {
	}

}
