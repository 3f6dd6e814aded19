package dev.clavier.scout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.test.TcpMode;
import dev.clavier.test.TestTcpBackend;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ChannelConnector}, with a context of the test's own making and real sockets
 * on loopback.
 */
class ChannelConnectorTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final Duration WAIT = Duration.ofSeconds(10);

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@Test
	void resolveWhenHostIsIpLiteralShouldAnswerAtOnce() throws Exception {
		ChannelConnector connector = connector();
		CompletableFuture<InetAddress> v4 = connector.resolve("127.0.0.2");
		CompletableFuture<InetAddress> v6 = connector.resolve("::1");
		assertThat(v4).isCompletedWithValue(InetAddress.getByName("127.0.0.2"));
		assertThat(v6).isCompletedWithValue(InetAddress.getByName("::1"));
	}

	@Test
	void resolveWhenHostIsUnknownShouldFailWithUnknownHost() {
		CompletableFuture<InetAddress> lookup = connector().resolve("no-such-host.invalid");
		assertThat(lookup).failsWithin(WAIT).withThrowableThat().havingRootCause().isInstanceOf(UnknownHostException.class);
	}

	@Test
	void resolveWhenContextClosedShouldSayTheEngineIsClosed() throws Exception {
		OwnScoutContext context = new OwnScoutContext(TIMEOUT);
		ChannelConnector connector = new ChannelConnector(context);
		context.close();
		CompletableFuture<InetAddress> lookup = connector.resolve("localhost");
		assertThat(lookup).failsWithin(WAIT).withThrowableThat().havingCause().withMessage("the Clavier engine is closed");
	}

	@Test
	void connectWhenPeerListensShouldConnectWithTheProbeTimeoutAsConnectTimeout() throws Exception {
		TestTcpBackend backend = TestTcpBackend.start("127.0.0.1", 0, TcpMode.ACCEPT);
		this.closeables.add(backend);
		ChannelConnector connector = connector();
		assertThat(connector.connectTimeout()).isEqualTo(TIMEOUT);
		CompletableFuture<ChannelFuture> outcome = new CompletableFuture<>();
		EventLoop loop = connector.nextLoop();
		Channel channel = loop.submit(() -> connector.connect(loop, address(backend.port()),
				(created) -> created.pipeline().addLast("marker", new ChannelInboundHandlerAdapter()),
				outcome::complete)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		ChannelFuture connected = outcome.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(connected.isSuccess()).isTrue();
		assertThat(connected.channel()).isSameAs(channel);
		assertThat(channel.pipeline().get("marker")).isNotNull();
		assertThat(channel.config().getConnectTimeoutMillis()).isEqualTo((int) TIMEOUT.toMillis());
		await().atMost(WAIT).untilAsserted(() -> assertThat(backend.openConnections()).isEqualTo(1));
		channel.close().syncUninterruptibly();
		await().atMost(WAIT).untilAsserted(() -> assertThat(backend.openConnections()).isZero());
	}

	@Test
	void connectWhenPortClosedShouldReportConnectionRefused() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			port = socket.getLocalPort();
		}
		ChannelConnector connector = connector();
		CompletableFuture<ChannelFuture> outcome = new CompletableFuture<>();
		EventLoop loop = connector.nextLoop();
		InetSocketAddress closed = address(port);
		loop.execute(() -> connector.connect(loop, closed, (created) -> {
		}, outcome::complete));
		ChannelFuture refused = outcome.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(refused.isSuccess()).isFalse();
		assertThat(ConnectionErrors.describe(refused.cause(), Endpoint.of("127.0.0.1", port),
				connector.connectTimeout())).isEqualTo("connection refused");
	}

	private ChannelConnector connector() {
		OwnScoutContext context = new OwnScoutContext(TIMEOUT);
		this.closeables.add(context);
		return new ChannelConnector(context);
	}

	private static InetSocketAddress address(int port) throws IOException {
		return new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port);
	}

}
