package dev.clavier.benchmarks;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collections;
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
import org.springframework.cloud.loadbalancer.core.HealthCheckServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.cloud.loadbalancer.support.ServiceInstanceListSuppliers;
import org.springframework.cloud.loadbalancer.support.SimpleObjectProvider;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The cost of one pick, from a bare round robin over an array up to Spring Cloud's
 * {@link LoadBalancerClient#choose(String)} in a real application context. Every variant picks
 * among {@code endpoints} healthy backends served by one {@link LoopbackResponder}; where health
 * checks run, they are real HTTP GETs every second. Run at 1 thread ({@link OneThread}) and at
 * 2 threads ({@link TwoThreads}); JMH runs both in one invocation.
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

		private static void check(ServiceInstance instance, String what) {
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

	/** Every variant on one thread. */
	@Threads(1)
	public static class OneThread extends SelectionBenchmark {

	}

	/** Every variant on two threads. */
	@Threads(2)
	public static class TwoThreads extends SelectionBenchmark {

	}

}
