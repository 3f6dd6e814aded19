package dev.clavier.discovery.dns;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.clavier.discovery.DiscoveryResult;
import dev.clavier.discovery.DiscoverySession;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.internal.TestPluginContext;
import dev.clavier.test.Dnsmasq;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Interoperability tests for {@link DnsDiscovery} against a real dnsmasq on loopback.
 */
class DnsDiscoveryInteropTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@TempDir
	Path workDir;

	private TestPluginContext context;

	@BeforeEach
	void setUp() {
		assumeTrue(Dnsmasq.isInstalled(), "dnsmasq is not installed");
		this.context = new TestPluginContext("backend", java.time.Duration.ofSeconds(1));
	}

	@AfterEach
	void tearDown() throws InterruptedException {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void discoverWhenHostsFileShouldReturnItsAddresses() throws Exception {
		try (Dnsmasq dnsmasq = Dnsmasq.builder(this.workDir)
			.host("backend.svc.test", "127.0.0.2", "127.0.0.3")
			.start()) {
			DnsDiscovery discovery = DnsDiscovery.builder()
				.name("backend.svc.test")
				.port(8080)
				.servers(List.of(dnsmasq.hostAndPort()))
				.build();
			try (DiscoverySession session = discovery.open(this.context)) {
				DiscoveryResult result = get(session);
				assertThat(result.endpoints()).extracting(Endpoint::address)
					.containsExactly("127.0.0.2:8080", "127.0.0.3:8080");
				// dnsmasq answers its hosts with a TTL of 1 second.
				assertThat(result.refreshAfter()).isEqualTo(Duration.ofSeconds(1));
			}
		}
	}

	@Test
	void discoverWhenHostsFileChangesAndReloadsShouldSeeChange() throws Exception {
		try (Dnsmasq dnsmasq = Dnsmasq.builder(this.workDir).host("backend.svc.test", "127.0.0.2").start()) {
			DnsDiscovery discovery = DnsDiscovery.builder()
				.name("backend.svc.test")
				.port(8080)
				.servers(List.of(dnsmasq.hostAndPort()))
				.build();
			try (DiscoverySession session = discovery.open(this.context)) {
				assertThat(get(session).endpoints()).extracting(Endpoint::host).containsExactly("127.0.0.2");
				dnsmasq.host("backend.svc.test", "127.0.0.4", "127.0.0.5").reloadHosts();
				await().atMost(WAIT)
					.untilAsserted(() -> assertThat(get(session).endpoints()).extracting(Endpoint::host)
						.containsExactly("127.0.0.4", "127.0.0.5"));
			}
		}
	}

	@Test
	void discoverWhenNameUnknownShouldReturnNxdomain() throws Exception {
		try (Dnsmasq dnsmasq = Dnsmasq.builder(this.workDir).host("backend.svc.test", "127.0.0.2").start()) {
			DnsDiscovery discovery = DnsDiscovery.builder()
				.name("missing.svc.test")
				.port(8080)
				.servers(List.of(dnsmasq.hostAndPort()))
				.build();
			try (DiscoverySession session = discovery.open(this.context)) {
				DiscoveryResult result = get(session);
				assertThat(result.endpoints()).isEmpty();
				assertThat(result.note()).isEqualTo("NXDOMAIN");
			}
		}
	}

	@Test
	void discoverWhenSrvHostShouldReturnTargetsOnRecordPort() throws Exception {
		try (Dnsmasq dnsmasq = Dnsmasq.builder(this.workDir)
			.host("host1.svc.test", "127.0.0.2")
			.host("host2.svc.test", "127.0.0.3")
			.srv("_http._tcp.svc.test", "host1.svc.test", 8080, 0, 10)
			.srv("_http._tcp.svc.test", "host2.svc.test", 9090, 5, 10)
			.start()) {
			DnsDiscovery discovery = DnsDiscovery.builder()
				.name("_http._tcp.svc.test")
				.recordType(DnsRecordType.SRV)
				.servers(List.of(dnsmasq.hostAndPort()))
				.build();
			try (DiscoverySession session = discovery.open(this.context)) {
				DiscoveryResult result = get(session);
				assertThat(result.endpoints()).containsExactly(new Endpoint("127.0.0.2", 8080, 10,
						Map.of("srv.priority", "0", "srv.target", "host1.svc.test.")));
			}
		}
	}

	private static DiscoveryResult get(DiscoverySession session) throws Exception {
		return session.discover().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
	}

}
