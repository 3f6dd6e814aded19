package dev.clavier.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.slf4j.Logger;

/**
 * Base of the kit's backends: the {@link TestBackend} lifecycle over a {@link LoopbackLifecycle},
 * with the binding, stopping and releasing of a concrete server left to subclasses.
 *
 * <p>
 * Thread-safe.
 *
 * @param <B> the type of the backend, returned by {@link #start()} and {@link #stop()}
 * @param <S> the type of the running server
 */
abstract class LoopbackBackend<B extends LoopbackBackend<B, S>, S> implements TestBackend {

	private final Logger logger;

	private final String name;

	private final LoopbackLifecycle<S> lifecycle;

	/**
	 * Creates a stopped backend.
	 * @param logger the logger of the concrete backend
	 * @param kind what the backend serves, for messages: {@code HTTP}, {@code gRPC}, {@code TCP}
	 * @param host the loopback address
	 * @param port the port, 0 for a random one
	 */
	LoopbackBackend(Logger logger, String kind, InetAddress host, int port) {
		this.logger = logger;
		this.name = kind + " backend";
		this.lifecycle = new LoopbackLifecycle<>(host, port, this.name + " %s is closed");
	}

	/**
	 * Starts a new backend, closing it if it cannot start.
	 * @param <B> the type of the backend
	 * @param <S> the type of its server
	 * @param backend the backend, not yet started
	 * @return the running backend
	 */
	static <B extends LoopbackBackend<B, S>, S> B startOrClose(B backend) {
		try {
			return backend.start();
		}
		catch (RuntimeException ex) {
			backend.close();
			throw ex;
		}
	}

	@Override
	public String host() {
		return this.lifecycle.host();
	}

	@Override
	public int port() {
		return this.lifecycle.port();
	}

	@Override
	public InetSocketAddress address() {
		return this.lifecycle.address();
	}

	@Override
	public String hostAndPort() {
		return this.lifecycle.hostAndPort();
	}

	@Override
	public boolean isRunning() {
		return this.lifecycle.isRunning();
	}

	@Override
	public B start() {
		boolean started;
		try {
			started = this.lifecycle.start(this::open);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot bind " + this.name + " on " + hostAndPort(), ex);
		}
		if (started) {
			this.logger.info("Started {} on {}{}", this.name, hostAndPort(), startDetail());
		}
		return self();
	}

	@Override
	public B stop() {
		S stopped = this.lifecycle.stop();
		if (stopped != null) {
			shut(stopped);
			this.logger.info("Stopped {} on {}", this.name, hostAndPort());
		}
		return self();
	}

	@Override
	public void close() {
		this.lifecycle.close();
		stop();
		closeThreads();
	}

	/**
	 * Returns the result of a bind on this backend's port, retried for a few seconds while the
	 * port is still held; a random port is tried once.
	 * @param <T> the type of what the bind returns
	 * @param bind the bind
	 * @return what the successful bind returned
	 * @throws IOException the failure of the last attempt
	 */
	final <T> T bind(Loopback.Bind<T> bind) throws IOException {
		return this.lifecycle.bind(bind);
	}

	/**
	 * Records the port a bind obtained; {@link #open()} calls it before it serves.
	 * @param port the bound port
	 */
	final void bound(int port) {
		this.lifecycle.bound(port);
	}

	/**
	 * Binds and starts the server on {@link #address()}, under the lifecycle lock, binding
	 * through {@link #bind(Loopback.Bind)} and reporting the port to {@link #bound(int)}.
	 * @return the running server
	 * @throws IOException if the port could not be bound
	 */
	abstract S open() throws IOException;

	/**
	 * Stops a server that {@link #open()} started, outside the lifecycle lock.
	 * @param server the server
	 */
	abstract void shut(S server);

	/**
	 * Releases the backend's threads once it is closed and stopped.
	 */
	abstract void closeThreads();

	/**
	 * Returns what the start log line adds after the address, empty by default.
	 * @return the detail, starting with a space unless empty
	 */
	String startDetail() {
		return "";
	}

	@SuppressWarnings("unchecked")
	private B self() {
		return (B) this;
	}

}
