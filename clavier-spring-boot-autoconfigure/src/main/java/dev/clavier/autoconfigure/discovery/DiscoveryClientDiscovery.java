package dev.clavier.autoconfigure.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.clavier.discovery.Discovery;
import dev.clavier.discovery.DiscoveryContext;
import dev.clavier.discovery.DiscoveryResult;
import dev.clavier.discovery.DiscoverySession;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.model.InvalidOptionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * The {@code discovery-client} discovery model: the endpoints are the instances a Spring Cloud
 * {@link DiscoveryClient} (Consul, Eureka, Kubernetes, the simple one...) knows for a service
 * id, asked again every refresh interval, with Clavier's active checks on top.
 * <pre>{@code
 * Discovery discovery = DiscoveryClientDiscovery.of(discoveryClient, "orders", Duration.ofSeconds(30));
 * }</pre>
 * {@link DiscoveryClient#getInstances} blocks, so each session asks it on a thread of its own
 * ({@code clavier-discovery-client-<n>}, a daemon started on the first lookup and stopped when
 * the listener goes), never on the engine's scheduler. Instances without a usable host or port
 * are skipped; their metadata become the endpoint's attributes.
 * <p>
 * An instance's weight is its metadata {@value #WEIGHT_METADATA_KEY} (Spring Cloud's own key, as
 * {@code WeightedServiceInstanceListSupplier} reads it), an integer in 0...65535; 1 when absent.
 * Weight 0 is kept, as in an SRV record: a very small share while another instance has a positive
 * weight (Spring Cloud turns it into 1). Any other value (not an integer, negative, above 65535)
 * gives weight 1, as Spring Cloud does, and a WARN once per session for each instance and value.
 * <p>
 * Immutable and thread-safe.
 */
public final class DiscoveryClientDiscovery implements Discovery {

	/**
	 * The model name, {@value}.
	 */
	public static final String MODEL = "discovery-client";

	/**
	 * The instance metadata key that holds its weight, {@value}.
	 */
	public static final String WEIGHT_METADATA_KEY = "weight";

	/**
	 * At most this many bad weights are logged at WARN per session; later ones at DEBUG.
	 */
	private static final int MAX_WARNED_WEIGHTS = 100;

	private static final Logger logger = LoggerFactory.getLogger(DiscoveryClientDiscovery.class);

	private static final AtomicInteger threadNumber = new AtomicInteger();

	private final DiscoveryClient discoveryClient;

	private final String serviceId;

	private final Duration refreshInterval;

	private DiscoveryClientDiscovery(DiscoveryClient discoveryClient, String serviceId, Duration refreshInterval) {
		this.discoveryClient = discoveryClient;
		this.serviceId = serviceId;
		this.refreshInterval = refreshInterval;
	}

	/**
	 * Creates a discovery that asks a {@link DiscoveryClient} for a service's instances.
	 * @param discoveryClient the client, for example Spring Cloud's composite one
	 * @param serviceId the service id to ask for
	 * @param refreshInterval how often to ask again, more than zero
	 * @return the discovery
	 * @throws InvalidOptionException if the service id is blank or the interval not positive
	 */
	public static DiscoveryClientDiscovery of(DiscoveryClient discoveryClient, String serviceId,
			Duration refreshInterval) {
		Objects.requireNonNull(discoveryClient, "discoveryClient");
		Objects.requireNonNull(serviceId, "serviceId");
		Objects.requireNonNull(refreshInterval, "refreshInterval");
		if (serviceId.isBlank()) {
			throw InvalidOptionException.quoted("serviceId", serviceId, "a service id", null);
		}
		if (refreshInterval.isNegative() || refreshInterval.isZero()) {
			throw new InvalidOptionException("refreshInterval", refreshInterval, "> 0");
		}
		return new DiscoveryClientDiscovery(discoveryClient, serviceId, refreshInterval);
	}

	/**
	 * Creates a discovery over the application's {@link DiscoveryClient}, as the
	 * {@link DiscoveryClientDiscoveryFactory} bean registered by
	 * {@link ClavierDiscoveryClientConfiguration} chooses it: the entry point of the Clavier
	 * configuration mapper for {@code discovery.model: discovery-client}.
	 * @param beanFactory the application's bean factory
	 * @param property the property that chose the model, named in the debug log line
	 * @param serviceId the service id to ask for
	 * @param refreshInterval how often to ask again, more than zero
	 * @return the discovery
	 * @throws IllegalStateException if there is no factory bean (Spring Cloud Commons is not on
	 * the class path) or no single {@link DiscoveryClient} bean; the message says which
	 */
	public static DiscoveryClientDiscovery fromBeanFactory(ListableBeanFactory beanFactory, String property,
			String serviceId, Duration refreshInterval) {
		Objects.requireNonNull(beanFactory, "beanFactory");
		Objects.requireNonNull(property, "property");
		DiscoveryClientDiscoveryFactory factory = beanFactory.getBeanProvider(DiscoveryClientDiscoveryFactory.class)
			.getIfAvailable();
		if (factory == null) {
			throw new IllegalStateException("Spring Cloud's DiscoveryClient support is not configured "
					+ "(no DiscoveryClientDiscoveryFactory bean)");
		}
		DiscoveryClientDiscovery discovery = factory.create(serviceId, refreshInterval);
		logger.debug("{}: {}", property, discovery);
		return discovery;
	}

	/**
	 * Returns {@value #MODEL}.
	 * @return the model name
	 */
	@Override
	public String model() {
		return MODEL;
	}

	/**
	 * Returns the service id asked for.
	 * @return the service id
	 */
	public String serviceId() {
		return this.serviceId;
	}

	/**
	 * Returns how often the client is asked again.
	 * @return the interval
	 */
	public Duration refreshInterval() {
		return this.refreshInterval;
	}

	/**
	 * Opens a session with a lookup thread of its own, started on the first lookup.
	 * @param context the listener's context
	 * @return the session
	 */
	@Override
	public DiscoverySession open(DiscoveryContext context) {
		return new Session(context.listenerName());
	}

	@Override
	public String toString() {
		return "DiscoveryClientDiscovery[" + this.serviceId + " every " + this.refreshInterval + "]";
	}

	private List<Endpoint> lookup(String listenerName, Set<String> warnedWeights) {
		List<ServiceInstance> instances = this.discoveryClient.getInstances(this.serviceId);
		List<Endpoint> endpoints = new ArrayList<>(instances.size());
		for (ServiceInstance instance : instances) {
			Endpoint endpoint = endpoint(listenerName, instance, warnedWeights);
			if (endpoint != null && endpoints.stream().noneMatch(endpoint::sameAddress)) {
				endpoints.add(endpoint);
			}
		}
		return endpoints;
	}

	private static @Nullable Endpoint endpoint(String listenerName, ServiceInstance instance,
			Set<String> warnedWeights) {
		String host = instance.getHost();
		int port = instance.getPort();
		if (host == null || host.isBlank() || port < 1 || port > 65535) {
			logger.debug("[{}] skipping instance {} without a usable host and port ({}:{})", listenerName,
					instance.getInstanceId(), host, port);
			return null;
		}
		Map<String, String> attributes = new HashMap<>();
		if (instance.getMetadata() != null) {
			instance.getMetadata().forEach((key, value) -> {
				if (key != null && value != null) {
					attributes.put(key, value);
				}
			});
		}
		String weight = attributes.get(WEIGHT_METADATA_KEY);
		return new Endpoint(host, port, (weight != null) ? weight(listenerName, instance, weight, warnedWeights) : 1,
				attributes);
	}

	/**
	 * Returns the weight in an instance's metadata, or 1 (logged) when it is not one.
	 */
	private static int weight(String listenerName, ServiceInstance instance, String text, Set<String> warnedWeights) {
		try {
			int weight = Integer.parseInt(text.trim());
			if (weight >= 0 && weight <= 65535) {
				return weight;
			}
		}
		catch (NumberFormatException ex) {
			// Logged below, with the value.
		}
		String key = instance.getInstanceId() + "@" + instance.getHost() + ":" + instance.getPort() + "=" + text;
		if (warnedWeights.size() < MAX_WARNED_WEIGHTS && warnedWeights.add(key)) {
			logger.warn("[{}] instance {} ({}:{}) has metadata {}: '{}' (expected: an integer in 0...65535); using weight 1",
					listenerName, instance.getInstanceId(), instance.getHost(), instance.getPort(), WEIGHT_METADATA_KEY,
					text);
		}
		else {
			logger.debug("[{}] instance {} ({}:{}) has metadata {}: '{}'; using weight 1", listenerName,
					instance.getInstanceId(), instance.getHost(), instance.getPort(), WEIGHT_METADATA_KEY, text);
		}
		return 1;
	}

	/**
	 * One listener's lookups, on one thread of its own.
	 */
	private final class Session implements DiscoverySession {

		private final String listenerName;

		private final ExecutorService executor;

		/** Bad weights already logged at WARN; used on the lookup thread only. */
		private final Set<String> warnedWeights = new HashSet<>();

		Session(String listenerName) {
			this.listenerName = listenerName;
			ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
					(task) -> {
						Thread thread = new Thread(task, "clavier-discovery-client-" + threadNumber.incrementAndGet());
						thread.setDaemon(true);
						return thread;
					});
			executor.allowCoreThreadTimeOut(true);
			this.executor = executor;
		}

		@Override
		public CompletableFuture<DiscoveryResult> discover() {
			return CompletableFuture.supplyAsync(() -> {
				List<Endpoint> endpoints = lookup(this.listenerName, this.warnedWeights);
				return endpoints.isEmpty()
						? DiscoveryResult.empty(DiscoveryClientDiscovery.this.refreshInterval, "no instances")
						: DiscoveryResult.of(endpoints, DiscoveryClientDiscovery.this.refreshInterval);
			}, this.executor);
		}

		@Override
		public String target() {
			return "DiscoveryClient " + DiscoveryClientDiscovery.this.serviceId;
		}

		@Override
		public void close() {
			this.executor.shutdownNow();
		}

	}

}
