package dev.clavier.test;

/**
 * A JUnit 5 extension running a {@link TestHttpBackend}: per test class on a static field, per
 * test on an instance field.
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * final TestHttpBackendExtension backend = new TestHttpBackendExtension("127.0.0.2", 0);
 *
 * &#64;Test
 * void unhealthy() {
 *     backend.backend().healthStatus(503);
 * }
 * </pre>
 *
 * Thread-safe.
 */
public final class TestHttpBackendExtension extends ServerExtension<TestHttpBackend> {

	/**
	 * Creates an extension for a backend on a random port of 127.0.0.1.
	 */
	public TestHttpBackendExtension() {
		this("127.0.0.1", 0);
	}

	/**
	 * Creates an extension for a backend on the given loopback host and port.
	 * @param host a loopback address literal such as {@code 127.0.0.2}
	 * @param port the port, 0 for a random one
	 */
	public TestHttpBackendExtension(String host, int port) {
		super(() -> TestHttpBackend.start(host, port));
		Loopback.requireLoopback(host);
		Loopback.requirePort(port);
	}

	/**
	 * Returns the running backend.
	 * @return the backend
	 */
	public TestHttpBackend backend() {
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
