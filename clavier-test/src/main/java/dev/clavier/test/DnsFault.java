package dev.clavier.test;

/**
 * A fault that a {@link TestDnsServer} injects into its answers, globally or per name.
 */
public enum DnsFault {

	/**
	 * No fault: answer normally.
	 */
	NONE,

	/**
	 * Drop the query without an answer, so that the client times out.
	 */
	NO_ANSWER,

	/**
	 * Answer {@code SERVFAIL}.
	 */
	SERVFAIL,

	/**
	 * Answer {@code NXDOMAIN}, whatever the zone holds.
	 */
	NXDOMAIN,

	/**
	 * Answer {@code REFUSED}.
	 */
	REFUSED,

	/**
	 * Over UDP answer with the TC bit set and an empty answer section; over TCP answer in full,
	 * so that clients must fall back to TCP.
	 */
	TRUNCATED,

	/**
	 * Answer with random bytes that echo the query id but cannot be parsed as a DNS message.
	 */
	GARBAGE

}
