package dev.clavier.scout.grpc;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.internal.TestPluginContext;
import dev.clavier.model.InvalidOptionException;
import dev.clavier.scout.EngineDeadline;
import dev.clavier.scout.HealthWatch;
import dev.clavier.scout.OwnScoutContext;
import dev.clavier.scout.ProbeResult;
import dev.clavier.scout.Scout;
import dev.clavier.scout.ScoutSession;
import dev.clavier.scout.Scouts;
import dev.clavier.scout.WatchSink;
import dev.clavier.test.LoopbackAddresses;
import dev.clavier.test.TestGrpcBackend;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link GrpcScout}, against real gRPC servers on loopback.
 */
class GrpcScoutTests {

	// Generous, for loaded machines: tests about the engine's deadline use SHORT_TIMEOUT.
	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final Duration SHORT_TIMEOUT = Duration.ofSeconds(1);

	private static final Duration WAIT = Duration.ofSeconds(10);

	private TestPluginContext context;

	private TestGrpcBackend backend;

	@BeforeEach
	void setUp() {
		this.context = new TestPluginContext("grpc-test", TIMEOUT);
		this.backend = TestGrpcBackend.start("127.0.0.1", 0);
	}

	@AfterEach
	void tearDown() {
		this.backend.close();
		this.context.close();
	}

	@Test
	void probeWhenServingShouldPass() throws Exception {
		try (ScoutSession session = GrpcScout.builder().build().open(this.context)) {
			assertThat(probe(session, endpoint(this.backend))).isEqualTo(ProbeResult.passed("SERVING"));
		}
	}

	@Test
	void probeWhenNotServingShouldFail() throws Exception {
		this.backend.status("", ServingStatus.NOT_SERVING);
		try (ScoutSession session = GrpcScout.builder().build().open(this.context)) {
			assertThat(probe(session, endpoint(this.backend))).isEqualTo(ProbeResult.failed("NOT_SERVING"));
		}
	}

	@Test
	void probeWhenNamedServiceServingShouldPass() throws Exception {
		this.backend.status("", ServingStatus.NOT_SERVING).status("orders.v1.Orders", ServingStatus.SERVING);
		try (ScoutSession session = GrpcScout.builder().service("orders.v1.Orders").build().open(this.context)) {
			assertThat(probe(session, endpoint(this.backend))).isEqualTo(ProbeResult.passed("SERVING"));
		}
	}

	@Test
	void probeWhenServiceUnknownShouldFail() throws Exception {
		try (ScoutSession session = GrpcScout.builder().service("nope.v1.Nope").build().open(this.context)) {
			assertThat(probe(session, endpoint(this.backend)))
				.isEqualTo(ProbeResult.failed("NOT_FOUND: unknown service nope.v1.Nope"));
		}
	}

	@Test
	void probeWhenServiceStatusIsServiceUnknownShouldFail() throws Exception {
		this.backend.status("", ServingStatus.SERVICE_UNKNOWN);
		try (ScoutSession session = GrpcScout.builder().build().open(this.context)) {
			assertThat(probe(session, endpoint(this.backend))).isEqualTo(ProbeResult.failed("SERVICE_UNKNOWN"));
		}
	}

	@Test
	void probeWhenNoHealthServiceShouldFail() throws Exception {
		try (TestGrpcBackend bare = TestGrpcBackend.startWithoutHealthService("127.0.0.1", 0);
				ScoutSession session = GrpcScout.builder().build().open(this.context)) {
			assertThat(probe(session, endpoint(bare)))
				.isEqualTo(ProbeResult.failed("UNIMPLEMENTED: no health service"));
		}
	}

	@Test
	void probeWhenServerHangsShouldFailWithinTimeout() throws Exception {
		try (TestPluginContext shortContext = new TestPluginContext("grpc-test", SHORT_TIMEOUT);
				ScoutSession session = GrpcScout.builder().build().open(shortContext)) {
			// Connected and warm, so that the deadline is all that is measured.
			assertThat(probe(session, endpoint(this.backend), SHORT_TIMEOUT).healthy()).isTrue();
			this.backend.hang(true);
			long start = System.nanoTime();
			ProbeResult result = probe(session, endpoint(this.backend), SHORT_TIMEOUT);
			Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
			// The engine's deadline: the call itself carries none.
			assertThat(result).isEqualTo(ProbeResult.failed("timed out after 1s"));
			assertThat(elapsed).isGreaterThanOrEqualTo(SHORT_TIMEOUT.minusMillis(50))
				.isLessThan(SHORT_TIMEOUT.plusSeconds(2));
			// Cancelling the probe at the deadline cancelled the call on the server too.
			await().atMost(WAIT).until(() -> this.backend.pendingChecks() == 0);
		}
	}

	@Test
	void probeWhenCancelledShouldCancelCall() {
		this.backend.hang(true);
		try (ScoutSession session = GrpcScout.builder().build().open(this.context)) {
			CompletableFuture<ProbeResult> probe = session.probe(endpoint(this.backend));
			await().atMost(WAIT).until(() -> this.backend.pendingChecks() == 1);
			assertThat(probe.cancel(true)).isTrue();
			await().atMost(WAIT).until(() -> this.backend.pendingChecks() == 0);
		}
	}

	@Test
	void probeWhenServerStoppedShouldFailAndPassAfterRestart() throws Exception {
		try (ScoutSession session = GrpcScout.builder().build().open(this.context)) {
			Endpoint endpoint = endpoint(this.backend);
			assertThat(probe(session, endpoint).healthy()).isTrue();
			this.backend.stop();
			// The first probe may race the server's GOAWAY, the next ones find the port closed.
			ProbeResult first = probe(session, endpoint);
			assertThat(first.healthy()).isFalse();
			assertThat(first.detail()).startsWith("UNAVAILABLE: ").doesNotContain("\n");
			// Down for a while: gRPC's reconnect back-off must not delay the recovery.
			assertThat(probe(session, endpoint)).isEqualTo(ProbeResult.failed("UNAVAILABLE: connection refused"));
			assertThat(probe(session, endpoint)).isEqualTo(ProbeResult.failed("UNAVAILABLE: connection refused"));
			this.backend.start();
			assertThat(probe(session, endpoint)).isEqualTo(ProbeResult.passed("SERVING"));
			assertThat(((GrpcScoutSession) session).channelCount()).isEqualTo(1);
		}
	}

	@Test
	void probeTwiceShouldReuseChannel() throws Exception {
		try (ScoutSession session = GrpcScout.builder().build().open(this.context)) {
			GrpcScoutSession grpcSession = (GrpcScoutSession) session;
			Endpoint endpoint = endpoint(this.backend);
			assertThat(probe(session, endpoint).healthy()).isTrue();
			ManagedChannel first = grpcSession.currentChannel(endpoint);
			this.backend.status("", ServingStatus.NOT_SERVING);
			assertThat(probe(session, endpoint).healthy()).isFalse();
			this.backend.status("", ServingStatus.SERVING);
			// Another weight or attributes: the same address, so the same channel.
			assertThat(probe(session, endpoint.withWeight(5)).healthy()).isTrue();
			assertThat(first).isNotNull();
			assertThat(grpcSession.currentChannel(endpoint)).isSameAs(first);
			assertThat(grpcSession.channelCount()).isEqualTo(1);
			assertThat(this.backend.checks()).isEqualTo(3);
		}
	}

	@Test
	void releaseShouldShutDownChannel() throws Exception {
		try (TestGrpcBackend other = TestGrpcBackend.start("127.0.0.1", 0);
				ScoutSession session = GrpcScout.builder().build().open(this.context)) {
			GrpcScoutSession grpcSession = (GrpcScoutSession) session;
			Endpoint endpoint = endpoint(this.backend);
			Endpoint kept = endpoint(other);
			assertThat(probe(session, endpoint).healthy()).isTrue();
			assertThat(probe(session, kept).healthy()).isTrue();
			ManagedChannel channel = grpcSession.currentChannel(endpoint);
			assertThat(channel).isNotNull();
			assertThat(grpcSession.channelCount()).isEqualTo(2);
			session.release(endpoint);
			assertThat(channel.isShutdown()).isTrue();
			await().atMost(WAIT).until(channel::isTerminated);
			assertThat(grpcSession.channelCount()).isEqualTo(1);
			assertThat(grpcSession.currentChannel(kept).isShutdown()).isFalse();
			// Back in discovery: a new channel.
			assertThat(probe(session, endpoint).healthy()).isTrue();
			assertThat(grpcSession.currentChannel(endpoint)).isNotSameAs(channel);
		}
	}

	@Test
	void closeShouldShutDownChannelsAndRejectProbes() throws Exception {
		ScoutSession session = GrpcScout.builder().build().open(this.context);
		Endpoint endpoint = endpoint(this.backend);
		assertThat(probe(session, endpoint).healthy()).isTrue();
		ManagedChannel channel = ((GrpcScoutSession) session).currentChannel(endpoint);
		session.close();
		session.close();
		assertThat(channel.isShutdown()).isTrue();
		assertThat(session.probe(endpoint)).failsWithin(WAIT)
			.withThrowableOfType(Exception.class)
			.withMessageContaining("closed");
	}

	@Test
	void probeOverIpv6ShouldPass() throws Exception {
		assumeThat(LoopbackAddresses.ipv6Available()).as("::1 is bindable").isTrue();
		try (TestGrpcBackend v6 = TestGrpcBackend.start("::1", 0);
				ScoutSession session = GrpcScout.builder().build().open(this.context)) {
			Endpoint endpoint = Endpoint.parse(v6.hostAndPort(), 0);
			assertThat(endpoint.host()).isEqualTo("::1");
			assertThat(probe(session, endpoint)).isEqualTo(ProbeResult.passed("SERVING"));
			v6.status("", ServingStatus.NOT_SERVING);
			assertThat(probe(session, endpoint)).isEqualTo(ProbeResult.failed("NOT_SERVING"));
		}
	}

	@Test
	void probeWithHostNameShouldResolveAndPass() throws Exception {
		assumeThat(InetAddress.getByName("localhost").getHostAddress()).as("localhost is 127.0.0.1")
			.isEqualTo("127.0.0.1");
		try (ScoutSession session = GrpcScout.builder().build().open(this.context)) {
			assertThat(probe(session, Endpoint.of("localhost", this.backend.port())))
				.isEqualTo(ProbeResult.passed("SERVING"));
		}
	}

	@Test
	void probeWithUnknownHostShouldFail() throws Exception {
		try (ScoutSession session = GrpcScout.builder().build().open(this.context)) {
			ProbeResult result = probe(session, Endpoint.of("no-such-host.invalid", this.backend.port()));
			assertThat(result.healthy()).isFalse();
			assertThat(result.detail()).startsWith("UNAVAILABLE: unknown host no-such-host.invalid");
		}
	}

	@Test
	void probeWithTlsAgainstPlaintextServerShouldFail() throws Exception {
		try (ScoutSession session = GrpcScout.builder().tls(true).authority("backend.test").build()
			.open(this.context)) {
			ProbeResult result = probe(session, endpoint(this.backend));
			assertThat(result.healthy()).isFalse();
			assertThat(result.detail()).startsWith("UNAVAILABLE");
		}
	}

	@Test
	void closeEngineShouldStopGrpcThreads() throws Exception {
		// Threads of earlier tests, if any, go first.
		await().atMost(WAIT).until(() -> grpcThreads().isEmpty());
		TestPluginContext shortContext = new TestPluginContext("grpc-test", SHORT_TIMEOUT);
		ScoutSession session = GrpcScout.builder().build().open(shortContext);
		// Connects, and on a loaded machine may already hit the deadline: either way is fine here.
		probe(session, endpoint(this.backend), SHORT_TIMEOUT);
		this.backend.hang(true);
		assertThat(probe(session, endpoint(this.backend), SHORT_TIMEOUT).detail()).startsWith("timed out after");
		// Cancellation, executor and I/O ran on the engine's gRPC threads, not on gRPC's global ones.
		assertThat(grpcThreads()).isNotEmpty().allMatch((name) -> name.startsWith("clavier-grpc-"));
		session.close();
		shortContext.close();
		await().atMost(WAIT).untilAsserted(() -> assertThat(grpcThreads()).isEmpty());
	}

	@Test
	void probeWhenContextNotFromEngineShouldShareGrpcResourcesThroughIt() throws Exception {
		try (OwnScoutContext own = new OwnScoutContext(SHORT_TIMEOUT)) {
			try (ScoutSession session = GrpcScout.builder().build().open(own)) {
				assertThat(probe(session, endpoint(this.backend))).isEqualTo(ProbeResult.passed("SERVING"));
				assertThat(grpcThreads()).isNotEmpty().allMatch((name) -> name.startsWith("clavier-grpc-"));
			}
			own.close();
			// The gRPC event loop was the context's shared resource, closed with it.
			await().atMost(WAIT).untilAsserted(() -> assertThat(grpcThreads()).isEmpty());
		}
	}

	@Test
	void createShouldReadOptions() {
		Scout scout = new GrpcScoutProvider()
			.create(Map.of("service", "orders.v1.Orders", "tls", "true", "authority", "orders.example.com"));
		assertThat(scout).isEqualTo(
				GrpcScout.builder().service("orders.v1.Orders").tls(true).authority("orders.example.com").build());
		assertThat(scout.model()).isEqualTo("grpc");
		assertThat(new GrpcScoutProvider().create(Map.of())).isEqualTo(GrpcScout.builder().build());
	}

	@Test
	void createWhenOptionUnknownShouldFail() {
		assertThatIllegalArgumentException().isThrownBy(() -> new GrpcScoutProvider().create(Map.of("servce", "x")))
			.withMessage("unknown grpc option(s) [servce]");
		assertThatIllegalArgumentException().isThrownBy(() -> new GrpcScoutProvider().create(Map.of("tls", "yes")))
			.withMessageContaining("tls");
	}

	@Test
	void providerShouldReadMode() {
		assertThat(GrpcScout.builder().build().mode()).isEqualTo(GrpcScout.Mode.WATCH);
		assertThat(new GrpcScoutProvider().create(Map.of("mode", "check")))
			.isEqualTo(GrpcScout.builder().mode(GrpcScout.Mode.CHECK).build());
		assertThat(new GrpcScoutProvider().create(Map.of("mode", "WATCH"))).isEqualTo(GrpcScout.builder().build());
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> new GrpcScoutProvider().create(Map.of("mode", "poll")))
			.satisfies((ex) -> {
				assertThat(ex.option()).isEqualTo("mode");
				assertThat(ex.value()).isEqualTo("poll");
				assertThat(ex.expected()).isEqualTo("watch or check");
			});
	}

	@Test
	void watchesShouldFollowMode() {
		try (ScoutSession watching = GrpcScout.builder().build().open(this.context);
				ScoutSession checking = GrpcScout.builder().mode(GrpcScout.Mode.CHECK).build().open(this.context)) {
			assertThat(watching.watches()).isTrue();
			assertThat(checking.watches()).isFalse();
		}
	}

	@Test
	void watchShouldReportEachPushedStatusUntilClosed() throws Exception {
		RecordingSink sink = new RecordingSink();
		try (ScoutSession session = GrpcScout.builder().build().open(this.context)) {
			HealthWatch watch = session.watch(endpoint(this.backend), sink);
			assertThat(sink.next()).isEqualTo("pushed SERVING");
			this.backend.status("", ServingStatus.NOT_SERVING);
			assertThat(sink.next()).isEqualTo("pushed NOT_SERVING");
			assertThat(this.backend.openWatches()).isEqualTo(1);
			watch.close();
			await().atMost(WAIT).until(() -> this.backend.openWatches() == 0);
			this.backend.status("", ServingStatus.SERVING);
			assertThat(this.backend.checks()).isZero();
		}
		assertThat(sink.reports).isEmpty();
	}

	@Test
	void watchWhenServerHasNoWatchShouldReportUnsupported() throws Exception {
		RecordingSink sink = new RecordingSink();
		try (TestGrpcBackend old = TestGrpcBackend.builder().watch(false).start();
				ScoutSession session = GrpcScout.builder().build().open(this.context)) {
			session.watch(endpoint(old), sink);
			assertThat(sink.next()).startsWith("unsupported ").contains("UNIMPLEMENTED");
			assertThat(probe(session, endpoint(old))).isEqualTo(ProbeResult.passed("SERVING"));
		}
	}

	@Test
	void watchWhenServerStopsShouldReportEnded() throws Exception {
		RecordingSink sink = new RecordingSink();
		try (ScoutSession session = GrpcScout.builder().build().open(this.context)) {
			session.watch(endpoint(this.backend), sink);
			assertThat(sink.next()).isEqualTo("pushed SERVING");
			this.backend.stop();
			// UNAVAILABLE or CANCELLED, as the server's shutdown reaches the stream.
			assertThat(sink.next()).startsWith("ended ");
			session.watch(endpoint(this.backend), sink);
			assertThat(sink.next()).isEqualTo("ended UNAVAILABLE: connection refused");
		}
	}

	@Test
	void scoutsShouldListAndCreateGrpcModel() {
		assertThat(Scouts.models()).contains("grpc");
		assertThat(Scouts.create("grpc", Map.of("service", "x"))).isEqualTo(GrpcScout.builder().service("x").build());
	}

	@Test
	void requireGrpcWhenGrpcAbsentShouldNameArtifacts() {
		assertThatIllegalStateException()
			.isThrownBy(() -> GrpcScoutProvider.requireGrpc(ClassLoader.getPlatformClassLoader()))
			.withMessageContaining("io.grpc:grpc-netty-shaded")
			.withMessageContaining("io.grpc:grpc-services")
			.withMessageContaining("io.grpc:grpc-protobuf");
		GrpcScoutProvider.requireGrpc(GrpcScoutTests.class.getClassLoader());
	}

	@Test
	void authorityWhenMalformedShouldFail() {
		assertThatIllegalArgumentException().isThrownBy(() -> GrpcScout.builder().authority(" "))
			.withMessageContaining("authority");
		assertThatIllegalArgumentException().isThrownBy(() -> GrpcScout.builder().authority("a/b"))
			.withMessageContaining("authority");
		assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> GrpcScout.builder().service(null));
	}

	/**
	 * Records what a watch reports, in order.
	 */
	private static final class RecordingSink implements WatchSink {

		final BlockingQueue<String> reports = new LinkedBlockingQueue<>();

		@Override
		public void pushed(ProbeResult result) {
			this.reports.add("pushed " + result.detail());
		}

		@Override
		public void ended(String error) {
			this.reports.add("ended " + error);
		}

		@Override
		public void unsupported(String reason) {
			this.reports.add("unsupported " + reason);
		}

		String next() throws InterruptedException {
			String report = this.reports.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
			assertThat(report).as("a report within " + WAIT).isNotNull();
			return report;
		}

	}

	private static ProbeResult probe(ScoutSession session, Endpoint endpoint) throws Exception {
		return probe(session, endpoint, TIMEOUT);
	}

	private static ProbeResult probe(ScoutSession session, Endpoint endpoint, Duration timeout) throws Exception {
		return EngineDeadline.apply(session.probe(endpoint), timeout).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
	}

	private static Endpoint endpoint(TestGrpcBackend backend) {
		return Endpoint.of(backend.host(), backend.port());
	}

	private static List<String> grpcThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith("grpc-") || name.startsWith("clavier-grpc"))
			.sorted()
			.toList();
	}

}
