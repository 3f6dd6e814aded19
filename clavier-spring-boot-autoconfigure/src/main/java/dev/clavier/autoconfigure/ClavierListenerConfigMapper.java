package dev.clavier.autoconfigure;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import dev.clavier.autoconfigure.discovery.DiscoveryClientDiscovery;
import dev.clavier.discovery.Discoveries;
import dev.clavier.discovery.Discovery;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.discovery.dns.DnsDiscovery;
import dev.clavier.filter.Filter;
import dev.clavier.filter.Filters;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.scout.HttpScout;
import dev.clavier.scout.Scout;
import dev.clavier.scout.Scouts;
import dev.clavier.scout.TcpScout;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * Turns {@link ClavierProperties} into one {@link ListenerConfig} per listener, the only place
 * where the engine's types meet the properties. A model name is looked up as a built-in model
 * first, then as a bean of the plug-in's type with that name, then as a model registered with
 * {@link java.util.ServiceLoader}. Every engine error is rethrown as a
 * {@link ClavierConfigurationException} naming the property.
 */
final class ClavierListenerConfigMapper {

	static final String DISCOVERY_CLIENT_MODEL = "discovery-client";

	private static final String DISCOVERY_CLIENT_CLASS = "org.springframework.cloud.client.discovery.DiscoveryClient";

	private static final String[] GRPC_CLASSES = { "io.grpc.ManagedChannel", "io.grpc.stub.ClientCalls",
			"io.grpc.protobuf.ProtoUtils", "io.grpc.health.v1.HealthGrpc",
			"io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder" };

	private final ListableBeanFactory beanFactory;

	private final @Nullable ClassLoader classLoader;

	ClavierListenerConfigMapper(ListableBeanFactory beanFactory, @Nullable ClassLoader classLoader) {
		this.beanFactory = beanFactory;
		this.classLoader = classLoader;
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
		ListenerConfig.Builder builder = ListenerConfig.builder(discovery(id, prefix + "discovery.", discovery))
			.scout(scout(prefix + "scout.", scout))
			.filter(filter(prefix + "filter.model", listener.getFilter().getModel()));
		apply(prefix + "scout.interval", scout.getInterval(), () -> builder.interval(scout.getInterval()));
		apply(prefix + "scout.timeout", scout.getTimeout(), () -> builder.timeout(scout.getTimeout()));
		apply(prefix + "scout.jitter", scout.getJitter(), () -> builder.jitter(scout.getJitter()));
		apply(prefix + "scout.rise", scout.getRise(), () -> builder.rise(scout.getRise()));
		apply(prefix + "scout.fall", scout.getFall(), () -> builder.fall(scout.getFall()));
		apply(prefix + "scout.max-in-flight", scout.getMaxInFlight(),
				() -> builder.maxProbesInFlight(scout.getMaxInFlight()));
		apply(prefix + "discovery.timeout", discovery.getTimeout(),
				() -> builder.discoveryTimeout(discovery.getTimeout()));
		apply(prefix + "discovery.retry-min", discovery.getRetryMin(),
				() -> builder.discoveryRetry(discovery.getRetryMin(), discovery.getRetryMax()));
		ClavierProperties.OutlierDetection outlier = listener.getOutlierDetection();
		int outlierFailures = outlier.isEnabled() ? outlier.getConsecutiveFailures() : 0;
		apply(prefix + "outlier-detection.consecutive-failures", outlierFailures,
				() -> builder.outlierFailures(outlierFailures));
		builder.ignoreHealth(listener.isIgnoreHealth())
			.allDownPolicy(listener.getAllDownPolicy())
			.clearOnEmpty(discovery.isClearOnEmpty());
		return build(prefix + "scout.timeout", scout.getTimeout(), builder::build);
	}

	private Discovery discovery(String id, String prefix, ClavierProperties.Discovery properties) {
		String model = properties.getModel().trim();
		String property = prefix + "model";
		return switch (model) {
			case "dns" -> dns(prefix + "dns.", properties.getDns());
			case "static" -> build(prefix + "static.endpoints", properties.getStatic().getEndpoints(),
					() -> StaticDiscovery.parse(0, properties.getStatic().getEndpoints()));
			case DISCOVERY_CLIENT_MODEL -> discoveryClient(id, property, properties.getDiscoveryClient());
			default -> custom(property, model, Discovery.class, Discoveries.models(),
					() -> Discoveries.create(model, Map.of()), "dns, static, discovery-client");
		};
	}

	private Discovery dns(String prefix, ClavierProperties.Dns properties) {
		DnsDiscovery.Builder builder = DnsDiscovery.builder();
		String name = properties.getName();
		if (name != null) {
			apply(prefix + "name", name, () -> builder.name(name.trim()));
		}
		Integer port = properties.getPort();
		if (port != null) {
			apply(prefix + "port", port, () -> builder.port(port));
		}
		builder.recordType(properties.getRecordType());
		apply(prefix + "servers", properties.getServers(), () -> builder.servers(properties.getServers()));
		apply(prefix + "min-ttl", properties.getMinTtl(), () -> builder.minTtl(properties.getMinTtl()));
		apply(prefix + "max-ttl", properties.getMaxTtl(), () -> builder.maxTtl(properties.getMaxTtl()));
		apply(prefix + "query-timeout", properties.getQueryTimeout(),
				() -> builder.queryTimeout(properties.getQueryTimeout()));
		return build(prefix + "port", port, builder::build);
	}

	private Discovery discoveryClient(String id, String property, ClavierProperties.DiscoveryClient properties) {
		if (!ClassUtils.isPresent(DISCOVERY_CLIENT_CLASS, this.classLoader)) {
			throw new ClavierConfigurationException(property, DISCOVERY_CLIENT_MODEL,
					"Spring Cloud Commons is not on the class path",
					"add org.springframework.cloud:spring-cloud-commons, or use another discovery model");
		}
		String serviceId = (properties.getServiceId() != null) ? properties.getServiceId().trim() : id;
		try {
			return DiscoveryClientDiscovery.fromBeanFactory(this.beanFactory, property, serviceId,
					properties.getRefreshInterval());
		}
		catch (IllegalStateException ex) {
			throw new ClavierConfigurationException(property, DISCOVERY_CLIENT_MODEL, String.valueOf(ex.getMessage()),
					"add a DiscoveryClient implementation (spring-cloud-starter-consul-discovery, "
							+ "spring.cloud.discovery.client.simple.instances...), or use another discovery model");
		}
	}

	private Scout scout(String prefix, ClavierProperties.Scout properties) {
		String model = properties.getModel().trim();
		String property = prefix + "model";
		return switch (model) {
			case "tcp" -> tcp(prefix + "tcp.", properties.getTcp());
			case "http" -> http(prefix + "http.", properties.getHttp());
			case "grpc" -> grpc(property, prefix + "grpc.", properties.getGrpc());
			case "none" -> Scouts.none();
			default -> custom(property, model, Scout.class, Scouts.models(), () -> Scouts.create(model, Map.of()),
					"tcp, http, grpc, none");
		};
	}

	private Scout tcp(String prefix, ClavierProperties.Tcp properties) {
		TcpScout.Builder builder = TcpScout.builder();
		String send = properties.getSend();
		if (send != null) {
			apply(prefix + "send", send, () -> builder.send(send));
		}
		String expect = properties.getExpect();
		if (expect != null) {
			apply(prefix + "expect", expect, () -> builder.expect(expect));
		}
		return builder.build();
	}

	private Scout http(String prefix, ClavierProperties.Http properties) {
		HttpScout.Builder builder = HttpScout.builder();
		apply(prefix + "path", properties.getPath(), () -> builder.path(properties.getPath()));
		apply(prefix + "method", properties.getMethod(), () -> builder.method(properties.getMethod()));
		properties.getHeaders()
			.forEach((name, value) -> apply(prefix + "headers." + name, "(hidden)", () -> builder.header(name, value)));
		String expectedStatuses = properties.getExpectedStatuses();
		if (expectedStatuses != null) {
			apply(prefix + "expected-statuses", expectedStatuses, () -> builder.expectedStatuses(expectedStatuses));
		}
		builder.tls(properties.isTls());
		builder.insecureTrustAll(properties.isInsecureTrustAll());
		builder.reuseConnection(properties.isReuseConnection());
		apply(prefix + "max-body-bytes", properties.getMaxBodyBytes(),
				() -> builder.maxBodyBytes(properties.getMaxBodyBytes()));
		return build(prefix + "insecure-trust-all", properties.isInsecureTrustAll(), builder::build);
	}

	private Scout grpc(String property, String prefix, ClavierProperties.Grpc properties) {
		String[] missing = Arrays.stream(GRPC_CLASSES)
			.filter((name) -> !ClassUtils.isPresent(name, this.classLoader))
			.toArray(String[]::new);
		if (missing.length > 0) {
			throw new ClavierConfigurationException(property, "grpc",
					"gRPC is not on the class path (missing " + String.join(", ", missing) + ")",
					"add io.grpc:grpc-netty-shaded, io.grpc:grpc-services and io.grpc:grpc-protobuf "
							+ "(or depend on clavier-spring-boot-starter), or use another scout model");
		}
		// Through the provider, so that no gRPC type is linked from this class.
		Map<String, String> options = new LinkedHashMap<>();
		options.put("service", properties.getService());
		options.put("tls", Boolean.toString(properties.isTls()));
		if (properties.getAuthority() != null) {
			options.put("authority", properties.getAuthority());
		}
		String authority = properties.getAuthority();
		return build((authority != null) ? prefix + "authority" : property, (authority != null) ? authority : "grpc",
				() -> Scouts.create("grpc", options));
	}

	private Filter filter(String property, String model) {
		String name = model.trim();
		return switch (name) {
			case "round-robin" -> Filters.roundRobin();
			case "random" -> Filters.random();
			default -> custom(property, name, Filter.class, Filters.models(), () -> Filters.create(name, Map.of()),
					"round-robin, random");
		};
	}

	private <T> T custom(String property, String model, Class<T> type, Set<String> registered,
			Supplier<T> fromRegistry, String builtIns) {
		if (this.beanFactory.containsBean(model) && this.beanFactory.isTypeMatch(model, type)) {
			return this.beanFactory.getBean(model, type);
		}
		if (registered.contains(model)) {
			return build(property, model, fromRegistry);
		}
		Set<String> beans = new TreeSet<>(Arrays.asList(this.beanFactory.getBeanNamesForType(type, true, false)));
		throw new ClavierConfigurationException(property, model,
				"no built-in " + type.getSimpleName() + " model and no " + type.getSimpleName() + " bean has that name",
				"write one of " + builtIns + ((beans.isEmpty()) ? "" : ", or one of the beans " + beans)
						+ ((registered.isEmpty()) ? "" : " (models found: " + registered + ")"));
	}

	private static void apply(String property, @Nullable Object value, Runnable setter) {
		build(property, value, () -> {
			setter.run();
			return null;
		});
	}

	private static <T> T build(String property, @Nullable Object value, Supplier<T> step) {
		try {
			return step.get();
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			throw new ClavierConfigurationException(property, value, String.valueOf(ex.getMessage()), action(property),
					ex);
		}
	}

	private static String action(String property) {
		String key = property.substring(property.lastIndexOf('.') + 1);
		if (property.contains(".headers.")) {
			key = "headers";
		}
		return switch (key) {
			case "servers" -> "list DNS servers as ip or ip:port, for example [127.0.0.1:5353, 10.0.0.53]";
			case "name" -> "write a DNS name such as backend.svc.cluster.local, or remove it to resolve the service id";
			case "port" -> "write the port the service listens on, for example 8080 (no port with record-type SRV)";
			case "endpoints" -> "write host:port entries, for example [10.0.0.1:8080, 10.0.0.2:8080]";
			case "path" -> "write a path starting with '/', for example /health";
			case "method" -> "write an HTTP method such as GET or HEAD";
			case "headers" -> "write a header name and a one-line value";
			case "expected-statuses" -> "write status codes and ranges, for example 200-299,304";
			case "send", "expect" -> "write non-empty text, for example PING or +PONG";
			case "authority" -> "write host or host:port, for example backend.example.com";
			case "insecure-trust-all" -> "set scout.http.tls to true as well, or remove insecure-trust-all";
			case "rise", "fall", "consecutive-failures", "max-in-flight" -> "write a whole number of 1 or more";
			case "jitter" -> "write a fraction of the interval from 0 to 0.5, for example 0.1";
			case "max-body-bytes" -> "write a byte count from 0 to 1048576, for example 4096";
			default -> "write a valid value as the reason says";
		};
	}

}
