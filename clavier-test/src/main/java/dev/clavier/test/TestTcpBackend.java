package dev.clavier.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
public final class TestTcpBackend implements AutoCloseable {

	/**
	 * The default reply to a Redis {@code PING}.
	 */
	public static final String DEFAULT_REDIS_REPLY = "+PONG\r\n";

	private static final Logger logger = LoggerFactory.getLogger(TestTcpBackend.class);

	private static final int BIND_ATTEMPTS = 50;

	private static final Duration BIND_PAUSE = Duration.ofMillis(100);

	private static final long JOIN_MILLIS = 2_000;

	private final InetAddress host;

	private final NamedThreadFactory threadFactory = new NamedThreadFactory("tcp");

	private final ExecutorService connectionExecutor = Executors.newCachedThreadPool(this.threadFactory);

	private final Set<Socket> openConnections = ConcurrentHashMap.newKeySet();

	private final AtomicInteger connections = new AtomicInteger();

	private final Object lifecycleLock = new Object();

	// guarded by lifecycleLock
	private @Nullable ServerSocket serverSocket;

	// guarded by lifecycleLock
	private @Nullable Thread acceptor;

	// guarded by lifecycleLock
	private boolean closed;

	private volatile int port;

	private volatile TcpMode mode;

	private volatile String redisReply = DEFAULT_REDIS_REPLY;

	private TestTcpBackend(InetAddress host, int port, TcpMode mode) {
		this.host = host;
		this.port = port;
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
		TestTcpBackend backend = new TestTcpBackend(Loopback.requireLoopback(host), Loopback.requirePort(port), mode);
		try {
			return backend.start();
		}
		catch (RuntimeException ex) {
			backend.close();
			throw ex;
		}
	}

	/**
	 * Starts the backend again on the same host and port after {@link #stop()}, retrying for a
	 * few seconds while the port is still held. Does nothing when running.
	 * @return this backend
	 * @throws UncheckedIOException if the port could not be bound
	 * @throws IllegalStateException if the backend is closed
	 */
	public TestTcpBackend start() {
		synchronized (this.lifecycleLock) {
			if (this.closed) {
				throw new IllegalStateException("TCP backend " + hostAndPort() + " is closed");
			}
			if (this.serverSocket != null) {
				return this;
			}
			ServerSocket bound;
			try {
				bound = Loopback.bind(hostAndPort(), (this.port != 0) ? BIND_ATTEMPTS : 1, BIND_PAUSE, () -> {
					ServerSocket socket = new ServerSocket();
					try {
						socket.setReuseAddress(true);
						socket.bind(new InetSocketAddress(this.host, this.port), 50);
						return socket;
					}
					catch (IOException ex) {
						socket.close();
						throw ex;
					}
				});
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot bind TCP backend on " + hostAndPort(), ex);
			}
			this.port = bound.getLocalPort();
			this.serverSocket = bound;
			Thread thread = this.threadFactory.newThread(() -> accept(bound));
			this.acceptor = thread;
			thread.start();
		}
		logger.info("Started TCP backend on {} ({})", hostAndPort(), this.mode);
		return this;
	}

	/**
	 * Returns the host the backend listens on.
	 * @return the host address literal
	 */
	public String host() {
		return Loopback.literal(this.host);
	}

	/**
	 * Returns the port the backend listens on, which stays the same across stop and start.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Returns the address the backend listens on.
	 * @return the socket address
	 */
	public InetSocketAddress address() {
		return new InetSocketAddress(this.host, this.port);
	}

	/**
	 * Returns {@code host:port}: {@code 127.0.0.2:41234}, or {@code [::1]:41234} for IPv6.
	 * @return the host and port
	 */
	public String hostAndPort() {
		return Loopback.hostAndPort(this.host, this.port);
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

	/**
	 * Returns whether the backend is listening.
	 * @return whether the backend runs
	 */
	public boolean isRunning() {
		synchronized (this.lifecycleLock) {
			return this.serverSocket != null;
		}
	}

	/**
	 * Closes the listening socket and every open connection; connections are refused
	 * afterwards. Does nothing when stopped.
	 * @return this backend
	 */
	public TestTcpBackend stop() {
		ServerSocket stopped;
		Thread stoppedAcceptor;
		synchronized (this.lifecycleLock) {
			stopped = this.serverSocket;
			stoppedAcceptor = this.acceptor;
			this.serverSocket = null;
			this.acceptor = null;
		}
		if (stopped == null) {
			return this;
		}
		closeQuietly(stopped);
		for (Socket connection : this.openConnections) {
			closeQuietly(connection);
		}
		if (stoppedAcceptor != null) {
			try {
				stoppedAcceptor.join(JOIN_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		logger.info("Stopped TCP backend on {}", hostAndPort());
		return this;
	}

	/**
	 * Stops the backend and its threads; it cannot be started again. Idempotent.
	 */
	@Override
	public void close() {
		synchronized (this.lifecycleLock) {
			this.closed = true;
		}
		stop();
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

}
