package dev.clavier;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.discovery.dns.DnsDiscovery;
import dev.clavier.discovery.dns.DnsRecordType;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.listener.NoHealthyEndpointException;
import dev.clavier.scout.HttpScout;
import dev.clavier.scout.TcpScout;
import dev.clavier.test.LoopbackAddresses;
import dev.clavier.test.TcpMode;
import dev.clavier.test.TestDnsServer;
import dev.clavier.test.TestHttpBackend;
import dev.clavier.test.TestTcpBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The engine end to end against real peers on loopback: DNS answers from the test kit's
 * server, real HTTP and TCP backends, and the scouts probing them on a live schedule (gRPC:
 * {@code GrpcScoutIntegrationTests} in clavier-grpc).
 */
class ClavierIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final String[] HOSTS = { "127.0.0.1", "127.0.0.2", "127.0.0.3" };

	/** Time bound of a picking loop, far above what it needs: the test stops it. */
	private static final Duration MAX_PICKING = Duration.ofSeconds(60);

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

	private ListenerConfig.Builder fast(dev.clavier.discovery.Discovery discovery) {
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
	void dnsDiscoveredHttpBackendsShouldShareCallsAndFollowTheirHealth() throws Exception {
		assumeLoopbackHosts();
		TestHttpBackend first = TestHttpBackend.start(HOSTS[0], 0);
		int port = first.port();
		try (first; TestHttpBackend second = TestHttpBackend.start(HOSTS[1], port);
				TestHttpBackend third = TestHttpBackend.start(HOSTS[2], port)) {
			this.dns.a("backend.svc.test", 1, HOSTS);
			Listener listener = this.clavier.addListener("backend",
					fast(DnsDiscovery.builder().name("backend.svc.test").port(port).servers(this.dns.hostAndPort()).build())
						.scout(HttpScout.builder().path("/health").build())
						.build());
			assertThat(listener.awaitReady(WAIT)).isTrue();
			assertThat(listener.endpoints()).extracting(EndpointState::status).containsOnly(HealthStatus.HEALTHY);
			assertThat(spread(listener, 300)).containsOnlyKeys(HOSTS).allSatisfy((host, count) -> assertThat(count).isEqualTo(100));

			second.healthStatus(503);
			// States are published at once, the selection a moment later (rebuilt once per burst).
			await().atMost(WAIT).until(() -> status(listener, HOSTS[1]) == HealthStatus.UNHEALTHY
					&& listener.selection().size() == 2);
			assertThat(listener.endpoints().get(1).lastError()).isEqualTo("HTTP 503");
			assertThat(spread(listener, 200)).containsOnlyKeys(HOSTS[0], HOSTS[2]);

			third.stop();
			await().atMost(WAIT).until(() -> status(listener, HOSTS[2]) == HealthStatus.UNHEALTHY
					&& listener.selection().size() == 1);
			assertThat(spread(listener, 100)).containsOnlyKeys(HOSTS[0]);

			second.healthStatus(200);
			third.start();
			await().atMost(WAIT)
				.until(() -> status(listener, HOSTS[1]) == HealthStatus.HEALTHY && status(listener, HOSTS[2]) == HealthStatus.HEALTHY
						&& listener.selection().size() == 3);
			assertThat(spread(listener, 300)).containsOnlyKeys(HOSTS);
		}
	}

	@Test
	void dnsAnswerChangeShouldAddAndRemoveEndpointsWithinTheTtl() throws Exception {
		assumeLoopbackHosts();
		TestHttpBackend first = TestHttpBackend.start(HOSTS[0], 0);
		int port = first.port();
		try (first; TestHttpBackend second = TestHttpBackend.start(HOSTS[1], port)) {
			this.dns.a("backend.svc.test", 1, HOSTS[0]);
			Listener listener = this.clavier.addListener("backend",
					fast(DnsDiscovery.builder().name("backend.svc.test").port(port).servers(this.dns.hostAndPort())
						.minTtl(Duration.ofMillis(100)).build()).scout(HttpScout.builder().path("/health").build()).build());
			assertThat(listener.awaitReady(WAIT)).isTrue();
			this.dns.a("backend.svc.test", 1, HOSTS[1]);
			await().atMost(WAIT).until(() -> listener.selection().endpoints().stream().map(Endpoint::host).toList()
				.equals(List.of(HOSTS[1])));
			int checksOfRemoved = first.healthChecks();
			int checksOfAdded = second.healthChecks();
			await().atMost(WAIT).until(() -> second.healthChecks() >= checksOfAdded + 2);
			// The removed endpoint is probed no more (one probe may have been in flight).
			assertThat(first.healthChecks()).isLessThanOrEqualTo(checksOfRemoved + 1);
		}
	}

	@Test
	void dnsAnswerMovingToAnotherAddressShouldNeverLeaveNothingToPick() throws Exception {
		assumeLoopbackHosts();
		TestTcpBackend first = TestTcpBackend.start(HOSTS[1], 0, TcpMode.ACCEPT);
		int port = first.port();
		try (first; TestTcpBackend second = TestTcpBackend.start(HOSTS[2], port, TcpMode.ACCEPT)) {
			this.dns.a("backend.svc.test", 0, HOSTS[1]);
			Listener listener = this.clavier.addListener("backend",
					fast(DnsDiscovery.builder().name("backend.svc.test").port(port).servers(this.dns.hostAndPort())
						.minTtl(Duration.ofMillis(20)).build()).scout(TcpScout.builder().build()).build());
			assertThat(listener.awaitReady(WAIT)).isTrue();
			AtomicBoolean picking = new AtomicBoolean(true);
			AtomicLong picks = new AtomicLong();
			ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
			Thread picker = new Thread(() -> {
				long deadline = System.nanoTime() + MAX_PICKING.toNanos();
				for (long i = 0; i < 1_000_000_000L && picking.get() && System.nanoTime() < deadline; i++) {
					try {
						listener.getEndpoint();
					}
					catch (RuntimeException ex) {
						failures.add(ex.toString());
					}
					picks.incrementAndGet();
				}
			}, "clavier-test-picker");
			picker.setDaemon(true);
			picker.start();
			// Back and forth: each move removes the only healthy endpoint and adds an unprobed one.
			for (int move = 0; move < 6; move++) {
				String to = HOSTS[1 + (move + 1) % 2];
				this.dns.a("backend.svc.test", 0, to);
				await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
					.until(() -> listener.selection().endpoints().stream().map(Endpoint::host).toList().equals(List.of(to)));
				long seen = picks.get();
				await().atMost(WAIT).until(() -> picks.get() > seen + 10_000);
				assertThat(listener.endpoints()).extracting((state) -> state.endpoint().host()).containsExactly(to);
				assertThat(spread(listener, 100)).containsOnlyKeys(to);
			}
			picking.set(false);
			picker.join(WAIT.toMillis());
			assertThat(picker.isAlive()).isFalse();
			assertThat(failures).as("failed picks out of %d", picks.get()).isEmpty();
		}
	}

	@Test
	void dnsAnswerMovingToAnAddressWhereNothingListensShouldStopPickingTheOldOne() throws Exception {
		assumeLoopbackHosts();
		try (TestTcpBackend old = TestTcpBackend.start(HOSTS[1], 0, TcpMode.ACCEPT)) {
			this.dns.a("backend.svc.test", 0, HOSTS[1]);
			Listener listener = this.clavier.addListener("backend",
					fast(DnsDiscovery.builder().name("backend.svc.test").port(old.port()).servers(this.dns.hostAndPort())
						.minTtl(Duration.ofMillis(20)).build()).scout(TcpScout.builder().build()).build());
			assertThat(listener.awaitReady(WAIT)).isTrue();
			assertThat(listener.getEndpoint().host()).isEqualTo(HOSTS[1]);
			// Nothing listens on 127.0.0.4: its first probe fails, and the old endpoint is dropped.
			this.dns.a("backend.svc.test", 0, "127.0.0.4");
			await().atMost(WAIT).until(() -> listener.selection().isEmpty()
					&& listener.endpoints().stream().noneMatch((state) -> state.endpoint().host().equals(HOSTS[1])));
			assertThat(status(listener, "127.0.0.4")).isEqualTo(HealthStatus.UNHEALTHY);
			assertThatExceptionOfType(NoHealthyEndpointException.class).isThrownBy(listener::getEndpoint)
				.withMessageStartingWith("[backend] no healthy endpoint: 1 discovered (0 HEALTHY, 1 UNHEALTHY, 0 UNKNOWN)");
		}
	}

	@Test
	void dnsServerDownShouldKeepEndpointsAndRecoverWhenBack() throws Exception {
		try (TestHttpBackend backend = TestHttpBackend.start(HOSTS[0], 0)) {
			this.dns.a("backend.svc.test", 1, HOSTS[0]);
			Listener listener = this.clavier.addListener("backend",
					fast(DnsDiscovery.builder().name("backend.svc.test").port(backend.port())
						.servers(this.dns.hostAndPort()).minTtl(Duration.ofMillis(100)).queryTimeout(Duration.ofMillis(200))
						.build()).scout(HttpScout.builder().build())
						.discoveryRetry(Duration.ofMillis(100), Duration.ofMillis(300))
						.build());
			assertThat(listener.awaitReady(WAIT)).isTrue();
			this.dns.stop();
			await().atMost(WAIT).until(() -> listener.discoveryState().attempts() >= 2);
			assertThat(listener.getEndpoint().host()).isEqualTo(HOSTS[0]);
			this.dns.restart();
			await().atMost(WAIT).until(() -> listener.discoveryState().lastError() == null);
			assertThat(listener.getEndpoint().host()).isEqualTo(HOSTS[0]);
		}
	}

	@Test
	void aaaaOnIpv6LoopbackShouldBecomeHealthy() throws Exception {
		assumeThat(LoopbackAddresses.ipv6Available()).as("::1 is available").isTrue();
		try (TestHttpBackend backend = TestHttpBackend.start("::1", 0)) {
			this.dns.aaaa("v6.svc.test", 1, "::1");
			Listener listener = this.clavier.addListener("v6",
					fast(DnsDiscovery.builder().name("v6.svc.test").port(backend.port()).recordType(DnsRecordType.AAAA)
						.servers(this.dns.hostAndPort()).build()).scout(HttpScout.builder().build()).build());
			assertThat(listener.awaitReady(WAIT)).isTrue();
			Endpoint endpoint = listener.getEndpoint();
			assertThat(endpoint.address()).isEqualTo("[::1]:" + backend.port());
			assertThat(listener.endpoints().get(0).status()).isEqualTo(HealthStatus.HEALTHY);
		}
	}

	@Test
	void redisStyleTcpScoutShouldPassOnPongAndFailOnOtherReplies() throws Exception {
		try (TestTcpBackend redis = TestTcpBackend.start(HOSTS[0], 0, TcpMode.REDIS)) {
			Listener listener = this.clavier.addListener("cache",
					fast(StaticDiscovery.of(Endpoint.of(HOSTS[0], redis.port()))).scout(TcpScout.redis()).build());
			assertThat(listener.awaitReady(WAIT)).isTrue();
			assertThat(listener.endpoints().get(0).status()).isEqualTo(HealthStatus.HEALTHY);
			redis.redisReply("-LOADING Redis is loading the dataset in memory\r\n");
			await().atMost(WAIT).until(() -> listener.endpoints().get(0).status() == HealthStatus.UNHEALTHY);
		}
	}

	@Test
	void closeShouldStopEveryThreadAndChannelItStarted() throws Exception {
		Set<String> before = ClavierTests.clavierThreads();
		try (TestHttpBackend http = TestHttpBackend.start(HOSTS[0], 0);
				TestTcpBackend tcp = TestTcpBackend.start(HOSTS[0], 0, TcpMode.ACCEPT)) {
			this.dns.a("backend.svc.test", 1, HOSTS[0]);
			Clavier engine = Clavier.create();
			List<Listener> listeners = List.of(
					engine.addListener("http", fast(DnsDiscovery.builder().name("backend.svc.test").port(http.port())
						.servers(this.dns.hostAndPort()).build()).scout(HttpScout.builder().build()).build()),
					engine.addListener("tcp", fast(StaticDiscovery.of(Endpoint.of(HOSTS[0], tcp.port()))).build()));
			for (Listener listener : listeners) {
				// Not just ready: healthy, so every kind of probe has really run.
				await().atMost(WAIT).until(() -> !listener.selection().isEmpty());
			}
			assertThat(ClavierTests.clavierThreads()).contains("clavier-scheduler-1", "clavier-io-1");
			engine.close();
			await().atMost(WAIT).until(() -> ClavierTests.clavierThreads().equals(before));
			assertThat(dnsjavaThreads()).isEmpty();
			// The probes' connections are closed too: the TCP backend sees none left open.
			await().atMost(WAIT).until(() -> tcp.openConnections() == 0);
		}
	}

	private static Set<String> dnsjavaThreads() {
		return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
			.filter((name) -> name.startsWith("dnsjava")).collect(Collectors.toSet());
	}

	private static Map<String, Integer> spread(Listener listener, int calls) {
		Map<String, Integer> counts = new HashMap<>();
		for (int i = 0; i < calls; i++) {
			counts.merge(listener.getEndpoint().host(), 1, Integer::sum);
		}
		return counts;
	}

}
