package dev.clavier;

import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.discovery.dns.DnsDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.scout.HttpScout;
import dev.clavier.test.DnsFault;
import dev.clavier.test.TestDnsServer;
import dev.clavier.test.TestHttpBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a listener logs when things go wrong and right again, against real peers on loopback:
 * the test kit's DNS server answering NXDOMAIN or failing, and an HTTP backend whose health
 * check fails. Each change is logged once, at the level an operator looks for.
 */
class ClavierListenerLogTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final Logger logger = (Logger) LoggerFactory.getLogger(Listener.class);

	private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

	private TestDnsServer dns;

	private Clavier clavier;

	@BeforeEach
	void start() {
		this.logged.start();
		this.logger.addAppender(this.logged);
		this.dns = TestDnsServer.start();
		this.clavier = Clavier.create();
	}

	@AfterEach
	void stop() {
		this.clavier.close();
		this.dns.close();
		this.logger.detachAppender(this.logged);
	}

	@Test
	void discoveryWhenNxdomainShouldLogOnceAndNeverBeReady() throws Exception {
		try (TestHttpBackend backend = TestHttpBackend.start("127.0.0.1", 0)) {
			Listener listener = this.clavier.addListener("gone", ListenerConfig
				.builder(DnsDiscovery.builder().name("gone.svc.test").port(backend.port()).servers(this.dns.hostAndPort())
					.minTtl(Duration.ofMillis(100)).maxTtl(Duration.ofMillis(200)).build())
				.scout(HttpScout.builder().build())
				.build());
			// Several answers, all NXDOMAIN: one line, and never ready.
			await().atMost(WAIT).until(() -> this.dns.queryCount("gone.svc.test.") >= 4);
			assertThat(listener.snapshot().ready()).isFalse();
			String target = "gone.svc.test. A via " + this.dns.hostAndPort();
			assertThat(lines(Level.WARN)).containsExactly("[gone] discovery of " + target
					+ " answered no endpoints (NXDOMAIN); nothing to pick until it answers some");
			this.dns.a("gone.svc.test", 1, "127.0.0.1");
			assertThat(listener.awaitReady(WAIT)).isTrue();
			assertThat(lines(Level.INFO)).contains("[gone] discovery of " + target + " answers again: 1 endpoint(s)");
		}
	}

	@Test
	void discoveryWhenDnsServerFailsShouldStateTheFailureOnce() {
		this.dns.fault(DnsFault.SERVFAIL);
		this.clavier.addListener("backend",
				ListenerConfig.builder(DnsDiscovery.builder().name("backend.svc.test").port(8080)
					.servers(this.dns.hostAndPort()).build())
					.discoveryRetry(Duration.ofMillis(50), Duration.ofMillis(100))
					.build());
		await().atMost(WAIT).until(() -> !lines(Level.WARN).isEmpty());
		assertThat(lines(Level.WARN).get(0))
			.startsWith("[backend] dns lookup of backend.svc.test. A via " + this.dns.hostAndPort() + " failed: SERVFAIL; "
					+ "keeping 0 endpoint(s), retrying in ")
			.endsWith("(attempt 1)")
			.doesNotContain("discovery of");
	}

	@Test
	void healthWhenEndpointsGoDownAndBackShouldWarnOnceAndInformOnce() throws Exception {
		try (TestHttpBackend backend = TestHttpBackend.start("127.0.0.1", 0)) {
			Listener listener = this.clavier.addListener("backend",
					ListenerConfig.builder(StaticDiscovery.of(Endpoint.of(backend.host(), backend.port())))
						.scout(HttpScout.builder().path(TestHttpBackend.DEFAULT_HEALTH_PATH).build())
						// A generous timeout: a probe slowed by a busy machine must not add a line.
						.interval(Duration.ofMillis(1000))
						.timeout(Duration.ofMillis(900))
						.rise(1)
						.fall(1)
						.build());
			assertThat(listener.awaitReady(WAIT)).isTrue();
			backend.healthStatus(503);
			await().atMost(WAIT).until(() -> lines(Level.WARN).size() >= 2);
			String endpoint = backend.hostAndPort();
			assertThat(lines(Level.WARN)).hasSize(2);
			assertThat(lines(Level.WARN).get(0)).startsWith("[backend] " + endpoint + " is UNHEALTHY (").contains("HTTP 503");
			assertThat(lines(Level.WARN).get(1)).isEqualTo(
					"[backend] no healthy endpoint: 1 discovered (0 HEALTHY, 1 UNHEALTHY, 0 UNKNOWN); last errors: "
							+ endpoint + ": HTTP 503; calls fail until one passes its probes (all-down policy: fail)");
			backend.healthStatus(200);
			await().atMost(WAIT).until(() -> listener.endpoints().get(0).status() == HealthStatus.HEALTHY
					&& lines(Level.INFO).contains("[backend] 1 endpoint(s) healthy again; calls go through"));
			assertThat(lines(Level.INFO)).anyMatch((line) -> line.startsWith("[backend] " + endpoint + " is HEALTHY ("));
			assertThat(lines(Level.WARN)).noneMatch((line) -> line.contains(" is HEALTHY "));
			// Down for several probes, said once.
			assertThat(lines(Level.WARN)).hasSize(2);
		}
	}

	private List<String> lines(Level level) {
		synchronized (this.logged.list) {
			return this.logged.list.stream()
				.filter((event) -> event.getLevel() == level)
				.map(ILoggingEvent::getFormattedMessage)
				.toList();
		}
	}

}
