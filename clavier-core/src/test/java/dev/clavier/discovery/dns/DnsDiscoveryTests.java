package dev.clavier.discovery.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.clavier.discovery.DiscoveryResult;
import dev.clavier.discovery.DiscoverySession;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.internal.TestPluginContext;
import dev.clavier.model.InvalidOptionException;
import dev.clavier.test.DnsFault;
import dev.clavier.test.SrvTarget;
import dev.clavier.test.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link DnsDiscovery}, against the test kit's DNS server on loopback.
 */
class DnsDiscoveryTests {

	private static final String NAME = "backend.svc.test";

	private static final Duration WAIT = Duration.ofSeconds(10);

	private TestDnsServer dns;

	private TestPluginContext context;

	@BeforeEach
	void setUp() {
		this.dns = TestDnsServer.start();
		this.context = new TestPluginContext("backend", java.time.Duration.ofSeconds(1));
	}

	@AfterEach
	void tearDown() throws InterruptedException {
		this.context.close();
		this.dns.close();
	}

	@Test
	void discoverWhenARecordsShouldReturnEndpointsOnPort() throws Exception {
		this.dns.a(NAME, 5, "127.0.0.3", "127.0.0.2", "127.0.0.10");
		DiscoveryResult result = discover(builder().port(8080).build());
		assertThat(result.endpoints()).extracting(Endpoint::address)
			.containsExactly("127.0.0.2:8080", "127.0.0.3:8080", "127.0.0.10:8080");
		assertThat(result.endpoints()).allSatisfy((endpoint) -> {
			assertThat(endpoint.weight()).isEqualTo(1);
			assertThat(endpoint.attributes()).isEmpty();
		});
		assertThat(result.refreshAfter()).isEqualTo(Duration.ofSeconds(5));
		assertThat(result.note()).isNull();
	}

	@Test
	void discoverWhenAaaaOnIpv6ServerShouldReturnIpv6Endpoints() throws Exception {
		try (TestDnsServer dns6 = TestDnsServer.start("::1")) {
			dns6.aaaa(NAME, 5, "::1", "2001:db8:0:0:0:0:0:7");
			DnsDiscovery discovery = DnsDiscovery.builder()
				.name(NAME)
				.port(8080)
				.recordType(DnsRecordType.AAAA)
				.servers(List.of(dns6.hostAndPort()))
				.build();
			assertThat(discovery.servers()).containsExactly("[::1]:" + dns6.port());
			DiscoveryResult result = discover(discovery);
			assertThat(result.endpoints()).extracting(Endpoint::host).containsExactly("::1", "2001:db8::7");
			assertThat(result.endpoints()).extracting(Endpoint::address)
				.containsExactly("[::1]:8080", "[2001:db8::7]:8080");
			// ::1 is an address a scout can probe.
			assertThat(InetAddress.getByName(result.endpoints().get(0).host()).isLoopbackAddress()).isTrue();
		}
	}

	@Test
	void discoverWhenAAaaaShouldMergeWithIpv4First() throws Exception {
		this.dns.a(NAME, 30, "127.0.0.2").aaaa(NAME, 7, "::1");
		DiscoveryResult result = discover(builder().port(9090).recordType(DnsRecordType.A_AAAA).build());
		assertThat(result.endpoints()).extracting(Endpoint::address).containsExactly("127.0.0.2:9090", "[::1]:9090");
		assertThat(result.refreshAfter()).isEqualTo(Duration.ofSeconds(7));
	}

	@Test
	void discoverWhenAAaaaAndOnlyIpv4ShouldReturnIpv4() throws Exception {
		this.dns.a(NAME, 30, "127.0.0.2");
		DiscoveryResult result = discover(builder().port(9090).recordType(DnsRecordType.A_AAAA).build());
		assertThat(result.endpoints()).extracting(Endpoint::address).containsExactly("127.0.0.2:9090");
	}

	@Test
	void discoverWhenSrvShouldUseLowestPriorityGroup() throws Exception {
		this.dns.srv("_http._tcp." + NAME, 20, new SrvTarget(10, 5, 8081, "host1.svc.test"),
				new SrvTarget(10, 20, 8082, "host2.svc.test"), new SrvTarget(20, 10, 8083, "host3.svc.test"));
		this.dns.a("host1.svc.test", 30, "127.0.0.2")
			.a("host2.svc.test", 9, "127.0.0.3")
			.aaaa("host2.svc.test", 30, "::1")
			.a("host3.svc.test", 30, "127.0.0.4");
		DiscoveryResult result = discover(srv("_http._tcp." + NAME));
		assertThat(result.endpoints()).extracting(Endpoint::address)
			.containsExactly("127.0.0.2:8081", "127.0.0.3:8082", "[::1]:8082");
		assertThat(result.endpoints()).extracting(Endpoint::weight).containsExactly(5, 20, 20);
		assertThat(result.endpoints().get(0).attributes())
			.isEqualTo(Map.of("srv.priority", "10", "srv.target", "host1.svc.test."));
		assertThat(result.endpoints().get(2).attributes())
			.isEqualTo(Map.of("srv.priority", "10", "srv.target", "host2.svc.test."));
		assertThat(result.refreshAfter()).isEqualTo(Duration.ofSeconds(9));
	}

	@Test
	void discoverWhenLowestSrvGroupDoesNotResolveShouldUseNextGroup() throws Exception {
		this.dns.srv("_http._tcp." + NAME, 20, new SrvTarget(10, 5, 8081, "gone.svc.test"),
				new SrvTarget(20, 7, 8083, "host3.svc.test"), new SrvTarget(30, 7, 8084, "host4.svc.test"));
		this.dns.a("host3.svc.test", 30, "127.0.0.4").a("host4.svc.test", 30, "127.0.0.5");
		DiscoveryResult result = discover(srv("_http._tcp." + NAME));
		assertThat(result.endpoints()).containsExactly(
				new Endpoint("127.0.0.4", 8083, 7, Map.of("srv.priority", "20", "srv.target", "host3.svc.test.")));
	}

	@Test
	void discoverWhenNoSrvTargetResolvesShouldReturnEmptyWithNote() throws Exception {
		this.dns.srv("_http._tcp." + NAME, 20, new SrvTarget(10, 5, 8081, "gone.svc.test"),
				new SrvTarget(20, 5, 8081, "gone2.svc.test"));
		DiscoveryResult result = discover(srv("_http._tcp." + NAME));
		assertThat(result.endpoints()).isEmpty();
		assertThat(result.note()).isEqualTo("SRV targets did not resolve");
		assertThat(result.refreshAfter()).isEqualTo(DnsDiscovery.DEFAULT_MIN_TTL);
	}

	@Test
	void discoverWhenSrvTargetLookupFailsAndNoneResolvesShouldFail() throws Exception {
		this.dns.srv("_http._tcp." + NAME, 20, new SrvTarget(10, 5, 8081, "host1.svc.test"));
		this.dns.a("host1.svc.test", 30, "127.0.0.2").fault("host1.svc.test", DnsFault.SERVFAIL);
		assertThatThrownBy(() -> discover(srv("_http._tcp." + NAME)))
			.hasRootCauseInstanceOf(org.xbill.DNS.lookup.ServerFailedException.class)
			.cause()
			.isInstanceOf(DnsLookupException.class)
			.hasMessageContaining("host1.svc.test.")
			.hasMessageEndingWith("failed: SERVFAIL");
	}

	@Test
	void discoverWhenCnameShouldFollowChain() throws Exception {
		this.dns.cname(NAME, 30, "alias.svc.test")
			.cname("alias.svc.test", 30, "real.svc.test")
			.a("real.svc.test", 4, "127.0.0.7");
		DiscoveryResult result = discover(builder().port(8080).build());
		assertThat(result.endpoints()).extracting(Endpoint::address).containsExactly("127.0.0.7:8080");
		assertThat(result.refreshAfter()).isEqualTo(Duration.ofSeconds(4));
	}

	@Test
	void discoverWhenCnameLoopShouldFail() {
		this.dns.cname(NAME, 30, "alias.svc.test").cname("alias.svc.test", 30, NAME);
		assertThatThrownBy(() -> discover(builder().port(8080).build())).cause()
			.isInstanceOf(DnsLookupException.class)
			.hasMessageStartingWith("dns lookup of backend.svc.test. A via " + this.dns.hostAndPort() + " failed:");
	}

	@Test
	void discoverShouldClampRefreshToMinAndMaxTtl() throws Exception {
		this.dns.a(NAME, 0, "127.0.0.2");
		assertThat(discover(builder().port(80).minTtl(Duration.ofSeconds(3)).build()).refreshAfter())
			.isEqualTo(Duration.ofSeconds(3));
		this.dns.a(NAME, 86_400, "127.0.0.2");
		assertThat(discover(builder().port(80).maxTtl(Duration.ofSeconds(45)).build()).refreshAfter())
			.isEqualTo(Duration.ofSeconds(45));
	}

	@Test
	void discoverWhenAnswerChangesShouldReturnNewSet() throws Exception {
		this.dns.a(NAME, 1, "127.0.0.2", "127.0.0.3");
		try (DiscoverySession session = builder().port(8080).build().open(this.context)) {
			assertThat(get(session.discover()).endpoints()).extracting(Endpoint::host)
				.containsExactly("127.0.0.2", "127.0.0.3");
			this.dns.a(NAME, 1, "127.0.0.3", "127.0.0.4");
			assertThat(get(session.discover()).endpoints()).extracting(Endpoint::host)
				.containsExactly("127.0.0.3", "127.0.0.4");
		}
	}

	@Test
	void discoverWhenServerStoppedShouldFailWithinQueryTimeoutThenRecover() throws Exception {
		this.dns.a(NAME, 1, "127.0.0.2");
		Duration queryTimeout = Duration.ofMillis(500);
		try (DiscoverySession session = builder().port(8080).queryTimeout(queryTimeout).build().open(this.context)) {
			assertThat(get(session.discover()).endpoints()).hasSize(1);
			this.dns.stop();
			long start = System.nanoTime();
			assertThatThrownBy(() -> get(session.discover())).cause()
				.isInstanceOf(DnsLookupException.class)
				.hasMessageStartingWith("dns lookup of backend.svc.test. A via " + this.dns.hostAndPort() + " failed: ");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(queryTimeout.plusMillis(500));
			this.dns.restart();
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(get(session.discover()).endpoints()).extracting(Endpoint::host)
					.containsExactly("127.0.0.2"));
		}
	}

	@Test
	void discoverWhenNoAnswerShouldTimeOut() {
		this.dns.a(NAME, 1, "127.0.0.2").fault(DnsFault.NO_ANSWER);
		Duration queryTimeout = Duration.ofMillis(300);
		long start = System.nanoTime();
		assertThatThrownBy(() -> discover(builder().port(8080).queryTimeout(queryTimeout).build())).cause()
			.isInstanceOf(DnsLookupException.class)
			.hasMessage("dns lookup of backend.svc.test. A via " + this.dns.hostAndPort()
					+ " failed: timed out, no answer within 300ms");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
	}

	@ParameterizedTest
	@EnumSource(value = DnsFault.class, names = { "SERVFAIL", "REFUSED" })
	void discoverWhenServerRefusesShouldFailNamingRcode(DnsFault fault) {
		this.dns.a(NAME, 1, "127.0.0.2").fault(fault);
		assertThatThrownBy(() -> discover(builder().port(8080).build())).cause()
			.isInstanceOfSatisfying(DnsLookupException.class, (ex) -> {
				assertThat(ex).hasMessage(
						"dns lookup of backend.svc.test. A via " + this.dns.hostAndPort() + " failed: " + fault.name());
				assertThat(ex.queryName()).isEqualTo("backend.svc.test.");
				assertThat(ex.recordType()).isEqualTo("A");
				assertThat(ex.servers()).isEqualTo(this.dns.hostAndPort());
				assertThat(ex.reason()).isEqualTo(fault.name());
			});
	}

	@Test
	void discoverWhenGarbageAnswerShouldFail() {
		this.dns.a(NAME, 1, "127.0.0.2").fault(DnsFault.GARBAGE);
		long start = System.nanoTime();
		assertThatThrownBy(() -> discover(builder().port(8080).queryTimeout(Duration.ofSeconds(2)).build())).cause()
			.isInstanceOf(DnsLookupException.class)
			.hasMessageStartingWith("dns lookup of backend.svc.test. A via " + this.dns.hostAndPort() + " failed: ");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
	}

	@Test
	void discoverWhenNxdomainShouldReturnEmptyWithNote() throws Exception {
		DiscoveryResult result = discover(builder().port(8080).minTtl(Duration.ofSeconds(2)).build());
		assertThat(result.endpoints()).isEmpty();
		assertThat(result.note()).isEqualTo("NXDOMAIN");
		assertThat(result.refreshAfter()).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void discoverWhenNodataShouldReturnEmptyWithNote() throws Exception {
		this.dns.aaaa(NAME, 1, "::1");
		DiscoveryResult result = discover(builder().port(8080).build());
		assertThat(result.endpoints()).isEmpty();
		assertThat(result.note()).isEqualTo("NODATA");
		assertThat(result.refreshAfter()).isEqualTo(DnsDiscovery.DEFAULT_MIN_TTL);
	}

	@Test
	void discoverWhenAnswerTruncatedShouldFallBackToTcp() throws Exception {
		String[] ips = new String[300];
		for (int i = 0; i < ips.length; i++) {
			ips[i] = "127.0." + (10 + i / 250) + "." + (i % 250 + 1);
		}
		this.dns.a(NAME, 5, ips);
		DiscoveryResult result = discover(builder().port(8080).build());
		assertThat(result.endpoints()).hasSize(300);
		assertThat(result.endpoints().get(0).host()).isEqualTo("127.0.10.1");
		assertThat(result.endpoints().get(299).host()).isEqualTo("127.0.11.50");
		// One query over UDP (truncated), then the same over TCP.
		assertThat(this.dns.queryCount(NAME)).isEqualTo(2);
	}

	@Test
	void discoverWhenServerAlwaysTruncatesUdpShouldAnswerOverTcp() throws Exception {
		this.dns.a(NAME, 5, "127.0.0.2").fault(DnsFault.TRUNCATED);
		DiscoveryResult result = discover(builder().port(8080).build());
		assertThat(result.endpoints()).extracting(Endpoint::host).containsExactly("127.0.0.2");
	}

	@Test
	void discoverWhenRecordsOfAnotherOwnerShouldIgnoreThem() throws Exception {
		Name owner = Name.fromString(NAME + ".");
		Name other = Name.fromString("other.svc.test.");
		this.dns.records(NAME, Type.A, List.of(new ARecord(other, DClass.IN, 5, InetAddress.getByName("127.0.0.9")),
				new ARecord(owner, DClass.IN, 5, InetAddress.getByName("127.0.0.2"))));
		DiscoveryResult result = discover(builder().port(8080).build());
		assertThat(result.endpoints()).extracting(Endpoint::host).containsExactly("127.0.0.2");
	}

	@Test
	void discoverWhenOnlyRecordsOfAnotherOwnerShouldReturnEmpty() throws Exception {
		Name other = Name.fromString("other.svc.test.");
		this.dns.records(NAME, Type.A, List.of(new ARecord(other, DClass.IN, 5, InetAddress.getByName("127.0.0.9"))));
		DiscoveryResult result = discover(builder().port(8080).build());
		assertThat(result.endpoints()).isEmpty();
		assertThat(result.note()).isEqualTo("NODATA");
	}

	@Test
	void discoverWhenSystemResolverShouldResolveLocalhostFromHostsFile() throws Exception {
		DnsDiscovery discovery = DnsDiscovery.builder().name("localhost").port(8080).build();
		try (DiscoverySession session = discovery.open(this.context)) {
			assertThat(session.target()).isEqualTo("localhost A via system resolver");
			DiscoveryResult result = get(session.discover());
			assertThat(result.endpoints()).extracting(Endpoint::address).containsExactly("127.0.0.1:8080");
			assertThat(result.refreshAfter()).isEqualTo(DnsDiscovery.DEFAULT_MIN_TTL);
		}
	}

	@Test
	void openWhenNoNameShouldResolveListenerName() throws Exception {
		this.dns.a("backend", 5, "127.0.0.2");
		DnsDiscovery discovery = DnsDiscovery.builder().port(8080).servers(this.dns.hostAndPort()).build();
		try (DiscoverySession session = discovery.open(this.context)) {
			assertThat(session.target()).isEqualTo("backend. A via " + this.dns.hostAndPort());
			assertThat(get(session.discover()).endpoints()).extracting(Endpoint::host).containsExactly("127.0.0.2");
		}
	}

	@Test
	void openWhenListenerNameIsNotDnsNameShouldThrow() throws InterruptedException {
		DnsDiscovery discovery = DnsDiscovery.builder().port(8080).servers(this.dns.hostAndPort()).build();
		try (TestPluginContext bad = new TestPluginContext("my backend", java.time.Duration.ofSeconds(1))) {
			assertThatIllegalArgumentException().isThrownBy(() -> discovery.open(bad))
				.withMessageStartingWith("name: 'my backend' (expected: a DNS name");
		}
	}

	@Test
	void targetShouldNameNameTypeAndServers() {
		DnsDiscovery discovery = builder().recordType(DnsRecordType.SRV).build();
		try (DiscoverySession session = discovery.open(this.context)) {
			assertThat(session.target()).isEqualTo("backend.svc.test. SRV via " + this.dns.hostAndPort());
		}
	}

	@Test
	void discoverWhenClosedShouldFail() {
		this.dns.a(NAME, 5, "127.0.0.2");
		DiscoverySession session = builder().port(8080).build().open(this.context);
		session.close();
		session.close();
		assertThat(session.discover()).failsWithin(WAIT)
			.withThrowableThat()
			.withMessageContaining("is closed");
	}

	@Test
	void discoverWhenEngineEventLoopStoppedShouldFailNotHang() {
		this.dns.a(NAME, 5, "127.0.0.2");
		try (DiscoverySession session = builder().port(8080).build().open(this.context)) {
			this.context.sharedResources().close();
			assertThat(session.discover()).failsWithin(WAIT)
				.withThrowableThat()
				.withMessageContaining("dns lookup of backend.svc.test. A via " + this.dns.hostAndPort() + " failed");
		}
	}

	@Test
	void closeWhenQueryInFlightShouldFailIt() {
		this.dns.a(NAME, 5, "127.0.0.2").fault(DnsFault.NO_ANSWER);
		DiscoverySession session = builder().port(8080).queryTimeout(Duration.ofSeconds(5)).build().open(this.context);
		CompletableFuture<DiscoveryResult> pending = session.discover();
		await().atMost(WAIT).until(() -> this.dns.queryCount() > 0);
		session.close();
		assertThat(pending).failsWithin(Duration.ofSeconds(2));
	}

	@Test
	void discoverShouldNotUseDnsjavaNioTransport() throws Exception {
		this.dns.a(NAME, 5, "127.0.0.2");
		this.dns.srv("_http._tcp." + NAME, 5, SrvTarget.of(8080, NAME));
		String[] ips = new String[300];
		for (int i = 0; i < ips.length; i++) {
			ips[i] = "127.1." + (i / 250) + "." + (i % 250 + 1);
		}
		this.dns.a("big.svc.test", 5, ips);
		List<String> nioPackets = new CopyOnWriteArrayList<>();
		int port = this.dns.port();
		Lookup.setPacketLogger((prefix, local, remote, data) -> {
			if (remote instanceof InetSocketAddress address && address.getPort() == port) {
				nioPackets.add(prefix + " " + remote);
			}
		});
		try {
			discover(builder().port(8080).build());
			discover(srv("_http._tcp." + NAME));
			assertThat(discover(DnsDiscovery.builder().name("big.svc.test").port(80).servers(this.dns.hostAndPort())
				.build()).endpoints()).hasSize(300);
		}
		finally {
			Lookup.setPacketLogger(null);
		}
		assertThat(this.dns.queryCount()).isGreaterThanOrEqualTo(5);
		assertThat(nioPackets).isEmpty();
		// Nothing in this JVM uses dnsjava's own transport (the test kit's dnsmasq probe uses a plain socket).
		assertThat(dnsjavaSelectorRunning()).isFalse();
	}

	private static boolean dnsjavaSelectorRunning() {
		return Thread.getAllStackTraces().keySet().stream()
			.anyMatch((thread) -> thread.getName().equals("dnsjava NIO selector"));
	}

	@Test
	void builderWhenPortOutOfRangeShouldThrow() {
		assertThatIllegalArgumentException().isThrownBy(() -> DnsDiscovery.builder().port(0))
			.withMessage("port: 0 (expected: 1...65535)");
		assertThatIllegalArgumentException().isThrownBy(() -> DnsDiscovery.builder().port(65536))
			.withMessage("port: 65536 (expected: 1...65535)");
	}

	@Test
	void builderWhenServerIsNotAddressShouldThrowNamingIt() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DnsDiscovery.builder().servers(List.of("127.0.0.1", "nope:abc")))
			.withMessageStartingWith("servers[1]: 'nope:abc' (expected: an IP address");
		assertThatIllegalArgumentException().isThrownBy(() -> DnsDiscovery.builder().servers(List.of("dns.example:53")))
			.withMessageStartingWith("servers[0]: 'dns.example:53' (expected: an IP address");
		assertThatIllegalArgumentException().isThrownBy(() -> DnsDiscovery.builder().servers(List.of("[::1:53")))
			.withMessageStartingWith("servers[0]: '[::1:53'");
	}

	@Test
	void builderWhenServersShouldDefaultPortAndKeepIpv6() {
		DnsDiscovery discovery = DnsDiscovery.builder()
			.port(80)
			.servers(List.of("127.0.10.53", "[::1]:5353", "::2", "127.0.0.1:5353"))
			.build();
		assertThat(discovery.servers()).containsExactly("127.0.10.53:53", "[::1]:5353", "[::2]:53", "127.0.0.1:5353");
	}

	@Test
	void buildWhenMinTtlAboveMaxTtlShouldThrow() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DnsDiscovery.builder()
				.port(80)
				.minTtl(Duration.ofMinutes(2))
				.maxTtl(Duration.ofMinutes(1))
				.build())
			.withMessage("minTtl: PT2M (expected: <= maxTtl PT1M)");
	}

	@Test
	void builderWhenDurationNotPositiveShouldThrow() {
		assertThatIllegalArgumentException().isThrownBy(() -> DnsDiscovery.builder().minTtl(Duration.ZERO))
			.withMessage("minTtl: PT0S (expected: > 0)");
		assertThatIllegalArgumentException().isThrownBy(() -> DnsDiscovery.builder().maxTtl(Duration.ofSeconds(-1)))
			.withMessage("maxTtl: PT-1S (expected: > 0)");
		assertThatIllegalArgumentException().isThrownBy(() -> DnsDiscovery.builder().queryTimeout(Duration.ZERO))
			.withMessage("queryTimeout: PT0S (expected: > 0)");
	}

	@Test
	void buildWhenPortMissingOrMisplacedShouldThrow() {
		assertThatIllegalArgumentException().isThrownBy(() -> DnsDiscovery.builder().build())
			.withMessage("port: not set (expected: 1...65535, required for record type A)");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DnsDiscovery.builder().recordType(DnsRecordType.SRV).port(80).build())
			.withMessage("port: 80 (expected: not set for record type SRV, whose records carry the port)");
	}

	@Test
	void builderWhenRuleBrokenShouldNameTheOption() {
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> DnsDiscovery.builder().servers(List.of("127.0.0.1", "nope:abc")))
			.satisfies((ex) -> {
				assertThat(ex.option()).isEqualTo("servers");
				assertThat(ex.value()).isEqualTo("nope:abc");
				assertThat(ex.expected()).startsWith("an IP address");
			});
		assertThatExceptionOfType(InvalidOptionException.class).isThrownBy(() -> DnsDiscovery.builder().build())
			.satisfies((ex) -> {
				assertThat(ex.option()).isEqualTo("port");
				assertThat(ex.value()).isNull();
			});
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> DnsDiscovery.builder().name("bad name"))
			.satisfies((ex) -> {
				assertThat(ex.option()).isEqualTo("name");
				assertThat(ex.value()).isEqualTo("bad name");
			});
	}

	@Test
	void builderWhenNameInvalidShouldThrowNamingIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> DnsDiscovery.builder().name("bad name"))
			.withMessage("name: 'bad name' (expected: a DNS name such as backend.svc.cluster.local)");
		assertThatIllegalArgumentException().isThrownBy(() -> DnsDiscovery.builder().name("a..b"))
			.withMessageStartingWith("name: 'a..b'");
		assertThatIllegalArgumentException().isThrownBy(() -> DnsDiscovery.builder().name("x".repeat(64) + ".test"))
			.withMessageStartingWith("name: 'xxxx");
		assertThatIllegalArgumentException().isThrownBy(() -> DnsDiscovery.builder().name(""))
			.withMessageStartingWith("name: ''");
	}

	@Test
	void builderShouldKeepDefaults() {
		DnsDiscovery discovery = DnsDiscovery.builder().port(8080).build();
		assertThat(discovery.model()).isEqualTo("dns");
		assertThat(discovery.name()).isNull();
		assertThat(discovery.recordType()).isEqualTo(DnsRecordType.A);
		assertThat(discovery.servers()).isEmpty();
		assertThat(discovery.minTtl()).isEqualTo(Duration.ofSeconds(1));
		assertThat(discovery.maxTtl()).isEqualTo(Duration.ofSeconds(60));
		assertThat(discovery.queryTimeout()).isEqualTo(Duration.ofSeconds(2));
		assertThat(discovery).hasToString("DnsDiscovery[name=<listener name>, recordType=A, port=8080, "
				+ "servers=system, minTtl=PT1S, maxTtl=PT1M, queryTimeout=PT2S]");
	}

	private DnsDiscovery.Builder builder() {
		return DnsDiscovery.builder().name(NAME).servers(List.of(this.dns.hostAndPort()));
	}

	private DnsDiscovery srv(String name) {
		return DnsDiscovery.builder()
			.name(name)
			.recordType(DnsRecordType.SRV)
			.servers(List.of(this.dns.hostAndPort()))
			.build();
	}

	private DiscoveryResult discover(DnsDiscovery discovery) throws Exception {
		try (DiscoverySession session = discovery.open(this.context)) {
			return get(session.discover());
		}
	}

	private static DiscoveryResult get(CompletableFuture<DiscoveryResult> future)
			throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
		return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
	}

}
