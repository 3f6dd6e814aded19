package dev.clavier.scout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.internal.TestPluginContext;
import dev.clavier.test.LoopbackAddresses;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link HttpScout}'s kept connections, against a scripted HTTP/1.1 server on loopback
 * that counts the connections it accepts.
 */
class HttpScoutConnectionReuseTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final HttpScout HEALTH = HttpScout.builder().path("/health").build();

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@Test
	void probeWhenHealthyShouldKeepOneConnection() throws IOException {
		ScriptedServer server = server(Script.KEEP_ALIVE);
		ChannelSession session = session(HEALTH);
		for (int i = 0; i < 5; i++) {
			assertThat(probe(session, server)).isEqualTo(ProbeResult.passed("HTTP 200"));
		}
		assertThat(server.accepted()).isEqualTo(1);
		assertThat(server.requests()).hasSize(5).allMatch((request) -> request.connection() == null);
		assertThat(session.idleConnections()).isEqualTo(1);
	}

	@Test
	void probeWhenEndpointIsAHostNameShouldKeepTheConnectionWhileTheNameLeadsToIt() throws IOException {
		// Each probe looks the name up again; the kept connection is used while its peer is the
		// address the name gives.
		ScriptedServer server = server(Script.KEEP_ALIVE);
		ChannelSession session = session(HEALTH);
		Endpoint byName = Endpoint.of("localhost", server.endpoint().port());
		for (int i = 0; i < 3; i++) {
			assertThat(TcpScoutTests.result(session.probe(byName), WAIT)).isEqualTo(ProbeResult.passed("HTTP 200"));
		}
		assertThat(server.accepted()).isEqualTo(1);
		assertThat(session.idleConnections()).isEqualTo(1);
	}

	@Test
	void probeWhenHostNameMovesToAnotherAddressShouldLeaveTheKeptConnection() throws Exception {
		assumeTrue(LoopbackAddresses.isBindable("127.0.0.2"), "127.0.0.2 is not bindable on this machine");
		ScriptedServer first = server(Script.KEEP_ALIVE);
		ScriptedServer second = new ScriptedServer(Script.KEEP_ALIVE, "127.0.0.2", first.endpoint().port());
		this.closeables.add(second);
		AtomicReference<String> address = new AtomicReference<>("127.0.0.1");
		TestPluginContext context = new TestPluginContext("test", TIMEOUT);
		this.closeables.add(context);
		// The engine's resolver, answering for backend.test what the test says.
		context.shared(HostResolver.class, HostResolver.class, () -> new HostResolver((host) -> {
			assertThat(host).isEqualTo("backend.test");
			return InetAddress.getByName(address.get());
		}));
		ChannelSession session = (ChannelSession) HEALTH.open(context);
		this.closeables.add(session);
		Endpoint byName = Endpoint.of("backend.test", first.endpoint().port());
		assertThat(TcpScoutTests.result(session.probe(byName), WAIT)).isEqualTo(ProbeResult.passed("HTTP 200"));
		assertThat(TcpScoutTests.result(session.probe(byName), WAIT)).isEqualTo(ProbeResult.passed("HTTP 200"));
		assertThat(first.accepted()).isEqualTo(1);
		address.set("127.0.0.2");
		assertThat(TcpScoutTests.result(session.probe(byName), WAIT)).isEqualTo(ProbeResult.passed("HTTP 200"));
		assertThat(second.accepted()).isEqualTo(1);
		assertThat(second.requests()).hasSize(1);
		assertThat(first.requests()).hasSize(2);
		await().atMost(WAIT).untilAsserted(() -> assertThat(first.open()).isZero());
	}

	@Test
	void probeWhenReuseDisabledShouldOpenAConnectionPerProbe() throws IOException {
		ScriptedServer server = server(Script.KEEP_ALIVE);
		ChannelSession session = session(HttpScout.builder().path("/health").reuseConnection(false).build());
		for (int i = 0; i < 3; i++) {
			assertThat(probe(session, server)).isEqualTo(ProbeResult.passed("HTTP 200"));
		}
		assertThat(server.accepted()).isEqualTo(3);
		assertThat(server.requests()).hasSize(3).allMatch((request) -> "close".equals(request.connection()));
		assertThat(session.idleConnections()).isZero();
		await().atMost(WAIT).untilAsserted(() -> assertThat(server.open()).isZero());
	}

	@Test
	void probeWhenUnhealthyShouldUseANewConnectionNextTime() throws IOException {
		ScriptedServer server = server(Script.KEEP_ALIVE);
		server.status(503);
		ChannelSession session = session(HEALTH);
		assertThat(probe(session, server)).isEqualTo(ProbeResult.failed("HTTP 503"));
		assertThat(probe(session, server)).isEqualTo(ProbeResult.failed("HTTP 503"));
		assertThat(server.accepted()).isEqualTo(2);
		server.status(200);
		assertThat(probe(session, server)).isEqualTo(ProbeResult.passed("HTTP 200"));
		assertThat(probe(session, server)).isEqualTo(ProbeResult.passed("HTTP 200"));
		assertThat(server.accepted()).isEqualTo(3);
		await().atMost(WAIT).untilAsserted(() -> assertThat(server.open()).isEqualTo(1));
	}

	@Test
	void probeWhenKeptConnectionClosesBeforeTheAnswerShouldRetryOnANewConnection() throws IOException {
		// Each connection answers one request and closes on reading the next, as a server whose
		// idle timeout fires just as the probe's request arrives.
		ScriptedServer server = server(Script.CLOSE_ON_SECOND_REQUEST);
		ChannelSession session = session(HEALTH);
		assertThat(probe(session, server)).isEqualTo(ProbeResult.passed("HTTP 200"));
		assertThat(probe(session, server)).isEqualTo(ProbeResult.passed("HTTP 200"));
		assertThat(server.accepted()).isEqualTo(2);
		assertThat(server.requests()).hasSize(3);
	}

	@Test
	void probeWhenServerClosedTheIdleConnectionShouldOpenANewOne() throws IOException {
		ScriptedServer server = server(Script.CLOSE_AFTER_ANSWER);
		ChannelSession session = session(HEALTH);
		assertThat(probe(session, server)).isEqualTo(ProbeResult.passed("HTTP 200"));
		await().atMost(WAIT).untilAsserted(() -> assertThat(server.open()).isZero());
		assertThat(probe(session, server)).isEqualTo(ProbeResult.passed("HTTP 200"));
		assertThat(server.accepted()).isEqualTo(2);
		assertThat(server.requests()).hasSize(2);
	}

	@Test
	void probeWhenServerAnswersConnectionCloseShouldNotKeepTheConnection() throws IOException {
		ScriptedServer server = server(Script.ANSWER_CONNECTION_CLOSE);
		ChannelSession session = session(HEALTH);
		assertThat(probe(session, server)).isEqualTo(ProbeResult.passed("HTTP 200"));
		assertThat(probe(session, server)).isEqualTo(ProbeResult.passed("HTTP 200"));
		assertThat(server.accepted()).isEqualTo(2);
		assertThat(session.idleConnections()).isZero();
	}

	@Test
	void probeWhenBodyLongerThanTheBoundShouldNotKeepTheConnection() throws IOException {
		ScriptedServer server = server(Script.KEEP_ALIVE);
		ChannelSession session = session(HttpScout.builder().path("/health").maxBodyBytes(1).build());
		assertThat(probe(session, server)).isEqualTo(ProbeResult.passed("HTTP 200"));
		assertThat(probe(session, server)).isEqualTo(ProbeResult.passed("HTTP 200"));
		assertThat(server.accepted()).isEqualTo(2);
	}

	@Test
	void probeWhenEndpointStoppedShouldFailAfterTheRetry() throws Exception {
		ScriptedServer server = server(Script.KEEP_ALIVE);
		ChannelSession session = session(HEALTH);
		assertThat(probe(session, server)).isEqualTo(ProbeResult.passed("HTTP 200"));
		server.close();
		assertThat(probe(session, server)).isEqualTo(ProbeResult.failed("connection refused"));
	}

	@Test
	void releaseShouldCloseTheKeptConnection() throws IOException {
		ScriptedServer server = server(Script.KEEP_ALIVE);
		ChannelSession session = session(HEALTH);
		assertThat(probe(session, server)).isEqualTo(ProbeResult.passed("HTTP 200"));
		assertThat(server.open()).isEqualTo(1);
		session.release(server.endpoint());
		assertThat(session.idleConnections()).isZero();
		await().atMost(WAIT).untilAsserted(() -> assertThat(server.open()).isZero());
		assertThat(probe(session, server)).isEqualTo(ProbeResult.passed("HTTP 200"));
		assertThat(server.accepted()).isEqualTo(2);
	}

	@Test
	void closeShouldCloseEveryKeptConnection() throws IOException {
		ScriptedServer first = server(Script.KEEP_ALIVE);
		ScriptedServer second = server(Script.KEEP_ALIVE);
		ChannelSession session = session(HEALTH);
		assertThat(probe(session, first)).isEqualTo(ProbeResult.passed("HTTP 200"));
		assertThat(probe(session, second)).isEqualTo(ProbeResult.passed("HTTP 200"));
		assertThat(session.idleConnections()).isEqualTo(2);
		session.close();
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(first.open()).isZero();
			assertThat(second.open()).isZero();
		});
	}

	private ProbeResult probe(ChannelSession session, ScriptedServer server) {
		return TcpScoutTests.result(session.probe(server.endpoint()), WAIT);
	}

	private ChannelSession session(HttpScout scout) {
		TestPluginContext context = new TestPluginContext("test", TIMEOUT);
		this.closeables.add(context);
		ChannelSession session = (ChannelSession) scout.open(context);
		this.closeables.add(session);
		return session;
	}

	private ScriptedServer server(Script script) throws IOException {
		ScriptedServer server = new ScriptedServer(script);
		this.closeables.add(server);
		return server;
	}

	/**
	 * What the server does with the requests of one connection.
	 */
	private enum Script {

		/** Answer every request, keeping the connection open. */
		KEEP_ALIVE,

		/** Answer the first request, then close on reading the second without answering it. */
		CLOSE_ON_SECOND_REQUEST,

		/** Answer the first request (without {@code Connection: close}), then close. */
		CLOSE_AFTER_ANSWER,

		/** Answer with {@code Connection: close}, then close. */
		ANSWER_CONNECTION_CLOSE

	}

	/**
	 * One request head the server read.
	 */
	private record Request(String line, @Nullable String connection) {
	}

	/**
	 * A blocking HTTP/1.1 server on 127.0.0.1 with a thread per connection (the tests open a
	 * handful), answering {@code 2} body bytes per request.
	 */
	private static final class ScriptedServer implements AutoCloseable {

		private final Script script;

		private final ServerSocket socket;

		private final Thread acceptor;

		private final AtomicInteger accepted = new AtomicInteger();

		private final AtomicInteger open = new AtomicInteger();

		private final List<Request> requests = new CopyOnWriteArrayList<>();

		private final List<Thread> threads = new CopyOnWriteArrayList<>();

		private final ConcurrentHashMap<Socket, Boolean> connections = new ConcurrentHashMap<>();

		private volatile int status = 200;

		ScriptedServer(Script script) throws IOException {
			this(script, "127.0.0.1", 0);
		}

		ScriptedServer(Script script, String host, int port) throws IOException {
			this.script = script;
			this.socket = new ServerSocket(port, 50, InetAddress.getByName(host));
			this.acceptor = new Thread(this::accept, "test-scripted-server");
			this.acceptor.setDaemon(true);
			this.acceptor.start();
		}

		Endpoint endpoint() {
			return Endpoint.of(this.socket.getInetAddress().getHostAddress(), this.socket.getLocalPort());
		}

		int accepted() {
			return this.accepted.get();
		}

		int open() {
			return this.open.get();
		}

		List<Request> requests() {
			return this.requests;
		}

		void status(int status) {
			this.status = status;
		}

		private void accept() {
			// Bounded: the tests open a handful of connections, and close() ends the loop.
			while (!this.socket.isClosed() && this.accepted.get() < 100) {
				try {
					Socket connection = this.socket.accept();
					this.accepted.incrementAndGet();
					this.open.incrementAndGet();
					this.connections.put(connection, Boolean.TRUE);
					Thread thread = new Thread(() -> serve(connection), "test-scripted-connection");
					thread.setDaemon(true);
					this.threads.add(thread);
					thread.start();
				}
				catch (IOException ex) {
					return;
				}
			}
		}

		private void serve(Socket connection) {
			try (connection) {
				InputStream in = connection.getInputStream();
				OutputStream out = connection.getOutputStream();
				for (int served = 0; served < 100; served++) {
					Request request = readHead(in);
					if (request == null) {
						return;
					}
					this.requests.add(request);
					if (this.script == Script.CLOSE_ON_SECOND_REQUEST && served == 1) {
						return;
					}
					boolean close = this.script == Script.ANSWER_CONNECTION_CLOSE;
					String head = "HTTP/1.1 " + this.status + " Scripted\r\nContent-Length: 2\r\n"
							+ (close ? "Connection: close\r\n" : "") + "\r\n";
					out.write((head + "ok").getBytes(StandardCharsets.US_ASCII));
					out.flush();
					if (close || this.script == Script.CLOSE_AFTER_ANSWER) {
						return;
					}
				}
			}
			catch (SocketException ex) {
				// The client or close() ended the connection.
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			finally {
				this.connections.remove(connection);
				this.open.decrementAndGet();
			}
		}

		private static @Nullable Request readHead(InputStream in) throws IOException {
			StringBuilder head = new StringBuilder();
			// Bounded: a request head here is a few hundred bytes.
			while (head.length() < 16 * 1024) {
				int b = in.read();
				if (b < 0) {
					return null;
				}
				head.append((char) b);
				if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
					String[] lines = head.toString().split("\r\n");
					String connection = null;
					for (String line : lines) {
						if (line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
							connection = line.substring("connection:".length()).trim();
						}
					}
					return new Request(lines[0], connection);
				}
			}
			throw new IOException("request head too long");
		}

		@Override
		public void close() throws Exception {
			this.socket.close();
			for (Socket connection : this.connections.keySet()) {
				connection.close();
			}
			this.acceptor.join(5000);
			for (Thread thread : this.threads) {
				thread.join(5000);
			}
		}

	}

}
