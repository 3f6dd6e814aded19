package dev.clavier.autoconfigure.loadbalancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import dev.clavier.Clavier;
import dev.clavier.listener.Listener;
import dev.clavier.test.LoopbackAddresses;
import dev.clavier.test.SrvTarget;
import dev.clavier.test.TestDnsServer;
import dev.clavier.test.TestHttpBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SRV weights end to end: the in-process DNS server answers
 * {@code _http._tcp.weighted.svc.test} with three SRV records of weights 1, 3 and 6 whose targets
 * are three real HTTP backends on 127.0.0.1, 127.0.0.2 and 127.0.0.3, and each
 * {@code @LoadBalanced} client's calls to {@code http://weighted/} reach them in those shares.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = "clavier.startup.wait=10s")
class ClavierLoadBalancerWeightsTests {

	private static final int CALLS = 3000;

	private static final int[] WEIGHTS = { 1, 3, 6 };

	private static TestDnsServer dns;

	private static final List<TestHttpBackend> backends = new ArrayList<>();

	@Autowired
	private Clavier clavier;

	@Autowired
	private RestClient.Builder restClientBuilder;

	@Autowired
	private RestTemplate restTemplate;

	@Autowired
	private WebClient.Builder webClientBuilder;

	@BeforeAll
	static void startPeers() {
		assumeTrue(LoopbackAddresses.isBindable("127.0.0.2") && LoopbackAddresses.isBindable("127.0.0.3"),
				"needs the loopback addresses 127.0.0.2 and 127.0.0.3 (Linux has them; macOS needs aliases)");
		dns = TestDnsServer.start();
		TestHttpBackend first = TestHttpBackend.start("127.0.0.1", 0);
		backends.add(first);
		backends.add(TestHttpBackend.start("127.0.0.2", first.port()));
		backends.add(TestHttpBackend.start("127.0.0.3", first.port()));
		SrvTarget[] targets = new SrvTarget[3];
		for (int i = 0; i < 3; i++) {
			String host = "w" + WEIGHTS[i] + ".svc.test";
			dns.a(host, 1, "127.0.0." + (i + 1));
			targets[i] = new SrvTarget(0, WEIGHTS[i], first.port(), host);
		}
		dns.srv("_http._tcp.weighted.svc.test", 1, targets);
	}

	@AfterAll
	static void stopPeers() {
		backends.forEach(TestHttpBackend::close);
		if (dns != null) {
			dns.close();
		}
	}

	@DynamicPropertySource
	static void clavierProperties(DynamicPropertyRegistry registry) {
		String listener = "clavier.listeners.weighted.";
		registry.add(listener + "discovery.dns.name", () -> "_http._tcp.weighted.svc.test");
		registry.add(listener + "discovery.dns.record-type", () -> "SRV");
		registry.add(listener + "discovery.dns.servers", () -> dns.hostAndPort());
		registry.add(listener + "scout.model", () -> "http");
		registry.add(listener + "scout.http.path", () -> TestHttpBackend.DEFAULT_HEALTH_PATH);
		registry.add(listener + "scout.interval", () -> "500ms");
		registry.add(listener + "scout.timeout", () -> "400ms");
		registry.add(listener + "scout.rise", () -> "1");
		// Five failures in a row, so that a probe slowed by a busy machine cannot take a backend out
		// in the middle of a count.
		registry.add(listener + "scout.fall", () -> "5");
	}

	@BeforeEach
	void allBackendsHealthy() {
		Listener listener = this.clavier.listener("weighted").orElseThrow();
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(listener.selection().size()).isEqualTo(3));
	}

	@Test
	void callsThroughRestClientShouldFollowSrvWeights() {
		assertShares(() -> this.restClientBuilder.build()
			.get()
			.uri("http://weighted/hello")
			.retrieve()
			.toEntity(String.class));
	}

	@Test
	void callsThroughRestTemplateShouldFollowSrvWeights() {
		assertShares(() -> this.restTemplate.getForEntity("http://weighted/hello", String.class));
	}

	@Test
	void callsThroughWebClientShouldFollowSrvWeights() {
		assertShares(() -> this.webClientBuilder.build()
			.get()
			.uri("http://weighted/hello")
			.retrieve()
			.toEntity(String.class)
			.block(Duration.ofSeconds(10)));
	}

	private static void assertShares(Supplier<ResponseEntity<String>> call) {
		Map<String, Integer> counts = new TreeMap<>();
		for (int i = 0; i < CALLS; i++) {
			ResponseEntity<String> response = call.get();
			assertThat(response).isNotNull();
			counts.merge(response.getHeaders().getFirst(TestHttpBackend.BACKEND_HEADER), 1, Integer::sum);
		}
		assertThat(counts).containsOnlyKeys(backends.stream().map(TestHttpBackend::hostAndPort).toList());
		for (int i = 0; i < 3; i++) {
			double share = 100.0 * counts.get(backends.get(i).hostAndPort()) / CALLS;
			assertThat(share).as("share of %s (weight %d) in %s", backends.get(i).hostAndPort(), WEIGHTS[i], counts)
				.isCloseTo(WEIGHTS[i] * 10.0, within(2.0));
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(LoadBalancedClients.class)
	static class TestApplication {

	}

}
