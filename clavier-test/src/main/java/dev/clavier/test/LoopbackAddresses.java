package dev.clavier.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Objects;

/**
 * Checks which loopback addresses the machine can bind, so that tests needing 127.0.0.2 and up
 * or {@code ::1} can skip with a reason where they are missing (macOS has only 127.0.0.1 unless
 * aliases are added):
 *
 * <pre class="code">
 * assumeTrue(LoopbackAddresses.isBindable("127.0.0.2"), "127.0.0.2 is not bindable on this machine");
 * </pre>
 *
 * Stateless and thread-safe.
 */
public final class LoopbackAddresses {

	private LoopbackAddresses() {
	}

	/**
	 * Returns whether a server socket can be bound on an ephemeral port of the given loopback
	 * address. Addresses that are not loopback addresses are never tried and give {@code false}.
	 * @param address an address literal such as {@code 127.0.0.2} or {@code ::1}; names are not
	 * looked up and give {@code false}
	 * @return whether the address is bindable
	 */
	public static boolean isBindable(String address) {
		Objects.requireNonNull(address, "address");
		InetAddress inetAddress = Loopback.parseLiteral(address);
		if (inetAddress == null || !inetAddress.isLoopbackAddress()) {
			return false;
		}
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(inetAddress, 0), 1);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Returns whether the IPv6 loopback address {@code ::1} is bindable.
	 * @return whether IPv6 loopback is available
	 */
	public static boolean ipv6Available() {
		return isBindable("::1");
	}

}
