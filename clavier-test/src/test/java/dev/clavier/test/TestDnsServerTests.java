package dev.clavier.test;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link TestDnsServer}, queried with dnsjava's {@link SimpleResolver} over UDP and
 * TCP.
 */
class TestDnsServerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);

	private TestDnsServer server;

	@BeforeEach
	void startServer() {
		this.server = TestDnsServer.start();
	}

	@AfterEach
	void closeServer() {
		this.server.close();
	}

	@Test
	void startShouldBindUdpAndTcpOnOneLoopbackPort() {
		assertThat(this.server.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
		assertThat(this.server.port()).isPositive();
		assertThat(this.server.hostAndPort()).isEqualTo("127.0.0.1:" + this.server.port());
		assertThat(this.server.isRunning()).isTrue();
	}

	@ParameterizedTest(name = "tcp={0}")
	@ValueSource(booleans = { false, true })
	void queryWhenNameHasARecordsShouldAnswerAuthoritatively(boolean tcp) throws IOException {
		this.server.a("backend.svc.test", 30, "127.0.0.2", "127.0.0.3");
		Message query = query("backend.svc.test.", Type.A);
		Message response = resolver(tcp).send(query);
		assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
		assertThat(response.getHeader().getFlag(Flags.QR)).isTrue();
		assertThat(response.getHeader().getFlag(Flags.AA)).isTrue();
		assertThat(response.getHeader().getID()).isEqualTo(query.getHeader().getID());
		assertThat(response.getQuestion()).isEqualTo(query.getQuestion());
		assertThat(addresses(response)).containsExactly("127.0.0.2", "127.0.0.3");
		assertThat(response.getSection(Section.ANSWER)).allSatisfy((record) -> assertThat(record.getTTL()).isEqualTo(30));
	}

	@ParameterizedTest(name = "tcp={0}")
	@ValueSource(booleans = { false, true })
	void queryWhenNameHasAaaaRecordsShouldAnswer(boolean tcp) throws IOException {
		this.server.aaaa("backend.svc.test", 30, "::1", "fd00::2");
		Message response = send(tcp, "backend.svc.test", Type.AAAA);
		assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
		assertThat(response.getSection(Section.ANSWER)).hasSize(2)
			.allSatisfy((record) -> assertThat(record).isInstanceOf(AAAARecord.class));
		assertThat(addresses(response)).containsExactly("0:0:0:0:0:0:0:1", "fd00:0:0:0:0:0:0:2");
	}

	@Test
	void queryWhenNameDiffersInCaseOrFinalDotShouldAnswer() throws IOException {
		this.server.a("Backend.Svc.Test.", 30, "127.0.0.2");
		assertThat(addresses(send(false, "BACKEND.svc.test", Type.A))).containsExactly("127.0.0.2");
		assertThat(this.server.queryCount("backend.svc.test")).isEqualTo(1);
	}

	@ParameterizedTest(name = "tcp={0}")
	@ValueSource(booleans = { false, true })
	void queryWhenSrvShouldAnswerWithTargetAddressesInAdditionalSection(boolean tcp) throws IOException {
		this.server.srv("_http._tcp.backend.svc.test", 30, new SrvTarget(0, 10, 8080, "host1.svc.test"),
				new SrvTarget(1, 20, 8081, "host2.svc.test"), SrvTarget.of(8082, "elsewhere.example"));
		this.server.a("host1.svc.test", 30, "127.0.0.2");
		this.server.aaaa("host1.svc.test", 30, "::1");
		this.server.a("host2.svc.test", 30, "127.0.0.3");
		Message response = send(tcp, "_http._tcp.backend.svc.test", Type.SRV);
		List<SRVRecord> srv = response.getSection(Section.ANSWER)
			.stream()
			.map(SRVRecord.class::cast)
			.collect(Collectors.toList());
		assertThat(srv).extracting((record) -> record.getTarget().toString(), SRVRecord::getPort,
				SRVRecord::getPriority, SRVRecord::getWeight)
			.containsExactly(tuple("host1.svc.test.", 8080, 0, 10),
					tuple("host2.svc.test.", 8081, 1, 20),
					tuple("elsewhere.example.", 8082, 0, 10));
		List<Record> additional = response.getSection(Section.ADDITIONAL)
			.stream()
			.filter((record) -> record.getType() != Type.OPT)
			.collect(Collectors.toList());
		assertThat(additional).extracting((record) -> record.getName().toString(), Record::rdataToString)
			.containsExactlyInAnyOrder(tuple("host1.svc.test.", "127.0.0.2"),
					tuple("host1.svc.test.", "0:0:0:0:0:0:0:1"),
					tuple("host2.svc.test.", "127.0.0.3"));
	}

	@ParameterizedTest(name = "tcp={0}")
	@ValueSource(booleans = { false, true })
	void queryWhenNameHasCnameShouldChase(boolean tcp) throws IOException {
		this.server.cname("www.svc.test", 60, "alias.svc.test");
		this.server.cname("alias.svc.test", 60, "backend.svc.test");
		this.server.a("backend.svc.test", 30, "127.0.0.2");
		Message response = send(tcp, "www.svc.test", Type.A);
		assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
		assertThat(response.getSection(Section.ANSWER)).extracting((record) -> record.getName().toString(),
				Record::getType)
			.containsExactly(tuple("www.svc.test.", Type.CNAME),
					tuple("alias.svc.test.", Type.CNAME),
					tuple("backend.svc.test.", Type.A));
	}

	@Test
	void queryWhenCnameTargetIsUnknownShouldAnswerCnameOnly() throws IOException {
		this.server.cname("www.svc.test", 60, "backend.example");
		Message response = send(false, "www.svc.test", Type.A);
		assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
		assertThat(response.getSection(Section.ANSWER)).singleElement()
			.isInstanceOfSatisfying(CNAMERecord.class,
					(cname) -> assertThat(cname.getTarget().toString()).isEqualTo("backend.example."));
	}

	@Test
	void queryWhenCnameTypeAskedShouldAnswerCnameWithoutChase() throws IOException {
		this.server.cname("www.svc.test", 60, "backend.svc.test");
		this.server.a("backend.svc.test", 30, "127.0.0.2");
		assertThat(send(false, "www.svc.test", Type.CNAME).getSection(Section.ANSWER)).singleElement()
			.isInstanceOf(CNAMERecord.class);
	}

	@ParameterizedTest(name = "tcp={0}")
	@ValueSource(booleans = { false, true })
	void queryWhenCnameLoopShouldAnswerPromptly(boolean tcp) throws IOException {
		this.server.cname("a.svc.test", 60, "b.svc.test");
		this.server.cname("b.svc.test", 60, "a.svc.test");
		Message response = send(tcp, "a.svc.test", Type.A);
		assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
		assertThat(response.getSection(Section.ANSWER)).hasSize(2)
			.allSatisfy((record) -> assertThat(record).isInstanceOf(CNAMERecord.class));
	}

	@Test
	void queryWhenCnameChainIsLongerThanMaxDepthShouldStopChasing() throws IOException {
		for (int i = 0; i < 12; i++) {
			this.server.cname("c" + i + ".svc.test", 60, "c" + (i + 1) + ".svc.test");
		}
		this.server.a("c12.svc.test", 30, "127.0.0.2");
		Message response = send(false, "c0.svc.test", Type.A);
		assertThat(response.getSection(Section.ANSWER)).hasSize(TestDnsServer.MAX_CNAME_DEPTH)
			.allSatisfy((record) -> assertThat(record).isInstanceOf(CNAMERecord.class));
	}

	@ParameterizedTest(name = "tcp={0}")
	@ValueSource(booleans = { false, true })
	void queryWhenNameUnknownShouldAnswerNxdomain(boolean tcp) throws IOException {
		this.server.a("backend.svc.test", 30, "127.0.0.2");
		Message response = send(tcp, "unknown.svc.test", Type.A);
		assertThat(response.getRcode()).isEqualTo(Rcode.NXDOMAIN);
		assertThat(response.getHeader().getFlag(Flags.AA)).isTrue();
		assertThat(response.getSection(Section.ANSWER)).isEmpty();
	}

	@ParameterizedTest(name = "tcp={0}")
	@ValueSource(booleans = { false, true })
	void queryWhenNameKnownWithoutTypeShouldAnswerNodata(boolean tcp) throws IOException {
		this.server.a("backend.svc.test", 30, "127.0.0.2");
		this.server.a("empty.svc.test", 30);
		assertThat(send(tcp, "backend.svc.test", Type.AAAA)).satisfies((response) -> {
			assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
			assertThat(response.getSection(Section.ANSWER)).isEmpty();
		});
		assertThat(send(tcp, "empty.svc.test", Type.A)).satisfies((response) -> {
			assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
			assertThat(response.getSection(Section.ANSWER)).isEmpty();
		});
	}

	@Test
	void queryWhenRecordsAreHandMadeShouldAnswerThemAsGiven() throws IOException {
		Name other = Name.fromString("other.svc.test.");
		this.server.records("odd.svc.test", Type.A,
				List.of(new ARecord(other, DClass.IN, 30, InetAddress.getByAddress(new byte[] { 127, 0, 0, 9 })),
						new CNAMERecord(other, DClass.IN, 30, Name.fromString("x.svc.test."))));
		Message response = send(false, "odd.svc.test", Type.A);
		assertThat(response.getSection(Section.ANSWER)).extracting((record) -> record.getName().toString(),
				Record::getType)
			.containsExactly(tuple("other.svc.test.", Type.A),
					tuple("other.svc.test.", Type.CNAME));
	}

	@Test
	void queryWhenAnswersSwappedShouldAnswerNewRecords() throws IOException {
		this.server.a("backend.svc.test", 30, "127.0.0.2");
		assertThat(addresses(send(false, "backend.svc.test", Type.A))).containsExactly("127.0.0.2");
		this.server.a("backend.svc.test", 30, "127.0.0.3", "127.0.0.4");
		assertThat(addresses(send(false, "backend.svc.test", Type.A))).containsExactly("127.0.0.3", "127.0.0.4");
		this.server.remove("backend.svc.test");
		assertThat(send(false, "backend.svc.test", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
		this.server.a("backend.svc.test", 30, "127.0.0.5").clear();
		assertThat(send(false, "backend.svc.test", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
	}

	@ParameterizedTest(name = "tcp={0}")
	@ValueSource(booleans = { false, true })
	void queryWhenFaultIsServfailShouldAnswerServfail(boolean tcp) throws IOException {
		this.server.a("backend.svc.test", 30, "127.0.0.2").fault(DnsFault.SERVFAIL);
		Message response = send(tcp, "backend.svc.test", Type.A);
		assertThat(response.getRcode()).isEqualTo(Rcode.SERVFAIL);
		assertThat(response.getSection(Section.ANSWER)).isEmpty();
	}

	@ParameterizedTest(name = "tcp={0}")
	@ValueSource(booleans = { false, true })
	void queryWhenFaultIsNxdomainShouldAnswerNxdomainForKnownName(boolean tcp) throws IOException {
		this.server.a("backend.svc.test", 30, "127.0.0.2").fault(DnsFault.NXDOMAIN);
		assertThat(send(tcp, "backend.svc.test", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
	}

	@ParameterizedTest(name = "tcp={0}")
	@ValueSource(booleans = { false, true })
	void queryWhenFaultIsRefusedShouldAnswerRefused(boolean tcp) throws IOException {
		this.server.a("backend.svc.test", 30, "127.0.0.2").fault(DnsFault.REFUSED);
		assertThat(send(tcp, "backend.svc.test", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
	}

	@ParameterizedTest(name = "tcp={0}")
	@ValueSource(booleans = { false, true })
	void queryWhenFaultIsNoAnswerShouldTimeOut(boolean tcp) {
		this.server.a("backend.svc.test", 30, "127.0.0.2").fault(DnsFault.NO_ANSWER);
		SimpleResolver resolver = resolver(tcp);
		resolver.setTimeout(SHORT_TIMEOUT);
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> resolver.send(query("backend.svc.test.", Type.A)));
		assertThat(this.server.queryCount()).isEqualTo(1);
	}

	@ParameterizedTest(name = "tcp={0}")
	@ValueSource(booleans = { false, true })
	void queryWhenFaultIsGarbageShouldFailToParse(boolean tcp) {
		this.server.a("backend.svc.test", 30, "127.0.0.2").fault(DnsFault.GARBAGE);
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> send(tcp, "backend.svc.test", Type.A));
	}

	@Test
	void queryWhenFaultIsTruncatedShouldSetTcOverUdpAndAnswerInFullOverTcp() throws IOException {
		this.server.a("backend.svc.test", 30, "127.0.0.2").fault(DnsFault.TRUNCATED);
		SimpleResolver udpOnly = resolver(false);
		udpOnly.setIgnoreTruncation(true);
		Message truncated = udpOnly.send(query("backend.svc.test.", Type.A));
		assertThat(truncated.getHeader().getFlag(Flags.TC)).isTrue();
		assertThat(truncated.getSection(Section.ANSWER)).isEmpty();
		Message full = send(false, "backend.svc.test", Type.A);
		assertThat(full.getHeader().getFlag(Flags.TC)).isFalse();
		assertThat(addresses(full)).containsExactly("127.0.0.2");
		assertThat(this.server.queryCount("backend.svc.test")).isEqualTo(3);
	}

	@Test
	void queryWhenFaultIsPerNameShouldAffectThatNameOnly() throws IOException {
		this.server.a("backend.svc.test", 30, "127.0.0.2").a("other.svc.test", 30, "127.0.0.3");
		this.server.fault("BACKEND.svc.test.", DnsFault.SERVFAIL);
		assertThat(send(false, "backend.svc.test", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
		assertThat(send(false, "other.svc.test", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
		this.server.fault(DnsFault.REFUSED);
		assertThat(send(false, "backend.svc.test", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
		assertThat(send(false, "other.svc.test", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
		this.server.fault("backend.svc.test", DnsFault.NONE);
		assertThat(send(false, "backend.svc.test", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
		this.server.clearFaults();
		assertThat(send(false, "backend.svc.test", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
	}

	@Test
	void queryWhenAnswerExceedsUdpSizeShouldTruncateAndFallBackToTcp() throws IOException {
		String[] addresses = new String[300];
		for (int i = 0; i < addresses.length; i++) {
			addresses[i] = "127.0." + (10 + i / 250) + "." + (i % 250 + 1);
		}
		this.server.a("many.svc.test", 30, addresses);
		SimpleResolver udpOnly = resolver(false);
		udpOnly.setIgnoreTruncation(true);
		Message truncated = udpOnly.send(query("many.svc.test.", Type.A));
		assertThat(truncated.getHeader().getFlag(Flags.TC)).isTrue();
		assertThat(truncated.getSection(Section.ANSWER)).hasSizeLessThan(300);
		this.server.resetQueryCounts();
		Message full = send(false, "many.svc.test", Type.A);
		assertThat(full.getHeader().getFlag(Flags.TC)).isFalse();
		assertThat(addresses(full)).hasSize(300).containsExactly(addresses);
		assertThat(this.server.queryCount()).isEqualTo(2);
	}

	@Test
	void queryWhenQueryOffersNoEdnsShouldKeepUdpAnswerWithin512Bytes() throws IOException {
		String[] addresses = new String[40];
		for (int i = 0; i < addresses.length; i++) {
			addresses[i] = "127.0.10." + (i + 1);
		}
		this.server.a("forty.svc.test", 30, addresses);
		SimpleResolver plain = resolver(false);
		plain.setEDNS(-1, 0, 0, List.of());
		plain.setIgnoreTruncation(true);
		assertThat(plain.send(query("forty.svc.test.", Type.A)).getHeader().getFlag(Flags.TC)).isTrue();
		SimpleResolver edns = resolver(false);
		edns.setIgnoreTruncation(true);
		Message response = edns.send(query("forty.svc.test.", Type.A));
		assertThat(response.getHeader().getFlag(Flags.TC)).isFalse();
		assertThat(addresses(response)).hasSize(40);
	}

	@Test
	void stopShouldCloseSocketsAndRestartShouldRebindSamePort() throws IOException {
		this.server.a("backend.svc.test", 30, "127.0.0.2");
		int port = this.server.port();
		this.server.stop();
		assertThat(this.server.isRunning()).isFalse();
		SimpleResolver udp = resolver(false);
		udp.setTimeout(SHORT_TIMEOUT);
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> udp.send(query("backend.svc.test.", Type.A)));
		SimpleResolver tcp = resolver(true);
		tcp.setTimeout(SHORT_TIMEOUT);
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> tcp.send(query("backend.svc.test.", Type.A)));
		this.server.restart();
		assertThat(this.server.port()).isEqualTo(port);
		assertThat(addresses(send(false, "backend.svc.test", Type.A))).containsExactly("127.0.0.2");
		assertThat(addresses(send(true, "backend.svc.test", Type.A))).containsExactly("127.0.0.2");
	}

	@Test
	void queryWhenSeveralOnOneTcpConnectionShouldAnswerEach() throws IOException {
		this.server.a("backend.svc.test", 30, "127.0.0.2");
		try (Socket socket = new Socket(this.server.address().getAddress(), this.server.port())) {
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			DataOutputStream out = new DataOutputStream(socket.getOutputStream());
			DataInputStream in = new DataInputStream(socket.getInputStream());
			for (int i = 0; i < 3; i++) {
				byte[] wire = query("backend.svc.test.", Type.A).toWire();
				out.writeShort(wire.length);
				out.write(wire);
				out.flush();
				byte[] reply = new byte[in.readUnsignedShort()];
				in.readFully(reply);
				assertThat(addresses(new Message(reply))).containsExactly("127.0.0.2");
			}
		}
		assertThat(this.server.queryCount()).isEqualTo(3);
	}

	@Test
	void startWhenIpv6ShouldServeOnIpv6Loopback() throws IOException {
		assumeTrue(LoopbackAddresses.ipv6Available(), "::1 is not bindable on this machine");
		try (TestDnsServer ipv6 = TestDnsServer.start("::1")) {
			ipv6.a("backend.svc.test", 30, "127.0.0.2");
			assertThat(ipv6.hostAndPort()).isEqualTo("[::1]:" + ipv6.port());
			for (boolean tcp : new boolean[] { false, true }) {
				SimpleResolver resolver = new SimpleResolver(ipv6.address());
				resolver.setTCP(tcp);
				resolver.setTimeout(TIMEOUT);
				assertThat(addresses(resolver.send(query("backend.svc.test.", Type.A)))).containsExactly("127.0.0.2");
			}
		}
	}

	@Test
	void startWhenAddressIsNotLoopbackShouldFail() {
		assertThatIllegalArgumentException().isThrownBy(() -> TestDnsServer.start("192.0.2.1"))
			.withMessageContaining("loopback");
	}

	@Test
	void closeShouldStopNamedDaemonThreads() throws IOException {
		Set<Thread> before = ThreadSnapshot.live("clavier-test-dns-");
		TestDnsServer other = TestDnsServer.start();
		other.a("backend.svc.test", 30, "127.0.0.2");
		SimpleResolver tcp = new SimpleResolver(other.address());
		tcp.setTCP(true);
		tcp.setTimeout(TIMEOUT);
		tcp.send(query("backend.svc.test.", Type.A));
		Set<Thread> started = ThreadSnapshot.started("clavier-test-dns-", before);
		assertThat(started).hasSizeGreaterThanOrEqualTo(2).allSatisfy((thread) -> {
			assertThat(thread.isDaemon()).isTrue();
			assertThat(thread.getName()).matches("clavier-test-dns-\\d+");
		});
		other.close();
		await().atMost(Duration.ofSeconds(5)).until(() -> started.stream().noneMatch(Thread::isAlive));
	}

	private SimpleResolver resolver(boolean tcp) {
		SimpleResolver resolver = new SimpleResolver(this.server.address());
		resolver.setTCP(tcp);
		resolver.setTimeout(TIMEOUT);
		return resolver;
	}

	private Message send(boolean tcp, String name, int type) throws IOException {
		return resolver(tcp).send(query(name + ".", type));
	}

	private static Message query(String name, int type) throws IOException {
		return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
	}

	private static List<String> addresses(Message response) {
		List<String> addresses = new ArrayList<>();
		for (Record record : response.getSection(Section.ANSWER)) {
			if (record instanceof ARecord) {
				addresses.add(((ARecord) record).getAddress().getHostAddress());
			}
			else if (record instanceof AAAARecord) {
				addresses.add(((AAAARecord) record).getAddress().getHostAddress());
			}
		}
		return addresses;
	}

}
