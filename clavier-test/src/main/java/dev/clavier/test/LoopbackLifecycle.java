package dev.clavier.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The lifecycle shared by the kit's servers on a loopback address: the running server under a
 * lock, the closed flag, the port kept across stop and start, bounded bind retries on that port,
 * and the address formatting. Owners log and say what starting and stopping do.
 *
 * <p>
 * Thread-safe.
 *
 * @param <S> the type of the running server, for example the listening socket
 */
final class LoopbackLifecycle<S> {

	/**
	 * The maximum number of attempts to bind a given port again.
	 */
	static final int BIND_ATTEMPTS = 50;

	/**
	 * The pause between two attempts to bind a given port.
	 */
	static final Duration BIND_PAUSE = Duration.ofMillis(100);

	private final InetAddress host;

	private final String closedFormat;

	private final Object lock = new Object();

	// guarded by lock
	private @Nullable S server;

	// guarded by lock
	private boolean closed;

	private volatile int port;

	/**
	 * Creates the lifecycle of a stopped server.
	 * @param host the loopback address
	 * @param port the port, 0 for a random one
	 * @param closedFormat the message of the exception thrown when starting a closed server,
	 * with {@code %s} standing for {@code host:port}
	 */
	LoopbackLifecycle(InetAddress host, int port, String closedFormat) {
		this.host = host;
		this.port = port;
		this.closedFormat = closedFormat;
	}

	/**
	 * Returns the address the server listens on.
	 * @return the address
	 */
	InetAddress inetAddress() {
		return this.host;
	}

	/**
	 * Returns the address as a literal, IPv6 without brackets.
	 * @return the host address literal
	 */
	String host() {
		return Loopback.literal(this.host);
	}

	/**
	 * Returns the port, set by the last successful bind.
	 * @return the port, 0 before the first bind of a random port
	 */
	int port() {
		return this.port;
	}

	/**
	 * Returns the address and port.
	 * @return the socket address
	 */
	InetSocketAddress address() {
		return new InetSocketAddress(this.host, this.port);
	}

	/**
	 * Returns {@code host:port}, IPv6 in brackets.
	 * @return the host and port
	 */
	String hostAndPort() {
		return Loopback.hostAndPort(this.host, this.port);
	}

	/**
	 * Records the port a bind obtained; openers call it before they start serving.
	 * @param port the bound port
	 */
	void bound(int port) {
		this.port = port;
	}

	/**
	 * Returns whether a server runs.
	 * @return whether a server runs
	 */
	boolean isRunning() {
		synchronized (this.lock) {
			return this.server != null;
		}
	}

	/**
	 * Opens the server under the lock unless one runs.
	 * @param opener binds and starts the server, calling {@link #bound(int)}
	 * @return whether this call opened it, {@code false} if one already ran
	 * @throws IOException if the opener fails
	 * @throws IllegalStateException if the lifecycle is closed
	 */
	boolean start(Loopback.Bind<S> opener) throws IOException {
		synchronized (this.lock) {
			if (this.closed) {
				throw new IllegalStateException(String.format(this.closedFormat, hostAndPort()));
			}
			if (this.server != null) {
				return false;
			}
			this.server = opener.bind();
			return true;
		}
	}

	/**
	 * Returns the result of a bind on the current port, retried for a few seconds while the
	 * port is still held; a random port (0) is tried once.
	 * @param <T> the type of what the bind returns
	 * @param bind the bind
	 * @return what the successful bind returned
	 * @throws IOException the failure of the last attempt
	 */
	<T> T bind(Loopback.Bind<T> bind) throws IOException {
		return Loopback.bind(hostAndPort(), (this.port != 0) ? BIND_ATTEMPTS : 1, BIND_PAUSE, bind);
	}

	/**
	 * Takes the running server away, for the owner to stop it outside the lock.
	 * @return the server that ran, or {@code null} if none did
	 */
	@Nullable S stop() {
		synchronized (this.lock) {
			S stopped = this.server;
			this.server = null;
			return stopped;
		}
	}

	/**
	 * Marks the lifecycle closed, so that {@link #start(Loopback.Bind)} fails from now on; the owner
	 * then stops the server. Idempotent.
	 */
	void close() {
		synchronized (this.lock) {
			this.closed = true;
		}
	}

}
