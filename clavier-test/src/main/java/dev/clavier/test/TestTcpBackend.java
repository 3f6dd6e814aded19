package dev.clavier.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP listener on a loopback address that accepts connections in one of the
 * {@link TcpMode modes}, changeable at run time.
 *
 * <pre class="code">
 * try (TestTcpBackend redis = TestTcpBackend.start("127.0.0.2", 0, TcpMode.REDIS)) {
 *     redis.redisReply("-LOADING Redis is loading the dataset in memory\r\n");
 * }
 * </pre>
 *
 * <p>
 * One daemon thread accepts and short-lived ones serve connections, all named
 * {@code clavier-test-tcp-<n>}. {@link #stop()} closes the listening socket and every open
 * connection.
 *
 * <p>
 * Thread-safe.
 */
public final class TestTcpBackend extends LoopbackBackend<TestTcpBackend, TestTcpBackend.Listening> {

	/**
	 * The default reply to a Redis {@code PING}.
	 */
	public static final String DEFAULT_REDIS_REPLY = "+PONG\r\n";

	private static final Logger logger = LoggerFactory.getLogger(TestTcpBackend.class);

	private static final long JOIN_MILLIS = 2_000;

	private final NamedThreadFactory threadFactory = new NamedThreadFactory("tcp");

	private final ExecutorService connectionExecutor = Executors.newCachedThreadPool(this.threadFactory);

	private final Set<Socket> openConnections = ConcurrentHashMap.newKeySet();

	private final AtomicInteger connections = new AtomicInteger();

	private volatile TcpMode mode;

	private volatile String redisReply = DEFAULT_REDIS_REPLY;

	private TestTcpBackend(InetAddress host, int port, TcpMode mode) {
		super(logger, "TCP", host, port);
		this.mode = mode;
	}

	/**
	 * Creates a backend and starts it.
	 * @param host a loopback address literal such as {@code 127.0.0.2} or {@code ::1}
	 * @param port the port, 0 for a random one
	 * @param mode how connections are treated
	 * @return the running backend
	 * @throws UncheckedIOException if the port could not be bound
	 */
	public static TestTcpBackend start(String host, int port, TcpMode mode) {
		Objects.requireNonNull(mode, "mode");
		return startOrClose(new TestTcpBackend(Loopback.requireLoopback(host), Loopback.requirePort(port), mode));
	}

	/**
	 * Sets how connections accepted from now on are treated.
	 * @param mode the mode
	 * @return this backend
	 */
	public TestTcpBackend mode(TcpMode mode) {
		this.mode = Objects.requireNonNull(mode, "mode");
		return this;
	}

	/**
	 * Returns how accepted connections are treated.
	 * @return the mode
	 */
	public TcpMode mode() {
		return this.mode;
	}

	/**
	 * Sets the reply to a Redis {@code PING} in {@link TcpMode#REDIS} mode, sent as given;
	 * default {@value #DEFAULT_REDIS_REPLY}, for example {@code "-LOADING\r\n"} for a Redis
	 * that is not ready.
	 * @param reply the raw reply, including its {@code \r\n}
	 * @return this backend
	 */
	public TestTcpBackend redisReply(String reply) {
		this.redisReply = Objects.requireNonNull(reply, "reply");
		return this;
	}

	/**
	 * Returns the number of connections accepted since start.
	 * @return the connection count
	 */
	public int connections() {
		return this.connections.get();
	}

	/**
	 * Returns the number of accepted connections still open.
	 * @return the open connection count
	 */
	public int openConnections() {
		return this.openConnections.size();
	}

	@Override
	Listening open() throws IOException {
		ServerSocket bound = bind(() -> {
			ServerSocket socket = new ServerSocket();
			try {
				socket.setReuseAddress(true);
				socket.bind(address(), 50);
				return socket;
			}
			catch (IOException ex) {
				socket.close();
				throw ex;
			}
		});
		bound(bound.getLocalPort());
		Thread acceptor = this.threadFactory.newThread(() -> accept(bound));
		acceptor.start();
		return new Listening(bound, acceptor);
	}

	@Override
	String startDetail() {
		return " (" + this.mode + ")";
	}

	@Override
	void shut(Listening listening) {
		closeQuietly(listening.socket());
		for (Socket connection : this.openConnections) {
			closeQuietly(connection);
		}
		try {
			listening.acceptor().join(JOIN_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	void closeThreads() {
		this.connectionExecutor.shutdownNow();
	}

	@Override
	public String toString() {
		return "TestTcpBackend[" + hostAndPort() + ", mode=" + this.mode + "]";
	}

	private void accept(ServerSocket socket) {
		while (!socket.isClosed()) {
			try {
				Socket connection = socket.accept();
				this.connections.incrementAndGet();
				TcpMode accepted = this.mode;
				logger.debug("TCP backend {} accepted a connection ({})", hostAndPort(), accepted);
				if (accepted == TcpMode.ACCEPT_AND_CLOSE) {
					closeQuietly(connection);
					continue;
				}
				this.openConnections.add(connection);
				if (socket.isClosed()) {
					closeQuietly(connection);
					this.openConnections.remove(connection);
					return;
				}
				this.connectionExecutor.execute(() -> serve(connection, accepted));
			}
			catch (IOException ex) {
				if (!socket.isClosed()) {
					logger.debug("TCP backend {} accept error: {}", hostAndPort(), ex.toString());
				}
			}
			catch (RuntimeException ex) {
				// the executor is shut down: the backend is closing
				logger.debug("TCP backend {} cannot serve a connection: {}", hostAndPort(), ex.toString());
			}
		}
	}

	private void serve(Socket connection, TcpMode accepted) {
		try (connection) {
			if (accepted == TcpMode.REDIS) {
				serveRedis(connection);
			}
			else {
				InputStream in = connection.getInputStream();
				in.transferTo(OutputStream.nullOutputStream());
			}
		}
		catch (IOException ex) {
			logger.debug("TCP backend {} connection ended: {}", hostAndPort(), ex.toString());
		}
		finally {
			this.openConnections.remove(connection);
		}
	}

	private void serveRedis(Socket connection) throws IOException {
		BufferedReader in = new BufferedReader(
				new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8));
		OutputStream out = connection.getOutputStream();
		String line;
		while ((line = in.readLine()) != null) {
			String command = line.startsWith("*") ? readRespCommand(line, in) : firstWord(line);
			if (command == null) {
				return;
			}
			if (command.isEmpty()) {
				continue;
			}
			String reply = "PING".equals(command.toUpperCase(Locale.ROOT)) ? this.redisReply
					: "-ERR unknown command '" + command + "'\r\n";
			out.write(reply.getBytes(StandardCharsets.UTF_8));
			out.flush();
		}
	}

	private static @Nullable String readRespCommand(String header, BufferedReader in) throws IOException {
		int count;
		try {
			count = Integer.parseInt(header.substring(1).trim());
		}
		catch (NumberFormatException ex) {
			return "";
		}
		String command = "";
		for (int i = 0; i < count; i++) {
			String length = in.readLine();
			String value = (length != null) ? in.readLine() : null;
			if (value == null) {
				return null;
			}
			if (i == 0) {
				command = value;
			}
		}
		return command;
	}

	private static String firstWord(String line) {
		String trimmed = line.trim();
		int space = trimmed.indexOf(' ');
		return (space < 0) ? trimmed : trimmed.substring(0, space);
	}

	private void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			logger.debug("TCP backend {} close error: {}", hostAndPort(), ex.toString());
		}
	}

	/**
	 * A listening socket and the thread accepting its connections.
	 */
	record Listening(ServerSocket socket, Thread acceptor) {

	}

}
