package dev.clavier.test;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the JUnit 5 extensions ({@link TestDnsServerExtension},
 * {@link TestHttpBackendExtension}, {@link TestGrpcBackendExtension},
 * {@link TestTcpBackendExtension}) registered on static and instance fields.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerExtensionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	@RegisterExtension
	static final TestDnsServerExtension dns = new TestDnsServerExtension();

	@RegisterExtension
	static final TestGrpcBackendExtension grpc = new TestGrpcBackendExtension();

	@RegisterExtension
	final TestHttpBackendExtension http = new TestHttpBackendExtension();

	@RegisterExtension
	final TestTcpBackendExtension tcp = new TestTcpBackendExtension("127.0.0.1", 0, TcpMode.REDIS);

	private static TestDnsServer firstDns;

	private static TestHttpBackend firstHttp;

	private static TestTcpBackend firstTcp;

	@AfterAll
	static void perTestServersShouldBeClosedAfterEachTest() {
		assertThat(firstHttp.isRunning()).isFalse();
		assertThat(firstTcp.isRunning()).isFalse();
		assertThat(firstDns.isRunning()).isTrue();
	}

	@Test
	@Order(1)
	void extensionsShouldStartServers() throws Exception {
		firstDns = dns.server();
		firstHttp = this.http.backend();
		firstTcp = this.tcp.backend();
		dns.server().a("backend.svc.test", 1, "127.0.0.2");
		SimpleResolver resolver = new SimpleResolver(dns.server().address());
		resolver.setTimeout(TIMEOUT);
		assertThat(resolver.send(Message.newQuery(Record.newRecord(Name.fromString("backend.svc.test."), Type.A, DClass.IN)))
			.getSection(Section.ANSWER)).hasSize(1);
		assertThat(HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://" + this.http.hostAndPort() + "/health")).timeout(TIMEOUT).build(),
					BodyHandlers.discarding())
			.statusCode()).isEqualTo(200);
		ManagedChannel channel = NettyChannelBuilder.forAddress(grpc.backend().address()).usePlaintext().build();
		try {
			assertThat(HealthGrpc.newBlockingStub(channel)
				.withDeadlineAfter(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
				.check(HealthCheckRequest.getDefaultInstance())
				.getStatus()).isEqualTo(ServingStatus.SERVING);
		}
		finally {
			channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}
		try (Socket socket = new Socket()) {
			socket.connect(this.tcp.backend().address(), (int) TIMEOUT.toMillis());
			assertThat(this.tcp.hostAndPort()).isEqualTo("127.0.0.1:" + this.tcp.backend().port());
		}
	}

	@Test
	@Order(2)
	void staticExtensionsShouldKeepServerAcrossTestsAndInstanceOnesShouldNot() throws IOException {
		assertThat(dns.server()).isSameAs(firstDns);
		assertThat(dns.server().queryCount("backend.svc.test")).isEqualTo(1);
		assertThat(this.http.backend()).isNotSameAs(firstHttp);
		assertThat(this.tcp.backend()).isNotSameAs(firstTcp);
		assertThat(firstHttp.isRunning()).isFalse();
		assertThat(firstTcp.isRunning()).isFalse();
		assertThat(grpc.backend().checks()).isEqualTo(1);
	}

}
