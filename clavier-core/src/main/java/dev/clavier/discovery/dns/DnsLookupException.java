package dev.clavier.discovery.dns;

import org.jspecify.annotations.Nullable;

/**
 * Reports a DNS lookup that got no usable answer: a server failure ({@code SERVFAIL}), a
 * refusal, a time-out, an unreadable answer. The message names the name, the record type, the
 * servers and the reason, for example
 * {@code dns lookup of backend.svc.test. A via 127.0.0.1:5353 failed: SERVFAIL}. An answer that
 * the name or the record does not exist ({@code NXDOMAIN}, {@code NODATA}) is not a failure.
 * Immutable and thread-safe.
 */
public final class DnsLookupException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String queryName;

	private final String recordType;

	private final String servers;

	private final String reason;

	DnsLookupException(String queryName, String recordType, String servers, String reason,
			@Nullable Throwable cause) {
		super("dns lookup of " + queryName + " " + recordType + " via " + servers + " failed: " + reason, cause);
		this.queryName = queryName;
		this.recordType = recordType;
		this.servers = servers;
		this.reason = reason;
	}

	/**
	 * Returns the name that was looked up, for example {@code backend.svc.test.}.
	 * @return the name
	 */
	public String queryName() {
		return this.queryName;
	}

	/**
	 * Returns the record type that was asked for, for example {@code A} or {@code SRV}.
	 * @return the record type
	 */
	public String recordType() {
		return this.recordType;
	}

	/**
	 * Returns the servers that were asked, for example {@code 127.0.0.1:5353} or
	 * {@code system resolver}.
	 * @return the servers
	 */
	public String servers() {
		return this.servers;
	}

	/**
	 * Returns why the lookup failed, for example {@code SERVFAIL} or
	 * {@code timed out, no answer within 2s}.
	 * @return the reason
	 */
	public String reason() {
		return this.reason;
	}

}
