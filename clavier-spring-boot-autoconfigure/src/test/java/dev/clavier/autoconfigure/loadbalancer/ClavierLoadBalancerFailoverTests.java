package dev.clavier.autoconfigure.loadbalancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.clavier.Clavier;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.test.TestHttpBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Backends killed under a steady stream of calls through a {@code @LoadBalanced} RestClient,
 * without retries: three HTTP backends on loopback behind three listeners, one with passive
 * outlier detection after 1 failed call, one after 2, and one with active health checks only.
 * Each test stops one backend mid-stream and counts the calls that failed until it left rotation.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = { "clavier.startup.wait=10s", "spring.cloud.loadbalancer.retry.enabled=false" })
class ClavierLoadBalancerFailoverTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final Duration INTERVAL = Duration.ofMillis(200);

	private static final Duration TIMEOUT = Duration.ofMillis(100);

	private static final int FALL = 2;

	/** The pace of the stream through the active-only listener: one call, then this pause. */
	private static final Duration CALL_PERIOD = Duration.ofMillis(10);

	private static final int MAX_CALLS = 3000;

	private static final List<TestHttpBackend> backends = new ArrayList<>();

	@Autowired
	private Clavier clavier;

	@Autowired
	private RestClient.Builder restClientBuilder;

	@BeforeAll
	static void startBackends() {
		for (int i = 0; i < 3; i++) {
			backends.add(TestHttpBackend.start("127.0.0.1", 0));
		}
	}

	@AfterAll
	static void stopBackends() {
		backends.forEach(TestHttpBackend::close);
	}

	@DynamicPropertySource
	static void clavierProperties(DynamicPropertyRegistry registry) {
		String endpoints = String.join(",", backends.stream().map(TestHttpBackend::hostAndPort).toList());
		for (String name : List.of("passive1", "passive2", "active")) {
			String prefix = "clavier.listeners." + name + ".";
			registry.add(prefix + "discovery.model", () -> "static");
			registry.add(prefix + "discovery.static.endpoints", () -> endpoints);
			registry.add(prefix + "scout.model", () -> "http");
			registry.add(prefix + "scout.http.path", () -> TestHttpBackend.DEFAULT_HEALTH_PATH);
		}
		// Passive only: the probes run every 10 minutes, so only failed calls can take an endpoint out.
		registry.add("clavier.listeners.passive1.scout.interval", () -> "10m");
		registry.add("clavier.listeners.passive1.outlier-detection.consecutive-failures", () -> "1");
		registry.add("clavier.listeners.passive2.scout.interval", () -> "10m");
		registry.add("clavier.listeners.passive2.outlier-detection.consecutive-failures", () -> "2");
		// Active only.
		registry.add("clavier.listeners.active.outlier-detection.enabled", () -> "false");
		registry.add("clavier.listeners.active.scout.interval", () -> INTERVAL.toMillis() + "ms");
		registry.add("clavier.listeners.active.scout.timeout", () -> TIMEOUT.toMillis() + "ms");
		registry.add("clavier.listeners.active.scout.fall", () -> Integer.toString(FALL));
		registry.add("clavier.listeners.active.scout.rise", () -> "1");
	}

	@BeforeEach
	void allBackendsUp() {
		for (TestHttpBackend backend : backends) {
			if (!backend.isRunning()) {
				backend.start();
			}
		}
	}

	@ParameterizedTest(name = "consecutive-failures: {0}")
	@ValueSource(ints = { 1, 2 })
	void backendKilledUnderLoadWithPassiveDetectionShouldFailAtMostConsecutiveFailuresCalls(int consecutiveFailures) {
		String name = "passive" + consecutiveFailures;
		Listener listener = awaitSelection(name, 3);
		assertThat(listener.config().outlierFailures()).isEqualTo(consecutiveFailures);
		TestHttpBackend killed = backends.get(1);
		Endpoint gone = Endpoint.parse(killed.hostAndPort(), 0);
		Stream stream = new Stream(name);
		stream.call(30);
		assertThat(stream.failed).isZero();
		killed.stop();
		// A steady stream on one thread, until the killed endpoint has left rotation and 30 calls more.
		int callsAfterKill = 0;
		while (callsAfterKill < MAX_CALLS && listener.selection().endpoints().contains(gone)) {
			stream.call(1);
			callsAfterKill++;
		}
		int failedBeforeEjection = stream.failed;
		stream.call(30);
		assertThat(listener.selection().endpoints()).hasSize(2).doesNotContain(gone);
		assertThat(failedBeforeEjection).isBetween(1, consecutiveFailures);
		assertThat(stream.failed).isEqualTo(failedBeforeEjection);
		System.out.printf("passive, consecutive-failures %d: %d failed call(s) of %d before ejection, none after%n",
				consecutiveFailures, failedBeforeEjection, callsAfterKill);
		killed.start();
		listener.probeNow();
		awaitSelection(name, 3);
	}

	@ParameterizedTest(name = "interval {0} ms")
	@ValueSource(ints = { 200 })
	void backendKilledUnderLoadWithActiveChecksOnlyShouldFailBoundedCalls(int intervalMillis) throws Exception {
		Listener listener = awaitSelection("active", 3);
		ListenerConfig config = listener.config();
		assertThat(config.outlierFailures()).isZero();
		assertThat(config.interval()).isEqualTo(Duration.ofMillis(intervalMillis));
		TestHttpBackend killed = backends.get(2);
		Endpoint gone = Endpoint.parse(killed.hostAndPort(), 0);
		Stream stream = new Stream("active");
		stream.call(30);
		assertThat(stream.failed).isZero();
		// The stream runs at most one call per CALL_PERIOD (fixed delay: late calls never bunch up).
		ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "clavier-test-stream");
			thread.setDaemon(true);
			return thread;
		});
		AtomicInteger calls = new AtomicInteger();
		try {
			killed.stop();
			pacer.scheduleWithFixedDelay(() -> {
				if (calls.get() < MAX_CALLS) {
					stream.call(1);
					calls.incrementAndGet();
				}
			}, 0, CALL_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
			await().atMost(WAIT).until(() -> !listener.selection().endpoints().contains(gone));
			int failedBeforeEjection = stream.failed;
			int callsBeforeEjection = calls.get();
			int settled = calls.get();
			await().atMost(WAIT).until(() -> calls.get() >= settled + 30);
			pacer.shutdown();
			assertThat(pacer.awaitTermination(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
			// Detection takes at most fall probes, each at most interval (plus jitter) apart, plus
			// one probe timeout; the stream makes at most one call per CALL_PERIOD in that time,
			// and only a third of them go to the killed backend: the bound below is three times that.
			Duration detection = config.interval()
				.multipliedBy(FALL)
				.plus(Duration.ofNanos((long) (config.interval().toNanos() * FALL * config.jitter())))
				.plus(config.timeout());
			long bound = detection.toMillis() / CALL_PERIOD.toMillis() + 1;
			assertThat(failedBeforeEjection).isLessThanOrEqualTo((int) bound);
			// Calls that had picked the endpoint just before its ejection may still fail; then none.
			assertThat(stream.failed - failedBeforeEjection).isLessThanOrEqualTo(1);
			System.out.printf("active only, interval %d ms, fall %d: %d failed call(s) of %d before ejection "
					+ "(bound %d), %d after%n", intervalMillis, FALL, failedBeforeEjection, callsBeforeEjection, bound,
					stream.failed - failedBeforeEjection);
		}
		finally {
			pacer.shutdownNow();
			killed.start();
		}
		awaitSelection("active", 3);
	}

	private Listener awaitSelection(String name, int size) {
		Listener listener = this.clavier.listener(name).orElseThrow();
		await().atMost(WAIT).untilAsserted(() -> assertThat(listener.selection().size()).isEqualTo(size));
		return listener;
	}

	/**
	 * Calls {@code http://<service>/hello} one call at a time, counting the failed ones.
	 */
	private final class Stream {

		private final RestClient client;

		private final String uri;

		private volatile int failed;

		Stream(String service) {
			this.client = ClavierLoadBalancerFailoverTests.this.restClientBuilder.build();
			this.uri = "http://" + service + "/hello";
		}

		void call(int count) {
			for (int i = 0; i < count; i++) {
				try {
					this.client.get().uri(this.uri).retrieve().toBodilessEntity();
				}
				catch (RuntimeException ex) {
					this.failed++;
				}
			}
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		@LoadBalanced
		RestClient.Builder loadBalancedRestClientBuilder() {
			return RestClient.builder();
		}

	}

}
