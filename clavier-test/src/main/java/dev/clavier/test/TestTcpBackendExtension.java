package dev.clavier.test;

import java.util.Objects;

/**
 * A JUnit 5 extension running a {@link TestTcpBackend}: per test class on a static field, per
 * test on an instance field.
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * final TestTcpBackendExtension redis = new TestTcpBackendExtension("127.0.0.1", 0, TcpMode.REDIS);
 * </pre>
 *
 * Thread-safe.
 */
public final class TestTcpBackendExtension extends ServerExtension<TestTcpBackend> {

	/**
	 * Creates an extension for a backend in {@link TcpMode#ACCEPT} mode on a random port of
	 * 127.0.0.1.
	 */
	public TestTcpBackendExtension() {
		this("127.0.0.1", 0, TcpMode.ACCEPT);
	}

	/**
	 * Creates an extension for a backend on the given loopback host and port.
	 * @param host a loopback address literal such as {@code 127.0.0.2}
	 * @param port the port, 0 for a random one
	 * @param mode how connections are treated
	 */
	public TestTcpBackendExtension(String host, int port, TcpMode mode) {
		super(() -> TestTcpBackend.start(host, port, mode));
		Loopback.requireLoopback(host);
		Loopback.requirePort(port);
		Objects.requireNonNull(mode, "mode");
	}

	/**
	 * Returns the running backend.
	 * @return the backend
	 */
	public TestTcpBackend backend() {
		return current();
	}

	/**
	 * Returns the backend's {@code host:port}.
	 * @return the host and port
	 */
	public String hostAndPort() {
		return current().hostAndPort();
	}

}
