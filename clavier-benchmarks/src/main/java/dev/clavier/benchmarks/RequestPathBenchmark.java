package dev.clavier.benchmarks;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.clavier.Clavier;
import dev.clavier.listener.Listener;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * One GET over loopback with a {@code @LoadBalanced} {@link RestClient} (HttpURLConnection,
 * keep-alive) through Clavier, through Spring Cloud LoadBalancer's defaults, and directly to the
 * same three backends without load balancing: one {@link LoopbackResponder} thread answering
 * {@code 200 hello} on 127.0.0.1, 127.0.0.2 and 127.0.0.3 (Clavier probes {@code /health} there
 * every second). The difference is what the load balancer adds per call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Benchmark)
public class RequestPathBenchmark {

	private LoopbackResponder backends;

	private ConfigurableApplicationContext context;

	private RestClient loadBalanced;

	private RestClient direct;

	private String[] directUris;

	private int next;

	@Setup(Level.Trial)
	public void setUp() {
		// The JDK server behind TestHttpBackend takes milliseconds per keep-alive call: too slow to see the balancer.
		this.backends = LoopbackResponder.start(LoopbackResponder.Mode.HTTP_KEEP_ALIVE,
				List.of("127.0.0.1", "127.0.0.2", "127.0.0.3"), List.of(0));
		List<InetSocketAddress> addresses = this.backends.addresses();
		this.context = BenchmarkApplication.start(addresses, "/health", "1s", Map.of());
		Listener listener = this.context.getBean(Clavier.class).listener(BenchmarkApplication.CLAVIER).orElseThrow();
		if (!SelectionBenchmark.awaitSelection(listener, 3)) {
			throw new IllegalStateException("not all healthy: " + listener.endpoints());
		}
		// HttpURLConnection (keep-alive) on every path: the JDK HttpClient takes ~0.9 ms per loopback
		// call on this machine and would bury the balancer's cost in its own noise.
		this.loadBalanced = this.context.getBean("loadBalancedRestClientBuilder", RestClient.Builder.class)
			.requestFactory(new SimpleClientHttpRequestFactory())
			.build();
		// The same client, customised the same way, without the load-balancer interceptor.
		RestClient.Builder plain = RestClient.builder();
		this.context.getBeanProvider(RestClientCustomizer.class).orderedStream().forEach((c) -> c.customize(plain));
		this.direct = plain.requestFactory(new SimpleClientHttpRequestFactory()).build();
		this.directUris = addresses.stream()
			.map((a) -> "http://" + BenchmarkApplication.hostAndPort(a) + "/hello")
			.toArray(String[]::new);
		// Fail here, not in the measurement, if a path does not work.
		clavier();
		springCloud();
		direct();
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.context.close();
		this.backends.close();
	}

	@Benchmark
	public String clavier() {
		return this.loadBalanced.get().uri("http://" + BenchmarkApplication.CLAVIER + "/hello").retrieve().body(String.class);
	}

	@Benchmark
	public String springCloud() {
		return this.loadBalanced.get()
			.uri("http://" + BenchmarkApplication.SPRING_CLOUD + "/hello")
			.retrieve()
			.body(String.class);
	}

	@Benchmark
	public String direct() {
		String uri = this.directUris[this.next];
		this.next = (this.next + 1) % this.directUris.length;
		return this.direct.get().uri(uri).retrieve().body(String.class);
	}

}
