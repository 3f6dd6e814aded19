package dev.clavier.benchmarks;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.clavier.Clavier;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.filter.Filters;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.listener.Pick;
import dev.clavier.scout.HttpScout;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.DelegatingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.HealthCheckServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.WeightedServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ZonePreferenceServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.cloud.loadbalancer.support.ServiceInstanceListSuppliers;
import org.springframework.cloud.loadbalancer.support.SimpleObjectProvider;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The cost of one pick, from a bare round robin over an array up to Spring Cloud's
 * {@link LoadBalancerClient#choose(String)} in a real application context. Every variant picks
 * among {@code endpoints} healthy backends served by one {@link LoopbackResponder}; where health
 * checks run, they are real HTTP GETs every second. Run at 1 thread ({@link OneThread}) and at
 * 2 threads ({@link TwoThreads}); JMH runs both in one invocation. Issue 12's variants sit beside
 * the plain ones: Clavier's picks over weighted endpoints ({@link WeightedEngine},
 * {@link WeightedApplication}) and in a preferred zone ({@link ZoneAndSlowStartBenchmark.Listeners},
 * {@link ZonedApplication}), against Spring Cloud's weighted and zone-preference chains over the
 * same instances.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public abstract class SelectionBenchmark {

	static final String HEALTH_PATH = "/health";

	static final Duration INTERVAL = Duration.ofSeconds(1);

	static final Duration TIMEOUT = Duration.ofMillis(500);

	@SuppressWarnings("rawtypes")
	static final Request REQUEST = new DefaultRequest<>();

	/** The backends: one loopback HTTP responder with one port per endpoint. */
	@State(Scope.Benchmark)
	public static class Backends {

		@Param({ "3", "100" })
		public int endpoints;

		LoopbackResponder responder;

		List<InetSocketAddress> addresses;

		List<Endpoint> list;

		ServiceInstance[] instances;

		@Setup(Level.Trial)
		public void start() {
			this.responder = LoopbackResponder.start(LoopbackResponder.Mode.HTTP, List.of("127.0.0.1"),
					Collections.nCopies(this.endpoints, 0));
			this.addresses = this.responder.addresses();
			this.list = this.addresses.stream().map((a) -> Endpoint.of(a.getAddress().getHostAddress(), a.getPort())).toList();
			this.instances = this.addresses.stream()
				.map((a) -> new org.springframework.cloud.client.DefaultServiceInstance(
						a.getAddress().getHostAddress() + ":" + a.getPort(), "svc", a.getAddress().getHostAddress(),
						a.getPort(), false))
				.toArray(ServiceInstance[]::new);
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.responder.close();
		}

	}

	/** A bare round robin over an array: the floor. */
	@State(Scope.Benchmark)
	public static class Baseline {

		Endpoint[] endpoints;

		final AtomicInteger position = new AtomicInteger();

		@Setup(Level.Trial)
		public void setUp(Backends backends) {
			this.endpoints = backends.list.toArray(new Endpoint[0]);
		}

	}

	/** A Clavier engine whose listener probes every backend over HTTP each second. */
	@State(Scope.Benchmark)
	public static class Engine {

		Clavier clavier;

		Listener listener;

		@Setup(Level.Trial)
		public void setUp(Backends backends) throws InterruptedException {
			this.clavier = Clavier.create();
			this.listener = this.clavier.addListener("backend", ListenerConfig.builder(StaticDiscovery.of(backends.list))
				.scout(HttpScout.builder().path(HEALTH_PATH).build())
				.interval(INTERVAL)
				.timeout(TIMEOUT)
				.build());
			// A cold JVM's first probes may exceed the timeout: wait for every endpoint to rise.
			if (!awaitSelection(this.listener, backends.endpoints)) {
				throw new IllegalStateException("not all healthy: " + this.listener.selection() + " " + this.listener.endpoints()
						+ " answered " + backends.responder.answered());
			}
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.clavier.close();
		}

	}

	/**
	 * A Clavier engine as {@link Engine}, picking with {@code least-request}; one call held in
	 * flight on the first endpoint, so that picks compare unequal counts.
	 */
	@State(Scope.Benchmark)
	public static class LeastRequestEngine {

		Clavier clavier;

		Listener listener;

		Pick held;

		@Setup(Level.Trial)
		public void setUp(Backends backends) throws InterruptedException {
			this.clavier = Clavier.create();
			this.listener = this.clavier.addListener("backend", ListenerConfig.builder(StaticDiscovery.of(backends.list))
				.scout(HttpScout.builder().path(HEALTH_PATH).build())
				.filter(Filters.leastRequest())
				.interval(INTERVAL)
				.timeout(TIMEOUT)
				.build());
			if (!awaitSelection(this.listener, backends.endpoints)) {
				throw new IllegalStateException("not all healthy: " + this.listener.selection() + " " + this.listener.endpoints()
						+ " answered " + backends.responder.answered());
			}
			this.held = this.listener.start(this.listener.selection().get(0));
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.held.close();
			this.clavier.close();
		}

	}

	/**
	 * A Clavier engine like {@link Engine} whose endpoints have distinct weights 1 to
	 * {@code endpoints}: smooth weighted round robin.
	 */
	@State(Scope.Benchmark)
	public static class WeightedEngine {

		Clavier clavier;

		Listener listener;

		@Setup(Level.Trial)
		public void setUp(Backends backends) {
			this.clavier = Clavier.create();
			this.listener = this.clavier.addListener("weighted",
					ListenerConfig.builder(StaticDiscovery.of(weighted(backends.list)))
						.scout(HttpScout.builder().path(HEALTH_PATH).build())
						.interval(INTERVAL)
						.timeout(TIMEOUT)
						.build());
			if (!awaitSelection(this.listener, backends.endpoints)) {
				throw new IllegalStateException("not all healthy: " + this.listener.endpoints());
			}
			checkWeights(this.listener.selection().endpoints(), backends.endpoints);
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.clavier.close();
		}

		static List<Endpoint> weighted(List<Endpoint> endpoints) {
			List<Endpoint> weighted = new ArrayList<>(endpoints.size());
			for (int i = 0; i < endpoints.size(); i++) {
				weighted.add(endpoints.get(i).withWeight(weightOf(i)));
			}
			return weighted;
		}

	}

	/**
	 * A Spring application where both Clavier's {@value BenchmarkApplication#CLAVIER} and Spring
	 * Cloud's {@value BenchmarkApplication#SPRING_CLOUD} see the same instances with a variant
	 * of the selection: weights or zones. Each variant gets its own application so that neither
	 * the weighted nor the zoned benchmark runs the other's settings.
	 */
	abstract static class VariantApplication {

		ConfigurableApplicationContext context;

		ReactorServiceInstanceLoadBalancer clavier;

		ReactorServiceInstanceLoadBalancer springCloud;

		LoadBalancerClient client;

		/**
		 * The properties of this variant, added to (or replacing) the application's own.
		 * @param backends the backends
		 * @return the properties
		 */
		abstract Map<String, Object> properties(Backends backends);

		/**
		 * How many endpoints Clavier's listener picks among once all are healthy.
		 * @param backends the backends
		 * @return the size of the selection
		 */
		abstract int selectionSize(Backends backends);

		/**
		 * Checks that Clavier's selection has this variant's weights or zones.
		 * @param selection the endpoints Clavier's listener picks among
		 * @param backends the backends
		 */
		abstract void checkSelection(List<Endpoint> selection, Backends backends);

		/**
		 * The supplier Spring Cloud must have built for this variant.
		 * @return its class
		 */
		abstract Class<? extends ServiceInstanceListSupplier> springCloudSupplier();

		@Setup(Level.Trial)
		public void setUp(Backends backends) {
			this.context = BenchmarkApplication.start(backends.addresses, HEALTH_PATH, "1s", properties(backends));
			LoadBalancerClientFactory factory = this.context.getBean(LoadBalancerClientFactory.class);
			this.clavier = (ReactorServiceInstanceLoadBalancer) factory.getInstance(BenchmarkApplication.CLAVIER);
			this.springCloud = (ReactorServiceInstanceLoadBalancer) factory.getInstance(BenchmarkApplication.SPRING_CLOUD);
			this.client = this.context.getBean(LoadBalancerClient.class);
			Listener listener = this.context.getBean(Clavier.class).listener(BenchmarkApplication.CLAVIER).orElseThrow();
			if (!awaitSelection(listener, selectionSize(backends))) {
				throw new IllegalStateException("not all healthy: " + listener.endpoints());
			}
			checkSelection(listener.selection().endpoints(), backends);
			// A property Spring Cloud ignored would silently measure its default chain instead.
			ServiceInstanceListSupplier supplier = factory.getInstance(BenchmarkApplication.SPRING_CLOUD,
					ServiceInstanceListSupplier.class);
			if (!chainHas(supplier, springCloudSupplier())) {
				throw new IllegalStateException("Spring Cloud built " + supplier + ", not a "
						+ springCloudSupplier().getSimpleName());
			}
			Application.check(this.client.choose(BenchmarkApplication.CLAVIER), "Clavier");
			Application.check(this.client.choose(BenchmarkApplication.SPRING_CLOUD), "Spring Cloud");
			System.out.println("# " + springCloudSupplier().getSimpleName() + " variant: " + this.clavier + " over "
					+ listener.selection().size() + " endpoints / " + this.springCloud + " over " + supplier);
		}

		private static boolean chainHas(ServiceInstanceListSupplier supplier,
				Class<? extends ServiceInstanceListSupplier> type) {
			ServiceInstanceListSupplier current = supplier;
			for (int depth = 0; depth < 10; depth++) {
				if (type.isInstance(current)) {
					return true;
				}
				if (!(current instanceof DelegatingServiceInstanceListSupplier delegating)) {
					return false;
				}
				current = delegating.getDelegate();
			}
			return false;
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.context.close();
		}

	}

	/**
	 * Weights 1 to {@code endpoints}: static entries {@code host:port;weight=N} for Clavier, the
	 * same weights as instance metadata {@code weight} with
	 * {@code spring.cloud.loadbalancer.clients.<id>.configurations: weighted} for Spring Cloud
	 * (its {@code WeightedServiceInstanceListSupplier}, then round robin).
	 */
	@State(Scope.Benchmark)
	public static class WeightedApplication extends VariantApplication {

		@Override
		Map<String, Object> properties(Backends backends) {
			Map<String, Object> properties = new LinkedHashMap<>();
			List<String> entries = new ArrayList<>();
			for (int i = 0; i < backends.addresses.size(); i++) {
				entries.add(BenchmarkApplication.hostAndPort(backends.addresses.get(i)) + ";weight=" + weightOf(i));
				properties.put(instance(i) + "metadata.weight", String.valueOf(weightOf(i)));
			}
			properties.put(clavierStaticEndpoints(), String.join(",", entries));
			properties.put(configurations(), "weighted");
			return properties;
		}

		@Override
		int selectionSize(Backends backends) {
			return backends.endpoints;
		}

		@Override
		void checkSelection(List<Endpoint> selection, Backends backends) {
			checkWeights(selection, backends.endpoints);
		}

		@Override
		Class<? extends ServiceInstanceListSupplier> springCloudSupplier() {
			return WeightedServiceInstanceListSupplier.class;
		}

	}

	/**
	 * Zones {@code a} and {@code b} in turn ({@code a} holds the first, third... endpoint) and
	 * {@code spring.cloud.loadbalancer.zone: a}, the zone of both Clavier's listener (its
	 * default) and Spring Cloud's {@code ZonePreferenceServiceInstanceListSupplier}, chosen with
	 * {@code spring.cloud.loadbalancer.clients.<id>.configurations: zone-preference}, then round
	 * robin. Clavier's entries are {@code host:port;zone=a}, Spring Cloud's instances have the
	 * metadata {@code zone}.
	 */
	@State(Scope.Benchmark)
	public static class ZonedApplication extends VariantApplication {

		@Override
		Map<String, Object> properties(Backends backends) {
			Map<String, Object> properties = new LinkedHashMap<>();
			List<String> entries = new ArrayList<>();
			for (int i = 0; i < backends.addresses.size(); i++) {
				entries.add(BenchmarkApplication.hostAndPort(backends.addresses.get(i)) + ";zone=" + zoneOf(i));
				properties.put(instance(i) + "metadata.zone", zoneOf(i));
			}
			properties.put(clavierStaticEndpoints(), String.join(",", entries));
			properties.put(configurations(), "zone-preference");
			properties.put("spring.cloud.loadbalancer.zone", "a");
			return properties;
		}

		@Override
		int selectionSize(Backends backends) {
			return (backends.endpoints + 1) / 2;
		}

		@Override
		void checkSelection(List<Endpoint> selection, Backends backends) {
			if (!selection.stream().allMatch((endpoint) -> "a".equals(endpoint.zone()))) {
				throw new IllegalStateException("picks outside zone a: " + selection);
			}
		}

		@Override
		Class<? extends ServiceInstanceListSupplier> springCloudSupplier() {
			return ZonePreferenceServiceInstanceListSupplier.class;
		}

		static String zoneOf(int index) {
			return (index % 2 == 0) ? "a" : "b";
		}

	}

	/** The weight of the endpoint at this index: 1, 2, 3... all distinct. */
	static int weightOf(int index) {
		return index + 1;
	}

	/** Fails unless the selection holds every endpoint with its own weight 1...size. */
	static void checkWeights(List<Endpoint> selection, int size) {
		long distinct = selection.stream()
			.mapToInt(Endpoint::weight)
			.filter((weight) -> weight >= 1 && weight <= size)
			.distinct()
			.count();
		if (selection.size() != size || distinct != size) {
			throw new IllegalStateException("not weighted 1..." + size + ": " + selection);
		}
	}

	private static String instance(int index) {
		return "spring.cloud.discovery.client.simple.instances." + BenchmarkApplication.SPRING_CLOUD + "[" + index + "].";
	}

	private static String clavierStaticEndpoints() {
		return "clavier.listeners." + BenchmarkApplication.CLAVIER + ".discovery.static.endpoints";
	}

	private static String configurations() {
		return "spring.cloud.loadbalancer.clients." + BenchmarkApplication.SPRING_CLOUD + ".configurations";
	}

	/** The Spring application: Clavier's beans for one service id, Spring Cloud's for another. */
	@State(Scope.Benchmark)
	public static class Application {

		ConfigurableApplicationContext context;

		ReactorServiceInstanceLoadBalancer clavier;

		ReactorServiceInstanceLoadBalancer springCloud;

		LoadBalancerClient client;

		@Setup(Level.Trial)
		public void setUp(Backends backends) {
			this.context = BenchmarkApplication.start(backends.addresses, HEALTH_PATH, "1s", Map.of());
			LoadBalancerClientFactory factory = this.context.getBean(LoadBalancerClientFactory.class);
			this.clavier = (ReactorServiceInstanceLoadBalancer) factory.getInstance(BenchmarkApplication.CLAVIER);
			this.springCloud = (ReactorServiceInstanceLoadBalancer) factory.getInstance(BenchmarkApplication.SPRING_CLOUD);
			this.client = this.context.getBean(LoadBalancerClient.class);
			Listener listener = this.context.getBean(Clavier.class).listener(BenchmarkApplication.CLAVIER).orElseThrow();
			if (!awaitSelection(listener, backends.endpoints)) {
				throw new IllegalStateException("not all healthy: " + listener.endpoints());
			}
			check(this.client.choose(BenchmarkApplication.CLAVIER), "Clavier");
			check(this.client.choose(BenchmarkApplication.SPRING_CLOUD), "Spring Cloud");
			System.out.println("# choose: " + this.clavier + " / " + this.springCloud + "; Spring Cloud supplier: "
					+ factory.getInstance(BenchmarkApplication.SPRING_CLOUD, ServiceInstanceListSupplier.class));
		}

		static void check(ServiceInstance instance, String what) {
			if (instance == null) {
				throw new IllegalStateException(what + " picked nothing");
			}
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.context.close();
		}

	}

	/** Spring Cloud's round robin over a fixed list. */
	@State(Scope.Benchmark)
	public static class FixedList {

		RoundRobinLoadBalancer balancer;

		@Setup(Level.Trial)
		public void setUp(Backends backends) {
			this.balancer = new RoundRobinLoadBalancer(
					new SimpleObjectProvider<>(ServiceInstanceListSuppliers.from("svc", backends.instances)), "svc");
		}

	}

	/** Spring Cloud's round robin over its health-check supplier (real HTTP checks each second). */
	@State(Scope.Benchmark)
	public static class HealthChecked {

		HealthCheckServiceInstanceListSupplier supplier;

		RoundRobinLoadBalancer balancer;

		@Setup(Level.Trial)
		public void setUp(Backends backends) {
			this.supplier = ScHealthChecks.supplier(ServiceInstanceListSuppliers.from("svc", backends.instances),
					HEALTH_PATH, INTERVAL, TIMEOUT);
			ScHealthChecks.awaitSize(this.supplier, backends.endpoints, Duration.ofSeconds(30));
			this.balancer = new RoundRobinLoadBalancer(new SimpleObjectProvider<>(this.supplier), "svc");
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			this.supplier.destroy();
		}

	}

	static boolean awaitSelection(Listener listener, int size) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (listener.selection().size() != size) {
			if (System.nanoTime() > deadline) {
				return false;
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return true;
	}

	@Benchmark
	public Endpoint baseline(Baseline state) {
		Endpoint[] endpoints = state.endpoints;
		return endpoints[(state.position.getAndIncrement() & Integer.MAX_VALUE) % endpoints.length];
	}

	@Benchmark
	public Endpoint clavierGetEndpoint(Engine state) {
		return state.listener.getEndpoint();
	}

	@Benchmark
	public Endpoint clavierLeastRequestGetEndpoint(LeastRequestEngine state) {
		return state.listener.getEndpoint();
	}

	@Benchmark
	public Endpoint clavierLeastRequestPickAndClose(LeastRequestEngine state) {
		try (Pick pick = state.listener.pick()) {
			return pick.endpoint();
		}
	}

	@Benchmark
	@SuppressWarnings("unchecked")
	public ServiceInstance clavierChoose(Application state) {
		Response<ServiceInstance> response = state.clavier.choose(REQUEST).block();
		return response.getServer();
	}

	@Benchmark
	@SuppressWarnings("unchecked")
	public ServiceInstance springCloudDefaultChoose(Application state) {
		Response<ServiceInstance> response = state.springCloud.choose(REQUEST).block();
		return response.getServer();
	}

	@Benchmark
	@SuppressWarnings("unchecked")
	public ServiceInstance springCloudRoundRobinFixed(FixedList state) {
		Response<ServiceInstance> response = state.balancer.choose(REQUEST).block();
		return response.getServer();
	}

	@Benchmark
	@SuppressWarnings("unchecked")
	public ServiceInstance springCloudRoundRobinHealthCheck(HealthChecked state) {
		Response<ServiceInstance> response = state.balancer.choose(REQUEST).block();
		return response.getServer();
	}

	@Benchmark
	public ServiceInstance loadBalancerClientClavier(Application state) {
		return state.client.choose(BenchmarkApplication.CLAVIER);
	}

	@Benchmark
	public ServiceInstance loadBalancerClientSpringCloud(Application state) {
		return state.client.choose(BenchmarkApplication.SPRING_CLOUD);
	}

	@Benchmark
	public Endpoint clavierWeightedGetEndpoint(WeightedEngine state) {
		return state.listener.getEndpoint();
	}

	// ZoneAndSlowStartBenchmark's zoned listener (zone a, half the endpoints in it), measured here
	// too so that one run of this class has every pick side by side.
	@Benchmark
	public Endpoint clavierZoneGetEndpoint(ZoneAndSlowStartBenchmark.Listeners state) {
		return state.zoned.getEndpoint();
	}

	@Benchmark
	@SuppressWarnings("unchecked")
	public ServiceInstance clavierWeightedChoose(WeightedApplication state) {
		Response<ServiceInstance> response = state.clavier.choose(REQUEST).block();
		return response.getServer();
	}

	@Benchmark
	@SuppressWarnings("unchecked")
	public ServiceInstance springCloudWeightedChoose(WeightedApplication state) {
		Response<ServiceInstance> response = state.springCloud.choose(REQUEST).block();
		return response.getServer();
	}

	@Benchmark
	public ServiceInstance loadBalancerClientClavierWeighted(WeightedApplication state) {
		return state.client.choose(BenchmarkApplication.CLAVIER);
	}

	@Benchmark
	public ServiceInstance loadBalancerClientSpringCloudWeighted(WeightedApplication state) {
		return state.client.choose(BenchmarkApplication.SPRING_CLOUD);
	}

	@Benchmark
	@SuppressWarnings("unchecked")
	public ServiceInstance clavierZoneChoose(ZonedApplication state) {
		Response<ServiceInstance> response = state.clavier.choose(REQUEST).block();
		return response.getServer();
	}

	@Benchmark
	@SuppressWarnings("unchecked")
	public ServiceInstance springCloudZoneChoose(ZonedApplication state) {
		Response<ServiceInstance> response = state.springCloud.choose(REQUEST).block();
		return response.getServer();
	}

	@Benchmark
	public ServiceInstance loadBalancerClientClavierZone(ZonedApplication state) {
		return state.client.choose(BenchmarkApplication.CLAVIER);
	}

	@Benchmark
	public ServiceInstance loadBalancerClientSpringCloudZone(ZonedApplication state) {
		return state.client.choose(BenchmarkApplication.SPRING_CLOUD);
	}

	/** Every variant on one thread. */
	@Threads(1)
	public static class OneThread extends SelectionBenchmark {

	}

	/** Every variant on two threads. */
	@Threads(2)
	public static class TwoThreads extends SelectionBenchmark {

	}

}
