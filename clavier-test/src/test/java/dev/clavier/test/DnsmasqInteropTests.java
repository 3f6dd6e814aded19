package dev.clavier.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link Dnsmasq} against the real dnsmasq binary, queried with dnsjava.
 */
class DnsmasqInteropTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@TempDir
	Path workDir;

	@BeforeEach
	void requireDnsmasq() {
		assumeTrue(Dnsmasq.isInstalled(), "dnsmasq is not installed (apt-get install -y dnsmasq-base)");
	}

	@Test
	void queryWhenHostInHostsFileShouldAnswerA() throws IOException {
		try (Dnsmasq dnsmasq = Dnsmasq.builder(this.workDir).host("backend.svc.test", "127.0.0.2", "127.0.0.3").start()) {
			assertThat(dnsmasq.hostAndPort()).isEqualTo("127.0.0.1:" + dnsmasq.port());
			assertThat(dnsmasq.isRunning()).isTrue();
			Message response = send(dnsmasq, "backend.svc.test", Type.A);
			assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
			assertThat(addresses(response)).containsExactlyInAnyOrder("127.0.0.2", "127.0.0.3");
			assertThat(send(dnsmasq, "unknown.svc.test", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
		}
	}

	@Test
	void reloadHostsWhenHostsChangedShouldAnswerNewAddresses() throws IOException {
		try (Dnsmasq dnsmasq = Dnsmasq.builder(this.workDir).host("backend.svc.test", "127.0.0.2").start()) {
			assertThat(addresses(send(dnsmasq, "backend.svc.test", Type.A))).containsExactly("127.0.0.2");
			dnsmasq.hosts(Map.of("backend.svc.test", List.of("127.0.0.4"), "other.svc.test", List.of("127.0.0.5")))
				.reloadHosts();
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(addresses(send(dnsmasq, "backend.svc.test", Type.A)))
					.containsExactly("127.0.0.4"));
			assertThat(addresses(send(dnsmasq, "other.svc.test", Type.A))).containsExactly("127.0.0.5");
			assertThat(Files.readString(this.workDir.resolve("dnsmasq.hosts"))).contains("127.0.0.4 backend.svc.test");
		}
	}

	@Test
	void querySrvShouldAnswerSrvRecords() throws IOException {
		try (Dnsmasq dnsmasq = Dnsmasq.builder(this.workDir)
			.host("host1.svc.test", "127.0.0.2")
			.srv("_http._tcp.svc.test", "host1.svc.test", 8080, 0, 10)
			.start()) {
			Message response = send(dnsmasq, "_http._tcp.svc.test", Type.SRV);
			assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
			assertThat(response.getSection(Section.ANSWER)).map(SRVRecord.class::cast)
				.extracting((srv) -> srv.getTarget().toString(), SRVRecord::getPort, SRVRecord::getPriority,
						SRVRecord::getWeight)
				.containsExactly(tuple("host1.svc.test.", 8080, 0, 10));
		}
	}

	@Test
	void restartShouldKeepPortAndApplyNewSrvRecords() throws IOException {
		try (Dnsmasq dnsmasq = Dnsmasq.builder(this.workDir).host("host1.svc.test", "127.0.0.2").start()) {
			int port = dnsmasq.port();
			dnsmasq.srv("_grpc._tcp.svc.test", "host1.svc.test", 9090, 1, 5).restart();
			assertThat(dnsmasq.port()).isEqualTo(port);
			assertThat(send(dnsmasq, "_grpc._tcp.svc.test", Type.SRV).getSection(Section.ANSWER)).singleElement()
				.isInstanceOfSatisfying(SRVRecord.class, (srv) -> assertThat(srv.getPort()).isEqualTo(9090));
		}
	}

	@Test
	void closeShouldEndProcess() {
		Dnsmasq dnsmasq = Dnsmasq.start(this.workDir);
		assertThat(dnsmasq.isRunning()).isTrue();
		dnsmasq.close();
		assertThat(dnsmasq.isRunning()).isFalse();
		dnsmasq.close();
	}

	private static Message send(Dnsmasq dnsmasq, String name, int type) throws IOException {
		SimpleResolver resolver = new SimpleResolver(dnsmasq.address());
		resolver.setTimeout(TIMEOUT);
		return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name + "."), type, DClass.IN)));
	}

	private static List<String> addresses(Message response) {
		List<String> addresses = new ArrayList<>();
		for (Record record : response.getSection(Section.ANSWER)) {
			if (record instanceof ARecord) {
				addresses.add(((ARecord) record).getAddress().getHostAddress());
			}
		}
		return addresses;
	}

}
