package dev.clavier.test;

/**
 * A JUnit 5 extension running a {@link TestDnsServer}: per test class on a static field, per
 * test on an instance field.
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static final TestDnsServerExtension dns = new TestDnsServerExtension();
 *
 * &#64;Test
 * void resolve() {
 *     dns.server().a("backend.svc.test", 1, "127.0.0.2");
 * }
 * </pre>
 *
 * Thread-safe.
 */
public final class TestDnsServerExtension extends ServerExtension<TestDnsServer> {

	/**
	 * Creates an extension for a server on a random port of 127.0.0.1.
	 */
	public TestDnsServerExtension() {
		super(TestDnsServer::start);
	}

	/**
	 * Creates an extension for a server on a random port of the given loopback address.
	 * @param address a loopback address literal such as {@code ::1}
	 */
	public TestDnsServerExtension(String address) {
		super(() -> TestDnsServer.start(address));
		Loopback.requireLoopback(address);
	}

	/**
	 * Returns the running server.
	 * @return the server
	 */
	public TestDnsServer server() {
		return current();
	}

	/**
	 * Returns the server as a resolver address, such as {@code 127.0.0.1:41234}.
	 * @return the host and port
	 */
	public String hostAndPort() {
		return current().hostAndPort();
	}

}
