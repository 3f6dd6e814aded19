package dev.clavier.test;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * A backend of the kit listening on a loopback address, which a test stops and starts again on
 * the same host and port: {@link TestHttpBackend}, {@link TestGrpcBackend} and
 * {@link TestTcpBackend}.
 *
 * <pre class="code">
 * try (TestBackend backend = TestHttpBackend.start("127.0.0.2", 0)) {
 *     backend.stop();   // connections refused
 *     backend.start();  // same host and port again
 * }
 * </pre>
 *
 * <p>
 * Implementations are thread-safe.
 */
public interface TestBackend extends AutoCloseable {

	/**
	 * Returns the host the backend listens on.
	 * @return the host address literal
	 */
	String host();

	/**
	 * Returns the port the backend listens on, which stays the same across stop and start.
	 * @return the port
	 */
	int port();

	/**
	 * Returns the address the backend listens on.
	 * @return the socket address
	 */
	InetSocketAddress address();

	/**
	 * Returns {@code host:port}: {@code 127.0.0.2:41234}, or {@code [::1]:41234} for IPv6.
	 * @return the host and port
	 */
	String hostAndPort();

	/**
	 * Returns whether the backend is listening.
	 * @return whether the backend runs
	 */
	boolean isRunning();

	/**
	 * Starts the backend again on the same host and port after {@link #stop()}, retrying for a
	 * few seconds while the port is still held. Does nothing when running.
	 * @return this backend
	 * @throws UncheckedIOException if the port could not be bound
	 * @throws IllegalStateException if the backend is closed
	 */
	TestBackend start();

	/**
	 * Closes the listening socket and open connections; connections are refused afterwards.
	 * Does nothing when stopped.
	 * @return this backend
	 */
	TestBackend stop();

	/**
	 * Stops the backend and its threads; it cannot be started again. Idempotent.
	 */
	@Override
	void close();

}
