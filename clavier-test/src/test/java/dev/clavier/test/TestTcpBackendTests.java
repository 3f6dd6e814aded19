package dev.clavier.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link TestTcpBackend}, connected to with plain sockets.
 */
class TestTcpBackendTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final int SHORT_READ_MILLIS = 200;

	private TestTcpBackend backend;

	@AfterEach
	void closeBackend() {
		if (this.backend != null) {
			this.backend.close();
		}
	}

	@Test
	void connectWhenAcceptShouldHoldConnectionOpen() throws IOException {
		this.backend = TestTcpBackend.start("127.0.0.1", 0, TcpMode.ACCEPT);
		try (Socket socket = connect(this.backend)) {
			socket.setSoTimeout(SHORT_READ_MILLIS);
			socket.getOutputStream().write("hello\r\n".getBytes(StandardCharsets.US_ASCII));
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> socket.getInputStream().read());
			await().atMost(TIMEOUT).until(() -> this.backend.connections() == 1 && this.backend.openConnections() == 1);
		}
		await().atMost(TIMEOUT).until(() -> this.backend.openConnections() == 0);
	}

	@Test
	void connectWhenAcceptAndCloseShouldSeeEndOfStream() throws IOException {
		this.backend = TestTcpBackend.start("127.0.0.1", 0, TcpMode.ACCEPT_AND_CLOSE);
		try (Socket socket = connect(this.backend)) {
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			assertThat(socket.getInputStream().read()).isEqualTo(-1);
		}
		assertThat(this.backend.connections()).isEqualTo(1);
	}

	@Test
	void pingWhenRedisShouldAnswerPongInlineAndAsRespArray() throws IOException {
		this.backend = TestTcpBackend.start("127.0.0.1", 0, TcpMode.REDIS);
		try (Socket socket = connect(this.backend)) {
			BufferedReader in = reader(socket);
			write(socket, "PING\r\n");
			assertThat(in.readLine()).isEqualTo("+PONG");
			write(socket, "*1\r\n$4\r\nPING\r\n");
			assertThat(in.readLine()).isEqualTo("+PONG");
			write(socket, "GET key\r\n");
			assertThat(in.readLine()).startsWith("-ERR");
		}
	}

	@Test
	void pingWhenRedisReplyChangedShouldAnswerNewReply() throws IOException {
		this.backend = TestTcpBackend.start("127.0.0.1", 0, TcpMode.REDIS);
		this.backend.redisReply("-LOADING Redis is loading the dataset in memory\r\n");
		try (Socket socket = connect(this.backend)) {
			write(socket, "*1\r\n$4\r\nping\r\n");
			assertThat(reader(socket).readLine()).isEqualTo("-LOADING Redis is loading the dataset in memory");
		}
	}

	@Test
	void pingWhenSilentShouldNeverAnswer() throws IOException {
		this.backend = TestTcpBackend.start("127.0.0.1", 0, TcpMode.SILENT);
		try (Socket socket = connect(this.backend)) {
			socket.setSoTimeout(SHORT_READ_MILLIS);
			write(socket, "PING\r\n");
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> socket.getInputStream().read());
		}
		assertThat(this.backend.connections()).isEqualTo(1);
	}

	@Test
	void modeWhenChangedShouldApplyToNewConnections() throws IOException {
		this.backend = TestTcpBackend.start("127.0.0.1", 0, TcpMode.SILENT);
		this.backend.mode(TcpMode.REDIS);
		try (Socket socket = connect(this.backend)) {
			write(socket, "PING\r\n");
			assertThat(reader(socket).readLine()).isEqualTo("+PONG");
		}
		assertThat(this.backend.mode()).isEqualTo(TcpMode.REDIS);
	}

	@Test
	void stopShouldCloseConnectionsAndRefuseAndStartShouldListenOnSamePort() throws IOException {
		this.backend = TestTcpBackend.start("127.0.0.1", 0, TcpMode.REDIS);
		int port = this.backend.port();
		try (Socket open = connect(this.backend)) {
			open.setSoTimeout((int) TIMEOUT.toMillis());
			await().atMost(TIMEOUT).until(() -> this.backend.openConnections() == 1);
			this.backend.stop();
			assertThat(open.getInputStream().read()).isEqualTo(-1);
		}
		assertThat(this.backend.isRunning()).isFalse();
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> connect(this.backend).close());
		this.backend.start();
		assertThat(this.backend.port()).isEqualTo(port);
		try (Socket socket = connect(this.backend)) {
			write(socket, "PING\r\n");
			assertThat(reader(socket).readLine()).isEqualTo("+PONG");
		}
		assertThat(this.backend.connections()).isEqualTo(2);
	}

	@Test
	void startWhenSecondLoopbackAddressShouldListenThere() throws IOException {
		assumeTrue(LoopbackAddresses.isBindable("127.0.0.2"), "127.0.0.2 is not bindable on this machine");
		this.backend = TestTcpBackend.start("127.0.0.2", 0, TcpMode.ACCEPT_AND_CLOSE);
		assertThat(this.backend.hostAndPort()).isEqualTo("127.0.0.2:" + this.backend.port());
		connect(this.backend).close();
		await().atMost(TIMEOUT).until(() -> this.backend.connections() == 1);
	}

	@Test
	void startWhenHostIsNotLoopbackShouldFail() {
		assertThatIllegalArgumentException().isThrownBy(() -> TestTcpBackend.start("192.0.2.1", 0, TcpMode.ACCEPT));
	}

	@Test
	void closeShouldStopNamedDaemonThreads() throws IOException {
		Set<Thread> before = ThreadSnapshot.live("clavier-test-tcp-");
		TestTcpBackend other = TestTcpBackend.start("127.0.0.1", 0, TcpMode.ACCEPT);
		Socket socket = connect(other);
		await().atMost(TIMEOUT).until(() -> other.openConnections() == 1);
		Set<Thread> started = ThreadSnapshot.started("clavier-test-tcp-", before);
		assertThat(started).hasSizeGreaterThanOrEqualTo(2).allSatisfy((thread) -> {
			assertThat(thread.isDaemon()).isTrue();
			assertThat(thread.getName()).matches("clavier-test-tcp-\\d+");
		});
		other.close();
		socket.close();
		await().atMost(TIMEOUT).until(() -> started.stream().noneMatch(Thread::isAlive));
	}

	private static Socket connect(TestTcpBackend target) throws IOException {
		Socket socket = new Socket();
		socket.connect(target.address(), (int) TIMEOUT.toMillis());
		socket.setSoTimeout((int) TIMEOUT.toMillis());
		return socket;
	}

	private static void write(Socket socket, String text) throws IOException {
		socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
		socket.getOutputStream().flush();
	}

	private static BufferedReader reader(Socket socket) throws IOException {
		return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
	}

}
