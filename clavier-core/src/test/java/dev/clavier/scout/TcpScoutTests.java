package dev.clavier.scout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.internal.TestPluginContext;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.test.LoopbackAddresses;
import dev.clavier.test.TcpMode;
import dev.clavier.test.TestTcpBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link TcpScout}, against real sockets on loopback.
 */
class TcpScoutTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(1);

	private static final Duration WAIT = Duration.ofSeconds(5);

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@Test
	void probeWhenPortClosedShouldFailWithConnectionRefused() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			port = socket.getLocalPort();
		}
		ProbeResult result = probe(TcpScout.builder().build(), Endpoint.of("127.0.0.1", port));
		assertThat(result).isEqualTo(ProbeResult.failed("connection refused"));
	}

	@Test
	void probeWhenAcceptedShouldPass() {
		TestTcpBackend backend = backend("127.0.0.1", TcpMode.ACCEPT);
		ProbeResult result = probe(TcpScout.builder().build(), endpoint(backend));
		assertThat(result).isEqualTo(ProbeResult.passed("connected"));
		await().atMost(WAIT).untilAsserted(() -> assertThat(backend.openConnections()).isZero());
		assertThat(backend.connections()).isEqualTo(1);
	}

	@Test
	void probeWhenAcceptedOnOtherLoopbackAddressShouldPass() {
		assumeTrue(LoopbackAddresses.isBindable("127.0.0.2"), "127.0.0.2 is not bindable on this machine");
		TestTcpBackend backend = backend("127.0.0.2", TcpMode.ACCEPT);
		assertThat(probe(TcpScout.builder().build(), endpoint(backend)).healthy()).isTrue();
	}

	@Test
	void probeWhenRedisAnswersPongShouldPass() {
		TestTcpBackend backend = backend("127.0.0.1", TcpMode.REDIS);
		ProbeResult result = probe(TcpScout.redis(), endpoint(backend));
		assertThat(result).isEqualTo(ProbeResult.passed("matched +PONG"));
	}

	@Test
	void probeWhenRedisIsLoadingShouldFailAtOnceQuotingTheReply() {
		TestTcpBackend backend = backend("127.0.0.1", TcpMode.REDIS)
			.redisReply("-LOADING Redis is loading the dataset in memory\r\n");
		// A long timeout: the wrong reply must be judged when its line ends, not at the timeout.
		ProbeResult result = probe(TcpScout.redis(), endpoint(backend), Duration.ofSeconds(20), Duration.ofSeconds(5));
		assertThat(result).isEqualTo(
				ProbeResult.failed("unexpected reply '-LOADING Redis is loading the dataset in memory\\r\\n'"));
	}

	@Test
	void probeWhenReplyIsLongShouldQuoteAtMost64Characters() {
		TestTcpBackend backend = backend("127.0.0.1", TcpMode.REDIS).redisReply("-ERR " + "x".repeat(200) + "\r\n");
		ProbeResult result = probe(TcpScout.redis(), endpoint(backend));
		assertThat(result.healthy()).isFalse();
		assertThat(result.detail()).isEqualTo("unexpected reply '-ERR " + "x".repeat(59) + "...'");
	}

	@Test
	void probeWhenBackendIsSilentShouldTimeOut() {
		TestTcpBackend backend = backend("127.0.0.1", TcpMode.SILENT);
		ProbeResult result = probe(TcpScout.redis(), endpoint(backend));
		assertThat(result).isEqualTo(ProbeResult.failed("timed out after 1s"));
		await().atMost(WAIT).untilAsserted(() -> assertThat(backend.openConnections()).isZero());
	}

	@Test
	void probeWhenBackendClosesBeforeReplyShouldFail() {
		TestTcpBackend backend = backend("127.0.0.1", TcpMode.ACCEPT_AND_CLOSE);
		ProbeResult result = probe(TcpScout.redis(), endpoint(backend));
		assertThat(result.healthy()).isFalse();
		assertThat(result.detail()).isIn("closed before expected reply", "connection reset by peer");
	}

	@Test
	void probeWhenExpectOnlyShouldReadTheBanner() {
		TestTcpBackend backend = backend("127.0.0.1", TcpMode.REDIS);
		// Nothing sent, so a Redis server says nothing: the banner never comes.
		Scout banner = TcpScout.builder().expect("+PONG").build();
		ProbeResult result = probe(banner, endpoint(backend), Duration.ofMillis(300), WAIT);
		assertThat(result).isEqualTo(ProbeResult.failed("timed out after 300ms"));
	}

	@Test
	void probeWhenEndpointIsIpv6ShouldPass() {
		assumeTrue(LoopbackAddresses.ipv6Available(), "::1 is not bindable on this machine");
		TestTcpBackend backend = backend("::1", TcpMode.REDIS);
		Endpoint endpoint = Endpoint.parse("[::1]:" + backend.port(), 0);
		assertThat(probe(TcpScout.builder().build(), endpoint)).isEqualTo(ProbeResult.passed("connected"));
		assertThat(probe(TcpScout.redis(), endpoint)).isEqualTo(ProbeResult.passed("matched +PONG"));
	}

	@Test
	void probeWhenHostIsNameShouldResolveIt() {
		TestTcpBackend backend = backend("127.0.0.1", TcpMode.ACCEPT);
		assumeTrue(resolvesToIpv4Loopback("localhost"), "localhost does not resolve to 127.0.0.1 first");
		ProbeResult result = probe(TcpScout.builder().build(), Endpoint.of("localhost", backend.port()));
		assertThat(result).isEqualTo(ProbeResult.passed("connected"));
	}

	@Test
	void probeWhenHostIsUnknownShouldFail() {
		ProbeResult result = probe(TcpScout.builder().build(), Endpoint.of("no-such-host.invalid", 80));
		assertThat(result.healthy()).isFalse();
		assertThat(result.detail()).isIn("unknown host 'no-such-host.invalid'", "timed out after 1s");
	}

	@Test
	void cancelWhenProbeInFlightShouldCloseTheConnection() {
		TestTcpBackend backend = backend("127.0.0.1", TcpMode.SILENT);
		ScoutSession session = TcpScout.redis().open(context(Duration.ofSeconds(20)));
		CompletableFuture<ProbeResult> probe = session.probe(endpoint(backend));
		await().atMost(WAIT).untilAsserted(() -> assertThat(backend.openConnections()).isEqualTo(1));
		probe.cancel(false);
		await().atMost(WAIT).untilAsserted(() -> assertThat(backend.openConnections()).isZero());
	}

	@Test
	void closeWhenProbeInFlightShouldCancelItAndRefuseNewProbes() {
		TestTcpBackend backend = backend("127.0.0.1", TcpMode.SILENT);
		ScoutSession session = TcpScout.redis().open(context(Duration.ofSeconds(20)));
		CompletableFuture<ProbeResult> probe = session.probe(endpoint(backend));
		await().atMost(WAIT).untilAsserted(() -> assertThat(backend.openConnections()).isEqualTo(1));
		session.close();
		assertThat(probe).isCancelled();
		await().atMost(WAIT).untilAsserted(() -> assertThat(backend.openConnections()).isZero());
		assertThat(session.probe(endpoint(backend))).failsWithin(WAIT)
			.withThrowableThat()
			.havingRootCause()
			.isInstanceOf(IllegalStateException.class)
			.withMessageContaining("is closed");
	}

	@Test
	void probeWhenBackendIsSilentShouldLeaveTheDeadlineToTheEngine() throws Exception {
		TestTcpBackend backend = backend("127.0.0.1", TcpMode.SILENT);
		Duration timeout = Duration.ofMillis(300);
		try (OwnScoutContext own = new OwnScoutContext(timeout); ScoutSession session = TcpScout.redis().open(own)) {
			CompletableFuture<ProbeResult> probe = session.probe(endpoint(backend));
			await().atMost(WAIT).untilAsserted(() -> assertThat(backend.openConnections()).isEqualTo(1));
			// Three times the listener's timeout: the scout itself never gives up.
			await().during(timeout.multipliedBy(3)).atMost(WAIT).until(() -> !probe.isDone());
			assertThat(backend.openConnections()).isEqualTo(1);
			// The engine's deadline cancels it, which hangs up.
			assertThat(probe.cancel(true)).isTrue();
			await().atMost(WAIT).untilAsserted(() -> assertThat(backend.openConnections()).isZero());
		}
	}

	@Test
	void probeWhenFailedShouldLeaveLoggingToTheEngine() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			port = socket.getLocalPort();
		}
		Logger scouts = (Logger) LoggerFactory.getLogger("dev.clavier.scout");
		Level level = scouts.getLevel();
		ListAppender<ILoggingEvent> logged = new ListAppender<>();
		logged.start();
		scouts.addAppender(logged);
		scouts.setLevel(Level.DEBUG);
		try {
			ProbeResult result = probe(TcpScout.builder().build(), Endpoint.of("127.0.0.1", port));
			assertThat(result).isEqualTo(ProbeResult.failed("connection refused"));
		}
		finally {
			scouts.detachAppender(logged);
			scouts.setLevel(level);
		}
		// The engine logs every probe once (at DEBUG); the scout adds nothing for an expected failure.
		assertThat(logged.list).isEmpty();
	}

	@Test
	void probeWhenContextNotFromEngineShouldUseThatContext() throws Exception {
		TestTcpBackend backend = backend("127.0.0.1", TcpMode.ACCEPT);
		try (OwnScoutContext own = new OwnScoutContext(TIMEOUT); ScoutSession session = TcpScout.builder().build().open(own)) {
			assertThat(result(session.probe(endpoint(backend)), WAIT)).isEqualTo(ProbeResult.passed("connected"));
			// The probe's I/O ran on the context's own event loop.
			assertThat(Thread.getAllStackTraces().keySet()).anyMatch((thread) -> thread.getName().startsWith("clavier-own-io-"));
		}
	}

	@Test
	void createWhenPresetRedisShouldSendPingAndExpectPong() {
		Scout scout = Scouts.create("tcp", Map.of("preset", "redis"));
		assertThat(scout.model()).isEqualTo("tcp");
		assertThat(scout).hasToString("tcp[send=6 bytes, expect='+PONG']");
		assertThat(Scouts.create("redis", Map.of())).hasToString("tcp[send=6 bytes, expect='+PONG']");
	}

	@Test
	void createWhenSendAndExpectShouldUseThem() {
		Scout scout = Scouts.create("tcp", Map.of("send", "AUTH secret\r\nPING\r\n", "expect", "+PONG"));
		assertThat(scout).hasToString("tcp[send=19 bytes, expect='+PONG']");
		assertThat(Scouts.create("tcp", Map.of())).hasToString("tcp");
	}

	@Test
	void createWhenOptionUnknownShouldFail() {
		assertThatIllegalArgumentException().isThrownBy(() -> Scouts.create("tcp", Map.of("sned", "PING")))
			.withMessage("unknown tcp option(s) [sned]");
		assertThatIllegalArgumentException().isThrownBy(() -> Scouts.create("redis", Map.of("preset", "redis")))
			.withMessage("unknown redis option(s) [preset]");
	}

	@Test
	void createWhenPresetUnknownShouldFail() {
		assertThatIllegalArgumentException().isThrownBy(() -> Scouts.create("tcp", Map.of("preset", "memcached")))
			.withMessage("tcp option 'preset': 'memcached' (expected: redis)");
	}

	@Test
	void createWhenSendEmptyShouldFail() {
		assertThatIllegalArgumentException().isThrownBy(() -> Scouts.create("tcp", Map.of("send", "")))
			.withMessage("tcp option 'send': send: empty (expected: at least one byte)");
	}

	@Test
	void modelsShouldIncludeTcpRedisAndHttp() {
		assertThat(Scouts.models()).contains("tcp", "redis", "http", "none");
	}

	@Test
	void buildWhenNoScoutShouldDefaultToTcpConnect() {
		ListenerConfig config = ListenerConfig.builder(StaticDiscovery.of(Endpoint.of("127.0.0.1", 80))).build();
		assertThat(config.scout()).isInstanceOf(TcpScout.class).hasToString("tcp");
	}

	private ProbeResult probe(Scout scout, Endpoint endpoint) {
		return probe(scout, endpoint, TIMEOUT, WAIT);
	}

	private ProbeResult probe(Scout scout, Endpoint endpoint, Duration timeout, Duration wait) {
		ScoutSession session = scout.open(context(timeout));
		this.closeables.add(session);
		return result(EngineDeadline.apply(session.probe(endpoint), timeout), wait);
	}

	static ProbeResult result(CompletableFuture<ProbeResult> probe, Duration wait) {
		try {
			return probe.get(wait.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			throw new AssertionError("probe did not complete within " + wait, ex);
		}
	}

	private TestPluginContext context(Duration timeout) {
		TestPluginContext context = new TestPluginContext("test", timeout);
		this.closeables.add(context);
		return context;
	}

	private TestTcpBackend backend(String host, TcpMode mode) {
		TestTcpBackend backend = TestTcpBackend.start(host, 0, mode);
		this.closeables.add(backend);
		return backend;
	}

	private static Endpoint endpoint(TestTcpBackend backend) {
		return Endpoint.of(backend.host(), backend.port());
	}

	private static boolean resolvesToIpv4Loopback(String host) {
		try {
			return new InetSocketAddress(host, 0).getAddress().getHostAddress().equals("127.0.0.1");
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

}
