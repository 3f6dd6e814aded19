package dev.clavier.test;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Address;

/**
 * Loopback address checks, address formatting and bounded bind retries shared by the servers
 * of the kit. Stateless and thread-safe.
 */
final class Loopback {

	private static final Logger logger = LoggerFactory.getLogger(Loopback.class);

	private Loopback() {
	}

	/**
	 * Returns the loopback address that {@code host} names, refusing any other address so that
	 * the kit never listens outside 127.0.0.0/8 and ::1.
	 * @param host an address literal such as {@code 127.0.0.2} or {@code ::1}
	 * @return the address
	 */
	static InetAddress requireLoopback(String host) {
		Objects.requireNonNull(host, "host");
		InetAddress address = parseLiteral(host);
		if (address == null) {
			throw new IllegalArgumentException("host: " + host + " (expected: a loopback address literal)");
		}
		return requireLoopback(address);
	}

	/**
	 * Returns the address an IPv4 or IPv6 literal (optionally in brackets) denotes, without
	 * any name lookup.
	 * @param literal the literal
	 * @return the address, or {@code null} if {@code literal} is not an address literal
	 */
	static @Nullable InetAddress parseLiteral(String literal) {
		String trimmed = literal.trim();
		if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
			trimmed = trimmed.substring(1, trimmed.length() - 1);
		}
		byte[] bytes = Address.toByteArray(trimmed, Address.IPv4);
		if (bytes == null) {
			bytes = Address.toByteArray(trimmed, Address.IPv6);
		}
		if (bytes == null) {
			return null;
		}
		try {
			return InetAddress.getByAddress(bytes);
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

	/**
	 * Returns {@code address} if it is a loopback address.
	 * @param address the address
	 * @return the address
	 */
	static InetAddress requireLoopback(InetAddress address) {
		Objects.requireNonNull(address, "address");
		if (!address.isLoopbackAddress()) {
			throw new IllegalArgumentException("address: " + address.getHostAddress()
					+ " (expected: a loopback address, 127.0.0.0/8 or ::1)");
		}
		return address;
	}

	/**
	 * Returns 127.0.0.1, whatever the JVM's preference for IPv6.
	 * @return the IPv4 loopback address
	 */
	static InetAddress ipv4() {
		try {
			return InetAddress.getByAddress("127.0.0.1", new byte[] { 127, 0, 0, 1 });
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Returns {@code port} if it is 0 (any free port) or a valid port number.
	 * @param port the port
	 * @return the port
	 */
	static int requirePort(int port) {
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("port: " + port + " (expected: 0...65535)");
		}
		return port;
	}

	/**
	 * Returns the address as a literal, IPv6 in its compressed form ({@code ::1}) without scope.
	 * @param address the address
	 * @return the literal
	 */
	static String literal(InetAddress address) {
		if (!(address instanceof Inet6Address)) {
			return address.getHostAddress();
		}
		byte[] bytes = address.getAddress();
		int[] groups = new int[8];
		for (int i = 0; i < 8; i++) {
			groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
		}
		int bestStart = -1;
		int bestLength = 0;
		for (int i = 0; i < 8;) {
			if (groups[i] != 0) {
				i++;
				continue;
			}
			int start = i;
			while (i < 8 && groups[i] == 0) {
				i++;
			}
			if (i - start > bestLength && i - start >= 2) {
				bestStart = start;
				bestLength = i - start;
			}
		}
		StringBuilder literal = new StringBuilder();
		for (int i = 0; i < 8;) {
			if (i == bestStart) {
				literal.append("::");
				i += bestLength;
				continue;
			}
			if (literal.length() > 0 && literal.charAt(literal.length() - 1) != ':') {
				literal.append(':');
			}
			literal.append(Integer.toHexString(groups[i]));
			i++;
		}
		return literal.toString();
	}

	/**
	 * Returns {@code host:port}, with IPv6 addresses in brackets ({@code [::1]:8080}).
	 * @param address the address
	 * @param port the port
	 * @return the host and port
	 */
	static String hostAndPort(InetAddress address, int port) {
		String literal = literal(address);
		return (address instanceof Inet6Address) ? "[" + literal + "]:" + port : literal + ":" + port;
	}

	/**
	 * Returns the result of the first of at most {@code attempts} successful binds, pausing
	 * between attempts (a port just released may still be held for a moment).
	 * @param <T> the type of what the bind returns
	 * @param what what is bound, for logs
	 * @param attempts the maximum number of attempts
	 * @param pause the pause between attempts
	 * @param bind the bind
	 * @return what the successful bind returned
	 * @throws IOException the failure of the last attempt
	 */
	static <T> T bind(String what, int attempts, Duration pause, Bind<T> bind) throws IOException {
		@Nullable IOException last = null;
		for (int attempt = 1; attempt <= attempts; attempt++) {
			try {
				return bind.bind();
			}
			catch (IOException ex) {
				last = ex;
				logger.debug("Binding {} failed (attempt {} of {}): {}", what, attempt, attempts, ex.toString());
				if (attempt < attempts) {
					pause(pause);
				}
			}
		}
		throw Objects.requireNonNull(last);
	}

	private static void pause(Duration pause) throws InterruptedIOException {
		try {
			Thread.sleep(pause.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InterruptedIOException("Interrupted while waiting to bind again");
		}
	}

	/**
	 * One bind attempt.
	 *
	 * @param <T> the type of what the bind returns
	 */
	@FunctionalInterface
	interface Bind<T> {

		/**
		 * Binds once.
		 * @return what was bound
		 * @throws IOException if the bind fails
		 */
		T bind() throws IOException;

	}

}
