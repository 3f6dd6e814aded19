package dev.clavier.test;

/**
 * A JUnit 5 extension running a {@link TestGrpcBackend}: per test class on a static field, per
 * test on an instance field.
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static final TestGrpcBackendExtension grpc = new TestGrpcBackendExtension("127.0.0.2", 0);
 * </pre>
 *
 * Thread-safe.
 */
public final class TestGrpcBackendExtension extends ServerExtension<TestGrpcBackend> {

	/**
	 * Creates an extension for a backend with the health service on a random port of 127.0.0.1.
	 */
	public TestGrpcBackendExtension() {
		this("127.0.0.1", 0, true);
	}

	/**
	 * Creates an extension for a backend with the health service on the given loopback host and
	 * port.
	 * @param host a loopback address literal such as {@code 127.0.0.2}
	 * @param port the port, 0 for a random one
	 */
	public TestGrpcBackendExtension(String host, int port) {
		this(host, port, true);
	}

	/**
	 * Creates an extension for a backend on the given loopback host and port.
	 * @param host a loopback address literal such as {@code 127.0.0.2}
	 * @param port the port, 0 for a random one
	 * @param healthService whether the backend has the health service
	 */
	public TestGrpcBackendExtension(String host, int port, boolean healthService) {
		super(() -> TestGrpcBackend.builder().host(host).port(port).healthService(healthService).start());
		Loopback.requireLoopback(host);
		Loopback.requirePort(port);
	}

	/**
	 * Returns the running backend.
	 * @return the backend
	 */
	public TestGrpcBackend backend() {
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
