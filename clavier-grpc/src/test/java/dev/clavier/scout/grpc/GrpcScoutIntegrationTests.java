package dev.clavier.scout.grpc;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.clavier.Clavier;
import dev.clavier.discovery.Discovery;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.discovery.dns.DnsDiscovery;
import dev.clavier.discovery.dns.DnsRecordType;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.scout.Scouts;
import dev.clavier.test.LoopbackAddresses;
import dev.clavier.test.SrvTarget;
import dev.clavier.test.TestDnsServer;
import dev.clavier.test.TestGrpcBackend;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The engine end to end with the {@code grpc} scout of this module, found by name as
 * configuration finds it, against real gRPC servers and the test kit's DNS server on loopback.
 */
class GrpcScoutIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final String[] HOSTS = { "127.0.0.1", "127.0.0.2", "127.0.0.3" };

	private TestDnsServer dns;

	private Clavier clavier;

	@BeforeEach
	void start() {
		this.dns = TestDnsServer.start();
		this.clavier = Clavier.create();
	}

	@AfterEach
	void stop() {
		this.clavier.close();
		this.dns.close();
	}

	private static void assumeLoopbackHosts() {
		for (String host : HOSTS) {
			assumeThat(LoopbackAddresses.isBindable(host)).as("loopback address %s is bindable (Linux; macOS needs aliases)", host)
				.isTrue();
		}
	}

	private ListenerConfig.Builder fast(Discovery discovery) {
		// Generous timeout: a cold JVM's first probe loads Netty and gRPC classes.
		return ListenerConfig.builder(discovery).interval(Duration.ofMillis(1000)).timeout(Duration.ofMillis(900)).rise(1)
			.fall(1);
	}

	private static HealthStatus status(Listener listener, String host) {
		return listener.endpoints()
			.stream()
			.filter((state) -> state.endpoint().host().equals(host))
			.findFirst()
			.map(EndpointState::status)
			.orElse(null);
	}

	@Test
	void srvDiscoveredGrpcBackendsShouldUseLowestPriorityAndFollowServingStatus() throws Exception {
		assumeLoopbackHosts();
		TestGrpcBackend first = TestGrpcBackend.start(HOSTS[0], 0);
		try (first; TestGrpcBackend second = TestGrpcBackend.start(HOSTS[1], 0);
				TestGrpcBackend backup = TestGrpcBackend.start(HOSTS[2], 0)) {
			this.dns.a("a.svc.test", 60, HOSTS[0]).a("b.svc.test", 60, HOSTS[1]).a("c.svc.test", 60, HOSTS[2]);
			this.dns.srv("_grpc._tcp.greeter.svc.test", 60, new SrvTarget(10, 5, first.port(), "a.svc.test"),
					new SrvTarget(10, 3, second.port(), "b.svc.test"), new SrvTarget(20, 1, backup.port(), "c.svc.test"));
			Listener listener = this.clavier.addListener("greeter",
					fast(DnsDiscovery.builder().name("_grpc._tcp.greeter.svc.test").recordType(DnsRecordType.SRV)
						.servers(this.dns.hostAndPort()).build()).scout(GrpcScout.builder().build()).build());
			assertThat(listener.awaitReady(WAIT)).isTrue();
			assertThat(listener.endpoints()).extracting((state) -> state.endpoint().address())
				.containsExactly(first.hostAndPort(), second.hostAndPort());
			assertThat(listener.endpoints()).extracting((state) -> state.endpoint().weight()).containsExactly(5, 3);
			assertThat(listener.endpoints()).extracting(EndpointState::status).containsOnly(HealthStatus.HEALTHY);
			first.status("", ServingStatus.NOT_SERVING);
			await().atMost(WAIT).until(() -> status(listener, HOSTS[0]) == HealthStatus.UNHEALTHY
					&& listener.selection().size() == 1);
			assertThat(listener.endpoints().get(0).lastError()).contains("NOT_SERVING");
			assertThat(spread(listener, 50)).containsOnlyKeys(HOSTS[1]);
		}
	}

	@Test
	void closeShouldStopTheGrpcThreads() throws Exception {
		try (TestGrpcBackend grpc = TestGrpcBackend.start(HOSTS[0], 0)) {
			Clavier engine = Clavier.create();
			Listener listener = engine.addListener("grpc", fast(StaticDiscovery.of(Endpoint.of(HOSTS[0], grpc.port())))
				.scout(Scouts.create("grpc", Map.of()))
				.build());
			// Not just ready: healthy, so a probe has really run (a cold first gRPC probe may time out).
			await().atMost(WAIT).until(() -> !listener.selection().isEmpty());
			assertThat(grpcThreads()).isNotEmpty();
			engine.close();
			await().atMost(WAIT).until(() -> grpcThreads().isEmpty());
		}
	}

	private static Set<String> grpcThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.map(Thread::getName)
			.filter((name) -> name.startsWith("clavier-grpc-"))
			.collect(Collectors.toSet());
	}

	private static Map<String, Integer> spread(Listener listener, int calls) {
		Map<String, Integer> counts = new HashMap<>();
		for (int i = 0; i < calls; i++) {
			counts.merge(listener.getEndpoint().host(), 1, Integer::sum);
		}
		return counts;
	}

}
