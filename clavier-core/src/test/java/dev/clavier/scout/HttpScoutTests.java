package dev.clavier.scout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.internal.TestPluginContext;
import dev.clavier.model.InvalidOptionException;
import dev.clavier.test.LoopbackAddresses;
import dev.clavier.test.TcpMode;
import dev.clavier.test.TestHttpBackend;
import dev.clavier.test.TestTcpBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link HttpScout}, against real HTTP servers on loopback.
 */
class HttpScoutTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(1);

	private static final Duration WAIT = Duration.ofSeconds(5);

	private static final HttpScout HEALTH = HttpScout.builder().path("/health").build();

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@Test
	void probeWhenStatus200ShouldPass() {
		TestHttpBackend backend = backend("127.0.0.1");
		assertThat(probe(HEALTH, endpoint(backend))).isEqualTo(ProbeResult.passed("HTTP 200"));
		assertThat(backend.healthChecks()).isEqualTo(1);
	}

	@Test
	void probeWhenStatus404ShouldPassByDefaultRule() {
		TestHttpBackend backend = backend("127.0.0.1").healthStatus(404);
		assertThat(probe(HEALTH, endpoint(backend))).isEqualTo(ProbeResult.passed("HTTP 404"));
	}

	@Test
	void probeWhenStatus503ShouldFail() {
		TestHttpBackend backend = backend("127.0.0.1").healthStatus(503);
		assertThat(probe(HEALTH, endpoint(backend))).isEqualTo(ProbeResult.failed("HTTP 503"));
	}

	@Test
	void probeWhenStatusOutsideExpectedStatusesShouldFail() {
		TestHttpBackend backend = backend("127.0.0.1").healthStatus(404);
		HttpScout scout = HttpScout.builder().path("/health").expectedStatuses("200-299,304").build();
		assertThat(probe(scout, endpoint(backend))).isEqualTo(ProbeResult.failed("HTTP 404 (expected: 200-299,304)"));
		backend.healthStatus(204);
		assertThat(probe(scout, endpoint(backend))).isEqualTo(ProbeResult.passed("HTTP 204"));
	}

	@Test
	void probeWhenExpectedStatusesIncludes503ShouldPass() {
		TestHttpBackend backend = backend("127.0.0.1").healthStatus(503);
		HttpScout scout = HttpScout.builder().path("/health").expectedStatuses("503").build();
		assertThat(probe(scout, endpoint(backend))).isEqualTo(ProbeResult.passed("HTTP 503"));
	}

	@Test
	void probeWhenRedirectedShouldNotFollowAndPassByDefaultRule() {
		TestHttpBackend backend = backend("127.0.0.1").healthRedirect("/elsewhere");
		assertThat(probe(HEALTH, endpoint(backend)))
			.isEqualTo(ProbeResult.passed("HTTP 302 (redirect to '/elsewhere' not followed)"));
		assertThat(backend.requests()).isZero();
	}

	@Test
	void probeWhenRedirectedAndExpectedStatuses2xxShouldFail() {
		TestHttpBackend backend = backend("127.0.0.1").healthRedirect("/elsewhere");
		HttpScout scout = HttpScout.builder().path("/health").expectedStatuses("200-299").build();
		assertThat(probe(scout, endpoint(backend)))
			.isEqualTo(ProbeResult.failed("HTTP 302 (expected: 200-299; redirect to '/elsewhere' not followed)"));
		assertThat(backend.requests()).isZero();
	}

	@Test
	void probeWhenHealthIsSlowShouldTimeOut() {
		TestHttpBackend backend = backend("127.0.0.1").healthDelay(Duration.ofSeconds(10));
		assertThat(probe(HEALTH, endpoint(backend))).isEqualTo(ProbeResult.failed("timed out after 1s"));
	}

	@Test
	void probeWhenPortClosedShouldFailWithConnectionRefused() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			port = socket.getLocalPort();
		}
		assertThat(probe(HEALTH, Endpoint.of("127.0.0.1", port))).isEqualTo(ProbeResult.failed("connection refused"));
	}

	@Test
	void probeWhenPeerIsNotHttpShouldFailAsMalformed() {
		TestTcpBackend redis = TestTcpBackend.start("127.0.0.1", 0, TcpMode.REDIS);
		this.closeables.add(redis);
		ProbeResult result = probe(HEALTH, Endpoint.of(redis.host(), redis.port()));
		assertThat(result.healthy()).isFalse();
		assertThat(result.detail()).startsWith("malformed response: ");
	}

	@Test
	void probeWhenPeerClosesWithoutAnswerShouldFail() {
		TestTcpBackend backend = TestTcpBackend.start("127.0.0.1", 0, TcpMode.ACCEPT_AND_CLOSE);
		this.closeables.add(backend);
		ProbeResult result = probe(HEALTH, Endpoint.of(backend.host(), backend.port()));
		assertThat(result.healthy()).isFalse();
		assertThat(result.detail()).isIn("connection closed before the response", "connection reset by peer");
	}

	@Test
	void probeWhenTlsAndPeerSpeaksPlainHttpShouldFail() throws IOException {
		StallingServer server = new StallingServer(
				"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), false);
		this.closeables.add(server);
		HttpScout scout = HttpScout.builder().tls(true).build();
		ProbeResult result = probe(scout, Endpoint.of("127.0.0.1", server.port()), Duration.ofSeconds(20), WAIT);
		assertThat(result).isEqualTo(ProbeResult.failed("TLS handshake failed: the peer does not speak TLS"));
	}

	@Test
	void probeWhenMethodAndHeadersSetShouldSendThem() throws IOException {
		AtomicReference<String> seen = new AtomicReference<>();
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 10);
		server.createContext("/custom", (exchange) -> {
			seen.set(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " host="
					+ exchange.getRequestHeaders().getFirst("Host") + " token="
					+ exchange.getRequestHeaders().getFirst("X-Token") + " connection="
					+ exchange.getRequestHeaders().getFirst("Connection"));
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
		server.start();
		this.closeables.add(() -> server.stop(0));
		int port = server.getAddress().getPort();
		HttpScout scout = HttpScout.builder()
			.path("/custom?verbose=1")
			.method("post")
			.header("X-Token", "s3cret")
			.build();
		assertThat(probe(scout, Endpoint.of("127.0.0.1", port))).isEqualTo(ProbeResult.passed("HTTP 200"));
		assertThat(seen.get())
			.isEqualTo("POST /custom?verbose=1 host=127.0.0.1:" + port + " token=s3cret connection=null");
		HttpScout withHost = HttpScout.builder()
			.path("/custom")
			.headers(Map.of("host", "backend.example"))
			.reuseConnection(false)
			.build();
		assertThat(probe(withHost, Endpoint.of("127.0.0.1", port))).isEqualTo(ProbeResult.passed("HTTP 200"));
		assertThat(seen.get()).isEqualTo("GET /custom host=backend.example token=null connection=close");
	}

	@Test
	void probeWhenBodyLargerThanCapShouldNotWaitForTheRest() throws IOException {
		// Head and 64 KiB of a 100 MB body, then nothing: only the cap ends the probe early.
		byte[] head = "HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
		byte[] response = Arrays.copyOf(head, head.length + 64 * 1024);
		StallingServer server = new StallingServer(response, true);
		this.closeables.add(server);
		HttpScout scout = HttpScout.builder().maxBodyBytes(1024).build();
		ProbeResult result = probe(scout, Endpoint.of("127.0.0.1", server.port()), Duration.ofSeconds(20), WAIT);
		assertThat(result).isEqualTo(ProbeResult.passed("HTTP 200"));
	}

	@Test
	void probeWhenMethodIsHeadShouldNotWaitForABody() {
		TestHttpBackend backend = backend("127.0.0.1").healthBody("ok");
		HttpScout scout = HttpScout.builder().path("/health").method("HEAD").build();
		ProbeResult result = probe(scout, endpoint(backend), Duration.ofSeconds(20), WAIT);
		assertThat(result).isEqualTo(ProbeResult.passed("HTTP 200"));
	}

	@Test
	void probeWhenBodyIsLargeShouldPass() {
		TestHttpBackend backend = backend("127.0.0.1").healthBody("x".repeat(1_000_000));
		assertThat(probe(HEALTH, endpoint(backend))).isEqualTo(ProbeResult.passed("HTTP 200"));
	}

	@Test
	void probeWhenEndpointIsIpv6ShouldPass() {
		assumeTrue(LoopbackAddresses.ipv6Available(), "::1 is not bindable on this machine");
		TestHttpBackend backend = backend("::1").healthStatus(503);
		Endpoint endpoint = Endpoint.parse("[::1]:" + backend.port(), 0);
		assertThat(probe(HEALTH, endpoint)).isEqualTo(ProbeResult.failed("HTTP 503"));
		backend.healthStatus(200);
		assertThat(probe(HEALTH, endpoint)).isEqualTo(ProbeResult.passed("HTTP 200"));
	}

	@Test
	void probeWhenOnOtherLoopbackAddressShouldPass() {
		assumeTrue(LoopbackAddresses.isBindable("127.0.0.2"), "127.0.0.2 is not bindable on this machine");
		TestHttpBackend backend = backend("127.0.0.2");
		assertThat(probe(HEALTH, endpoint(backend))).isEqualTo(ProbeResult.passed("HTTP 200"));
	}

	@Test
	void cancelWhenProbeInFlightShouldCloseTheConnection() {
		TestTcpBackend silent = TestTcpBackend.start("127.0.0.1", 0, TcpMode.SILENT);
		this.closeables.add(silent);
		ScoutSession session = HEALTH.open(context(Duration.ofSeconds(20)));
		this.closeables.add(session);
		CompletableFuture<ProbeResult> probe = session.probe(Endpoint.of(silent.host(), silent.port()));
		await().atMost(WAIT).untilAsserted(() -> assertThat(silent.openConnections()).isEqualTo(1));
		probe.cancel(false);
		await().atMost(WAIT).untilAsserted(() -> assertThat(silent.openConnections()).isZero());
	}

	@Test
	void createWhenOptionsGivenShouldUseThem() {
		Scout scout = Scouts.create("http",
				Map.of("path", "/health", "method", "HEAD", "expected-statuses", "200-299", "max-body-bytes", "0",
						"headers.Authorization", "Bearer s3cret"));
		assertThat(scout.model()).isEqualTo("http");
		assertThat(scout)
			.hasToString("http[HEAD /health, expected-statuses=200-299, max-body-bytes=0, headers=[Authorization]]");
		assertThat(scout.toString()).doesNotContain("s3cret");
	}

	@Test
	void createWhenReuseConnectionDisabledShouldSayIt() {
		assertThat(Scouts.create("http", Map.of("reuse-connection", "false")))
			.hasToString("http[GET /, expected-statuses=<500, max-body-bytes=4096, new connection per probe]");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Scouts.create("http", Map.of("reuse-connection", "sometimes")))
			.withMessageContaining("reuse-connection");
	}

	@Test
	void createWhenDefaultShouldGetRootWithDefaultRule() {
		assertThat(Scouts.create("http", Map.of()))
			.hasToString("http[GET /, expected-statuses=<500, max-body-bytes=4096]");
		assertThat(Scouts.create("http", Map.of("tls", "true")))
			.hasToString("http[GET /, expected-statuses=<500, tls, max-body-bytes=4096]");
	}

	@Test
	void createWhenOptionUnknownShouldFail() {
		assertThatIllegalArgumentException().isThrownBy(() -> Scouts.create("http", Map.of("url", "/health")))
			.withMessage("unknown http option(s) [url]");
	}

	@Test
	void createWhenExpectedStatusesInvalidShouldFail() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Scouts.create("http", Map.of("expected-statuses", "2xx")))
			.withMessage("http option 'expected-statuses': expectedStatuses: '2xx' (expected: status codes 100...599 "
					+ "and ranges, separated by commas, such as 200-299,304)");
		assertThatIllegalArgumentException().isThrownBy(() -> HttpScout.builder().expectedStatuses("299-200"))
			.withMessageStartingWith("expectedStatuses: '299-200'");
	}

	@Test
	void buildWhenSettingsInvalidShouldFail() {
		assertThatIllegalArgumentException().isThrownBy(() -> HttpScout.builder().path("health"))
			.withMessage("path: 'health' (expected: starting with /)");
		assertThatIllegalArgumentException().isThrownBy(() -> HttpScout.builder().maxBodyBytes(-1))
			.withMessage("maxBodyBytes: -1 (expected: 0...1048576)");
		assertThatIllegalArgumentException().isThrownBy(() -> HttpScout.builder().method("GE T"))
			.withMessage("method: 'GE T' (expected: an HTTP method such as GET or HEAD)");
		assertThatIllegalArgumentException().isThrownBy(() -> HttpScout.builder().header("Connection", "keep-alive"))
			.withMessageStartingWith("headers: 'Connection' (expected: a header other than");
		assertThatIllegalArgumentException().isThrownBy(() -> HttpScout.builder().insecureTrustAll(true).build())
			.withMessage("insecureTrustAll: true (expected: only together with tls: true)");
	}

	@Test
	void buildWhenSettingsInvalidShouldNameOptionValueAndExpectation() {
		assertThatExceptionOfType(InvalidOptionException.class).isThrownBy(() -> HttpScout.builder().path("health"))
			.satisfies((ex) -> assertThat(List.of(ex.option(), ex.value(), ex.expected()))
				.containsExactly("path", "'health'", "starting with /"));
		assertThatExceptionOfType(InvalidOptionException.class).isThrownBy(() -> HttpScout.builder().maxBodyBytes(-1))
			.satisfies((ex) -> assertThat(List.of(ex.option(), ex.value(), ex.expected()))
				.containsExactly("maxBodyBytes", "-1", "0...1048576"));
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> HttpScout.builder().expectedStatuses("299-200"))
			.satisfies((ex) -> assertThat(ex.option()).isEqualTo("expectedStatuses"));
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> HttpScout.builder().insecureTrustAll(true).build())
			.satisfies((ex) -> assertThat(List.of(ex.option(), ex.value())).containsExactly("insecureTrustAll", "true"));
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> HttpScout.builder().header("Authorization", "Bearer s3cret\nX-Evil: 1"))
			.satisfies((ex) -> assertThat(ex.value()).isEqualTo("value of 'Authorization'"));
	}

	@Test
	void headerWhenValueHasLineBreakShouldFailWithoutQuotingIt() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> HttpScout.builder().header("Authorization", "Bearer s3cret\r\nX-Evil: 1"))
			.withMessage("headers: value of 'Authorization' (expected: one line without control characters)");
	}

	private ProbeResult probe(Scout scout, Endpoint endpoint) {
		return probe(scout, endpoint, TIMEOUT, WAIT);
	}

	private ProbeResult probe(Scout scout, Endpoint endpoint, Duration timeout, Duration wait) {
		ScoutSession session = scout.open(context(timeout));
		this.closeables.add(session);
		return TcpScoutTests.result(EngineDeadline.apply(session.probe(endpoint), timeout), wait);
	}

	private TestPluginContext context(Duration timeout) {
		TestPluginContext context = new TestPluginContext("test", timeout);
		this.closeables.add(context);
		return context;
	}

	private TestHttpBackend backend(String host) {
		TestHttpBackend backend = TestHttpBackend.start(host, 0);
		this.closeables.add(backend);
		return backend;
	}

	private static Endpoint endpoint(TestHttpBackend backend) {
		return Endpoint.of(backend.host(), backend.port());
	}

	/**
	 * Accepts one connection on 127.0.0.1, reads the request head if asked to, writes the given
	 * bytes, then holds the connection open without writing more.
	 */
	private static final class StallingServer implements AutoCloseable {

		private final ServerSocket socket;

		private final Thread thread;

		private final CountDownLatch closed = new CountDownLatch(1);

		StallingServer(byte[] response, boolean readRequestFirst) throws IOException {
			this.socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
			this.thread = new Thread(() -> serve(response, readRequestFirst), "test-stalling-server");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		int port() {
			return this.socket.getLocalPort();
		}

		private void serve(byte[] response, boolean readRequestFirst) {
			try (Socket connection = this.socket.accept()) {
				if (readRequestFirst && !RawHttp.readHead(connection.getInputStream())) {
					return;
				}
				OutputStream out = connection.getOutputStream();
				out.write(response);
				out.flush();
				this.closed.await();
			}
			catch (IOException ex) {
				// The client closed first: expected once the probe has its answer.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		@Override
		public void close() throws Exception {
			this.closed.countDown();
			this.socket.close();
			this.thread.join(5000);
		}

	}

}
