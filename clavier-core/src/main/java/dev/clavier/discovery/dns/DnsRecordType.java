package dev.clavier.discovery.dns;

/**
 * The records a {@link DnsDiscovery} asks for. Immutable and thread-safe.
 */
public enum DnsRecordType {

	/**
	 * IPv4 addresses (A records), each an endpoint on the configured port.
	 */
	A,

	/**
	 * IPv6 addresses (AAAA records), each an endpoint on the configured port.
	 */
	AAAA,

	/**
	 * Both A and AAAA records, asked at once and merged, IPv4 addresses first.
	 */
	A_AAAA,

	/**
	 * SRV records: the lowest priority group with a target that resolves, each target's A and
	 * AAAA addresses an endpoint on the record's port, with the record's weight.
	 */
	SRV

}
