package dev.clavier.test;

import java.util.Objects;

/**
 * One SRV record's data for {@link TestDnsServer#srv(String, long, SrvTarget...)}.
 *
 * @param priority the priority (lower is preferred), 0...65535
 * @param weight the weight within a priority, 0...65535
 * @param port the port, 0...65535
 * @param target the target host name, absolute or relative to the root
 */
public record SrvTarget(int priority, int weight, int port, String target) {

	/**
	 * Creates a target, checking its fields.
	 * @param priority the priority (lower is preferred), 0...65535
	 * @param weight the weight within a priority, 0...65535
	 * @param port the port, 0...65535
	 * @param target the target host name
	 */
	public SrvTarget {
		checkU16("priority", priority);
		checkU16("weight", weight);
		checkU16("port", port);
		Objects.requireNonNull(target, "target");
	}

	/**
	 * Creates a target with priority 0 and weight 10.
	 * @param port the port
	 * @param target the target host name
	 * @return the target
	 */
	public static SrvTarget of(int port, String target) {
		return new SrvTarget(0, 10, port, target);
	}

	private static void checkU16(String name, int value) {
		if (value < 0 || value > 65535) {
			throw new IllegalArgumentException(name + ": " + value + " (expected: 0...65535)");
		}
	}

}
