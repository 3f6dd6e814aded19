package dev.clavier.scout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.internal.TestPluginContext;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link HttpScout} against hostile health endpoints: raw servers on loopback, written here,
 * that trickle the response head byte by byte, send a 10 MB body, answer with a garbage status
 * line, or speak TLS. Each probe must end in its documented result within the timeout, and the
 * scout must not read more than its bound. Redirects, slow answers, non-HTTP peers, a TLS scout
 * against a plain server and bodies above the bound are in {@link HttpScoutTests}.
 */
class HttpScoutHostilePeerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(1);

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final HttpScout HEALTH = HttpScout.builder().path("/health").build();

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@Test
	void probeWhenHeadTrickledSlowerThanTimeoutShouldTimeOutAndHangUp() throws Exception {
		// Slowloris: 58 bytes at one per 100 ms would take 5.8 s; the probe's timeout is 1 s.
		byte[] head = ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Slow: loris-loris\r\n\r\n");
		HostileServer server = server((connection, out) -> {
			for (byte b : head) {
				out.write(new byte[] { b });
				if (out.peerGone(Duration.ofMillis(100))) {
					return;
				}
			}
		});
		ProbeResult result = probe(HEALTH, server);
		assertThat(result).isEqualTo(ProbeResult.failed("timed out after 1s"));
		await().atMost(WAIT).until(server::finished);
		assertThat(server.peerClosed()).as("the scout hung up").isTrue();
		assertThat(server.bytesWritten()).isLessThan(head.length);
		System.out.printf("slowloris: probe timed out after %d of %d head bytes%n", server.bytesWritten(), head.length);
	}

	@Test
	void probeWhenBodyIsTenMegabytesShouldPassAndReadOnlyItsBound() throws Exception {
		long bodyLength = 10L * 1024 * 1024;
		byte[] head = ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + bodyLength + "\r\n\r\n");
		byte[] chunk = new byte[64 * 1024];
		HostileServer server = server((connection, out) -> {
			out.write(head);
			// One chunk, then wait up to 50 ms for the scout to hang up before the next: a client
			// reading it all would take 160 chunks and 8 s.
			for (long sent = 0; sent < bodyLength; sent += chunk.length) {
				out.write(chunk);
				if (out.peerGone(Duration.ofMillis(50))) {
					return;
				}
			}
		});
		ProbeResult result = probe(HEALTH, server);
		assertThat(result).isEqualTo(ProbeResult.passed("HTTP 200"));
		await().atMost(WAIT).until(server::finished);
		assertThat(server.peerClosed()).as("the scout hung up before the end of the body").isTrue();
		// What the scout read is at most what the server wrote; allow 16 chunks for socket buffers and scheduling.
		long bound = head.length + 16L * chunk.length;
		assertThat(server.bytesWritten()).isLessThanOrEqualTo(bound);
		System.out.printf("10 MB body: server wrote %d bytes before the scout hung up (max-body-bytes %d)%n",
				server.bytesWritten(), HttpScout.DEFAULT_MAX_BODY_BYTES);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			status code not a number | HTTP/1.1 abc OK\\r\\n\\r\\n                         | malformed response:
			status code of 5 digits  | HTTP/1.1 20000 OK\\r\\n\\r\\n                       | malformed response:
			status code 000          | HTTP/1.1 000 OK\\r\\nContent-Length: 0\\r\\n\\r\\n | malformed response: status code 0
			status code 99           | HTTP/1.1 99 OK\\r\\nContent-Length: 0\\r\\n\\r\\n  | malformed response: status code 99
			not HTTP at all          | SSH-2.0-OpenSSH_9.6\\r\\n\\r\\n                     | malformed response:
			binary junk              | \\u0000\\u0001\\u00ff\\u0016\\u0003junk\\r\\n\\r\\n | malformed response:
			negative content length  | HTTP/1.1 200 OK\\r\\nContent-Length: -5\\r\\n\\r\\n | malformed response:
			status line without end  | HTTP/1.1 200 OK                                | connection closed before the response
			""")
	void probeWhenStatusLineIsGarbageShouldFailAsMalformed(String description, String response, String expected)
			throws Exception {
		byte[] bytes = unescape(response).getBytes(StandardCharsets.ISO_8859_1);
		HostileServer server = server((connection, out) -> {
			out.write(bytes);
			connection.shutdownOutput();
			out.peerGone(WAIT);
		});
		ProbeResult result = probe(HEALTH, server);
		assertThat(result.healthy()).isFalse();
		assertThat(result.detail()).startsWith(expected);
		// What the peer sent is quoted escaped, never raw.
		assertThat(result.detail()).doesNotContain("\u0000", "\r", "\n");
	}

	@Test
	void probeWhenStatusLineIsHugeShouldFailAsMalformedWithoutReadingItAll() throws Exception {
		byte[] line = ascii("HTTP/1.1 200 " + "O".repeat(1024 * 1024) + "\r\n\r\n");
		HostileServer server = server((connection, out) -> {
			for (int at = 0; at < line.length; at += 16 * 1024) {
				out.write(java.util.Arrays.copyOfRange(line, at, Math.min(line.length, at + 16 * 1024)));
				if (out.peerGone(Duration.ofMillis(20))) {
					return;
				}
			}
		});
		ProbeResult result = probe(HEALTH, server);
		assertThat(result.healthy()).isFalse();
		assertThat(result.detail()).startsWith("malformed response:").hasSizeLessThan(300);
		await().atMost(WAIT).until(server::finished);
		assertThat(server.peerClosed()).isTrue();
		assertThat(server.bytesWritten()).isLessThan(line.length);
	}

	@Test
	void probeWhenPeerSpeaksTlsShouldFailWithoutHanging() throws Exception {
		SelfSignedCertificate certificate = new SelfSignedCertificate("localhost");
		this.closeables.add(certificate::delete);
		KeyStore keys = KeyStore.getInstance("PKCS12");
		keys.load(null, null);
		char[] password = "test".toCharArray();
		keys.setKeyEntry("server", certificate.key(), password, new Certificate[] { certificate.cert() });
		KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keyManagers.init(keys, password);
		SSLContext tls = SSLContext.getInstance("TLS");
		tls.init(keyManagers.getKeyManagers(), null, null);
		SSLServerSocket socket = (SSLServerSocket) tls.getServerSocketFactory()
			.createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
		AtomicReference<@Nullable Throwable> handshake = new AtomicReference<>();
		HostileServer server = new HostileServer(socket, false, (connection, out) -> {
			try {
				((SSLSocket) connection).startHandshake();
			}
			catch (IOException ex) {
				handshake.set(ex);
			}
		});
		this.closeables.add(server);
		ProbeResult result = probe(HEALTH, server);
		assertThat(result.healthy()).isFalse();
		// The server's TLS alert is not an HTTP response; or it hangs up first. Either way, at once.
		assertThat(result.detail()).satisfiesAnyOf((detail) -> assertThat(detail).startsWith("malformed response:"),
				(detail) -> assertThat(detail).isIn("connection closed before the response", "connection reset by peer"));
		await().atMost(WAIT).until(server::finished);
		assertThat(handshake.get()).as("the TLS server saw a plain-text request").isNotNull();
		System.out.printf("plain scout vs TLS server: '%s'; server: %s%n", result.detail(), handshake.get());
	}

	private ProbeResult probe(Scout scout, HostileServer server) {
		TestPluginContext context = new TestPluginContext("test", TIMEOUT);
		this.closeables.add(context);
		ScoutSession session = scout.open(context);
		this.closeables.add(session);
		return TcpScoutTests.result(EngineDeadline.apply(session.probe(Endpoint.of("127.0.0.1", server.port())), TIMEOUT),
				WAIT);
	}

	private HostileServer server(Behaviour behaviour) throws IOException {
		HostileServer server = new HostileServer(new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")), true,
				behaviour);
		this.closeables.add(server);
		return server;
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	private static String unescape(String text) {
		StringBuilder out = new StringBuilder();
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '\\' && i + 1 < text.length()) {
				char next = text.charAt(++i);
				switch (next) {
					case 'r' -> out.append('\r');
					case 'n' -> out.append('\n');
					case 'u' -> {
						out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
						i += 4;
					}
					default -> out.append(next);
				}
			}
			else {
				out.append(c);
			}
		}
		return out.toString();
	}

	/**
	 * What a hostile server does with one connection, after it has read the request head.
	 */
	@FunctionalInterface
	interface Behaviour {

		void serve(Socket connection, Output out) throws IOException;

	}

	/**
	 * Writes to the connection, counting what got through, and tells when the client has gone.
	 */
	static final class Output {

		private final Socket connection;

		private final AtomicLong written;

		private boolean gone;

		Output(Socket connection, AtomicLong written) {
			this.connection = connection;
			this.written = written;
		}

		void write(byte[] bytes) throws IOException {
			try {
				OutputStream out = this.connection.getOutputStream();
				out.write(bytes);
				out.flush();
				this.written.addAndGet(bytes.length);
			}
			catch (IOException ex) {
				this.gone = true;
				throw ex;
			}
		}

		/**
		 * Waits up to {@code pause} for the client to close the connection (the pacing of a
		 * hostile server, without sleeping): returns whether it did.
		 */
		boolean peerGone(Duration pause) {
			try {
				this.connection.setSoTimeout((int) Math.max(1, pause.toMillis()));
				InputStream in = this.connection.getInputStream();
				this.gone = in.read() < 0;
			}
			catch (SocketTimeoutException ex) {
				// Still there.
			}
			catch (IOException ex) {
				this.gone = true;
			}
			return this.gone;
		}

	}

	/**
	 * Accepts one connection on 127.0.0.1, reads the request head (if asked), then runs the
	 * behaviour on its own daemon thread.
	 */
	static final class HostileServer implements AutoCloseable {

		private final ServerSocket socket;

		private final Thread thread;

		private final AtomicLong written = new AtomicLong();

		private final CountDownLatch finished = new CountDownLatch(1);

		private volatile boolean peerClosed;

		HostileServer(ServerSocket socket, boolean readHead, Behaviour behaviour) {
			this.socket = socket;
			this.thread = new Thread(() -> serve(readHead, behaviour), "clavier-test-hostile-http");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		int port() {
			return this.socket.getLocalPort();
		}

		long bytesWritten() {
			return this.written.get();
		}

		boolean peerClosed() {
			return this.peerClosed;
		}

		boolean finished() {
			return this.finished.getCount() == 0;
		}

		private void serve(boolean readHead, Behaviour behaviour) {
			try (Socket connection = this.socket.accept()) {
				connection.setSoTimeout((int) WAIT.toMillis());
				if (readHead && !RawHttp.readHead(connection.getInputStream())) {
					return;
				}
				Output out = new Output(connection, this.written);
				try {
					behaviour.serve(connection, out);
				}
				catch (IOException ex) {
					// The client went away mid-write.
				}
				this.peerClosed = out.gone;
			}
			catch (IOException ex) {
				// Closed before a connection came.
			}
			finally {
				this.finished.countDown();
			}
		}

		@Override
		public void close() throws Exception {
			this.socket.close();
			this.thread.join(WAIT.toMillis());
		}

	}

}
