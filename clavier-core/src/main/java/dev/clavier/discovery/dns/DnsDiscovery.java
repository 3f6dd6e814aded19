package dev.clavier.discovery.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import dev.clavier.discovery.Discovery;
import dev.clavier.discovery.DiscoveryContext;
import dev.clavier.discovery.DiscoverySession;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.model.Failures;
import dev.clavier.model.InvalidOptionException;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.Address;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The {@code dns} discovery model: the endpoints are the addresses a DNS name resolves to.
 * <pre>{@code
 * Discovery dns = DnsDiscovery.builder()
 *         .name("backend.svc.cluster.local")
 *         .port(8080)
 *         .recordType(DnsRecordType.A_AAAA)
 *         .build();
 * }</pre>
 * <p>
 * Each {@link DiscoverySession#discover()} makes one lookup, asynchronously, through dnsjava's
 * {@code LookupSession} on the engine's event loop (never dnsjava's global selector thread), and
 * asks to be called again after the smallest TTL of the answer, clamped to
 * {@code [minTtl, maxTtl]} (the TTLs of the CNAME records on the way are not seen: dnsjava's
 * lookup result leaves them out; hosts-file answers have TTL 0). The engine owns the loop: it
 * retries failures with back-off and keeps the last good set.
 * <ul>
 * <li>{@link DnsRecordType#A A}, {@link DnsRecordType#AAAA AAAA}, {@link DnsRecordType#A_AAAA
 * A_AAAA}: each address is an endpoint on {@link Builder#port(int) port}; with A_AAAA both
 * lookups must succeed (a failure of either fails the attempt, so that a half answer never
 * shrinks the set).</li>
 * <li>{@link DnsRecordType#SRV SRV}: the lowest priority group in which at least one target
 * resolves; each target is resolved to its A and AAAA addresses, each address an endpoint on
 * the record's port with the record's weight and the attributes {@code srv.priority} and
 * {@code srv.target}. Targets that do not resolve are skipped; if none resolves in any group
 * the answer is empty with the note {@code SRV targets did not resolve}, or the attempt fails
 * if a target lookup failed.</li>
 * </ul>
 * CNAME chains are followed (at most {@value #MAX_CNAME_CHAIN} deep); records that do not answer
 * the question (another owner name or type) are ignored. Endpoints are de-duplicated by address,
 * ordered IPv4 first, then by address and port, and capped at {@value #MAX_ENDPOINTS}.
 * <p>
 * {@code NXDOMAIN} and {@code NODATA} are answers, not failures: the result is empty with that
 * note, asking again after {@code minTtl} (dnsjava's lookup API does not expose the negative
 * TTL, and the engine keeps a non-empty set on an empty answer, so asking soon only shortens
 * the time until a name that appears is seen). Server failures, refusals, time-outs and
 * unreadable answers complete the attempt exceptionally with a {@link DnsLookupException}.
 * <p>
 * Resolver: the {@link Builder#servers(List) servers} given, each asked in turn, or, with none,
 * the system's: the servers, search domains and {@code ndots} of {@code /etc/resolv.conf} (or
 * the platform's equivalent) and the hosts file, so that {@code localhost} resolves. Answers are
 * never cached between attempts: each attempt asks the servers.
 * <p>
 * Immutable and thread-safe; one instance may serve many listeners.
 */
public final class DnsDiscovery implements Discovery {

	/** Default shortest delay between two lookups: 1 second. */
	public static final Duration DEFAULT_MIN_TTL = Duration.ofSeconds(1);

	/** Default longest delay between two lookups: 60 seconds. */
	public static final Duration DEFAULT_MAX_TTL = Duration.ofSeconds(60);

	/** Default time one server has to answer one query: 2 seconds. */
	public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(2);

	/** The port of a server given without one: 53. */
	public static final int DEFAULT_SERVER_PORT = 53;

	/** The most endpoints one answer gives; more are dropped with a warning. */
	public static final int MAX_ENDPOINTS = 10_000;

	/** The most CNAME (or DNAME) records followed for one name. */
	public static final int MAX_CNAME_CHAIN = 8;

	private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?");

	private final @Nullable String name;

	private final int port;

	private final DnsRecordType recordType;

	private final List<String> servers;

	private final List<InetSocketAddress> serverAddresses;

	private final Duration minTtl;

	private final Duration maxTtl;

	private final Duration queryTimeout;

	private DnsDiscovery(Builder builder) {
		this.name = builder.name;
		this.port = builder.port;
		this.recordType = builder.recordType;
		this.servers = List.copyOf(builder.servers);
		this.serverAddresses = List.copyOf(builder.serverAddresses);
		this.minTtl = builder.minTtl;
		this.maxTtl = builder.maxTtl;
		this.queryTimeout = builder.queryTimeout;
	}

	/**
	 * Returns a builder with the defaults: the listener's name, record type A, the system
	 * resolver, TTLs clamped to [1s, 60s], a 2 second query time-out. A port is required for
	 * A, AAAA and A_AAAA.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns the name to resolve.
	 * @return the name, or {@code null} for the listener's name
	 */
	public @Nullable String name() {
		return this.name;
	}

	/**
	 * Returns the port of the endpoints of A and AAAA answers.
	 * @return the port, or 0 for SRV (whose records carry the port)
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Returns the records asked for.
	 * @return the record type
	 */
	public DnsRecordType recordType() {
		return this.recordType;
	}

	/**
	 * Returns the DNS servers asked, as {@code ip:port} ({@code [ipv6]:port}).
	 * @return the servers; empty for the system resolver
	 */
	public List<String> servers() {
		return this.servers;
	}

	/**
	 * Returns the shortest delay between two lookups.
	 * @return the minimum TTL
	 */
	public Duration minTtl() {
		return this.minTtl;
	}

	/**
	 * Returns the longest delay between two lookups.
	 * @return the maximum TTL
	 */
	public Duration maxTtl() {
		return this.maxTtl;
	}

	/**
	 * Returns how long one server has to answer one query.
	 * @return the query time-out
	 */
	public Duration queryTimeout() {
		return this.queryTimeout;
	}

	@Override
	public String model() {
		return "dns";
	}

	/**
	 * Opens a session for one listener, resolving the listener's name unless a name was set.
	 * @param context the listener's context, made by a Clavier engine
	 * @return the session
	 * @throws InvalidOptionException (option {@code name}) if the name, or the listener's name
	 * used as default, is not a DNS name
	 */
	@Override
	public DiscoverySession open(DiscoveryContext context) {
		Objects.requireNonNull(context, "context");
		String text = this.name;
		if (text == null) {
			text = context.listenerName();
			if (!isDnsName(text)) {
				throw InvalidOptionException.quoted("name", text, "a DNS name such as backend.svc.cluster.local; "
						+ "the listener's name is used when no name is set, so set one", null);
			}
		}
		return DnsDiscoverySession.open(this, toName(text, !this.serverAddresses.isEmpty()), context);
	}

	List<InetSocketAddress> serverAddresses() {
		return this.serverAddresses;
	}

	@Override
	public String toString() {
		return "DnsDiscovery[name=" + ((this.name != null) ? this.name : "<listener name>") + ", recordType="
				+ this.recordType + ((this.port != 0) ? ", port=" + this.port : "") + ", servers="
				+ (this.servers.isEmpty() ? "system" : this.servers) + ", minTtl=" + this.minTtl + ", maxTtl="
				+ this.maxTtl + ", queryTimeout=" + this.queryTimeout + "]";
	}

	/**
	 * Returns whether a text is a DNS name: labels of letters, digits, hyphens and underscores
	 * (not starting or ending with a hyphen), at most 63 characters each, at most 253 in all,
	 * optionally ending with a dot.
	 */
	static boolean isDnsName(String text) {
		String name = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
		if (name.isEmpty() || name.length() > 253) {
			return false;
		}
		for (String label : name.split("\\.", -1)) {
			if (label.length() > 63 || !LABEL.matcher(label).matches()) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Returns the name to look up: absolute with explicit servers (no search domains apply),
	 * otherwise relative unless it ends with a dot, so that the system's search domains apply.
	 */
	private static Name toName(String text, boolean absolute) {
		try {
			return absolute ? Name.fromString(text, Name.root) : Name.fromString(text);
		}
		catch (TextParseException ex) {
			throw InvalidOptionException.quoted("name", text, "a DNS name; " + Failures.describe(ex), ex);
		}
	}

	private static Duration checkPositive(String option, Duration value) {
		Objects.requireNonNull(value, option);
		if (value.isNegative() || value.isZero()) {
			throw new InvalidOptionException(option, value, "> 0");
		}
		return value;
	}

	/**
	 * Builds a {@link DnsDiscovery}. Each setter checks its argument at once; {@link #build()}
	 * checks the rules between properties. Not thread-safe.
	 * <pre>{@code
	 * DnsDiscovery srv = DnsDiscovery.builder()
	 *         .name("_http._tcp.backend.svc.cluster.local")
	 *         .recordType(DnsRecordType.SRV)
	 *         .servers(List.of("10.0.0.53", "[fd00::53]:5353"))
	 *         .maxTtl(Duration.ofSeconds(30))
	 *         .build();
	 * }</pre>
	 */
	public static final class Builder {

		private @Nullable String name;

		private int port;

		private DnsRecordType recordType = DnsRecordType.A;

		private List<String> servers = List.of();

		private List<InetSocketAddress> serverAddresses = List.of();

		private Duration minTtl = DEFAULT_MIN_TTL;

		private Duration maxTtl = DEFAULT_MAX_TTL;

		private Duration queryTimeout = DEFAULT_QUERY_TIMEOUT;

		Builder() {
		}

		/**
		 * Sets the name to resolve, for example {@code backend.svc.cluster.local} or, for SRV,
		 * {@code _http._tcp.backend.svc.cluster.local}. With the system resolver a name without
		 * a final dot goes through the system's search domains. Default: the listener's name.
		 * @param name the DNS name
		 * @return this builder
		 * @throws InvalidOptionException if it is not a DNS name
		 */
		public Builder name(String name) {
			Objects.requireNonNull(name, "name");
			if (!isDnsName(name)) {
				throw InvalidOptionException.quoted("name", name, "a DNS name such as backend.svc.cluster.local", null);
			}
			this.name = name;
			return this;
		}

		/**
		 * Sets the port of the endpoints that A and AAAA answers give. Required for
		 * {@link DnsRecordType#A A}, {@link DnsRecordType#AAAA AAAA} and
		 * {@link DnsRecordType#A_AAAA A_AAAA}; not allowed for {@link DnsRecordType#SRV SRV},
		 * whose records carry the port. No default.
		 * @param port the port, 1 to 65535
		 * @return this builder
		 * @throws InvalidOptionException if the port is out of range
		 */
		public Builder port(int port) {
			if (port < 1 || port > 65535) {
				throw new InvalidOptionException("port", port, "1...65535");
			}
			this.port = port;
			return this;
		}

		/**
		 * Sets the records to ask for. Default: {@link DnsRecordType#A A}.
		 * @param recordType the record type
		 * @return this builder
		 */
		public Builder recordType(DnsRecordType recordType) {
			this.recordType = Objects.requireNonNull(recordType, "recordType");
			return this;
		}

		/**
		 * Sets the DNS servers to ask, each an IP address with an optional port:
		 * {@code 10.0.0.53}, {@code 127.0.0.1:5353}, {@code [::1]:5353} (port 53 when absent).
		 * They are asked in turn until one answers. Default: none, meaning the system resolver
		 * ({@code /etc/resolv.conf} with its search domains and {@code ndots}, and the hosts file).
		 * @param servers the servers, possibly empty
		 * @return this builder
		 * @throws InvalidOptionException (option {@code servers}) naming the first entry that is not
		 * an IP address and port
		 */
		public Builder servers(List<String> servers) {
			Objects.requireNonNull(servers, "servers");
			List<String> texts = new ArrayList<>(servers.size());
			List<InetSocketAddress> addresses = new ArrayList<>(servers.size());
			for (int i = 0; i < servers.size(); i++) {
				String text = Objects.requireNonNull(servers.get(i), "servers[" + i + "]");
				InetSocketAddress address = parseServer(i, text);
				addresses.add(address);
				texts.add(EventLoopDnsTransport.address(address));
			}
			this.servers = List.copyOf(texts);
			this.serverAddresses = List.copyOf(addresses);
			return this;
		}

		/**
		 * Sets the DNS servers to ask; see {@link #servers(List)}.
		 * @param servers the servers
		 * @return this builder
		 * @throws InvalidOptionException naming the first entry that is not an IP address and port
		 */
		public Builder servers(String... servers) {
			return servers(List.of(servers));
		}

		/**
		 * Sets the shortest delay between two lookups, used when the answer's TTL is shorter
		 * (TTL 0 included) and after {@code NXDOMAIN} or {@code NODATA}. Default: 1 second.
		 * @param minTtl the minimum TTL, more than zero
		 * @return this builder
		 * @throws InvalidOptionException if not positive
		 */
		public Builder minTtl(Duration minTtl) {
			this.minTtl = checkPositive("minTtl", minTtl);
			return this;
		}

		/**
		 * Sets the longest delay between two lookups, used when the answer's TTL is longer.
		 * Default: 60 seconds.
		 * @param maxTtl the maximum TTL, more than zero and not below {@code minTtl}
		 * @return this builder
		 * @throws InvalidOptionException if not positive
		 */
		public Builder maxTtl(Duration maxTtl) {
			this.maxTtl = checkPositive("maxTtl", maxTtl);
			return this;
		}

		/**
		 * Sets how long one server has to answer one query. With several servers each is asked
		 * in turn, so one lookup takes at most this times the number of servers; SRV lookups
		 * and CNAME chains make a few lookups one after another. Default: 2 seconds.
		 * @param queryTimeout the time-out, more than zero
		 * @return this builder
		 * @throws InvalidOptionException if not positive
		 */
		public Builder queryTimeout(Duration queryTimeout) {
			this.queryTimeout = checkPositive("queryTimeout", queryTimeout);
			return this;
		}

		/**
		 * Creates the discovery, checking that a port is set exactly when the record type needs
		 * one and that {@code minTtl <= maxTtl}.
		 * @return the discovery
		 * @throws InvalidOptionException naming the option that breaks a rule
		 */
		public DnsDiscovery build() {
			if (this.recordType == DnsRecordType.SRV) {
				if (this.port != 0) {
					throw new InvalidOptionException("port", this.port,
							"not set for record type SRV, whose records carry the port");
				}
			}
			else if (this.port == 0) {
				throw new InvalidOptionException("port", null,
						"1...65535, required for record type " + this.recordType);
			}
			if (this.minTtl.compareTo(this.maxTtl) > 0) {
				throw new InvalidOptionException("minTtl", this.minTtl, "<= maxTtl " + this.maxTtl);
			}
			return new DnsDiscovery(this);
		}

		private static InetSocketAddress parseServer(int index, String text) {
			Endpoint endpoint;
			try {
				endpoint = Endpoint.parse(text, DEFAULT_SERVER_PORT);
			}
			catch (IllegalArgumentException ex) {
				throw badServer(index, text, ex);
			}
			byte[] bytes = Address.toByteArray(endpoint.host(), Address.IPv4);
			if (bytes == null) {
				bytes = Address.toByteArray(endpoint.host(), Address.IPv6);
			}
			if (bytes == null) {
				throw badServer(index, text, null);
			}
			try {
				return new InetSocketAddress(InetAddress.getByAddress(bytes), endpoint.port());
			}
			catch (UnknownHostException ex) {
				throw badServer(index, text, ex);
			}
		}

		/**
		 * Returns the failure of one server entry. Its option is {@code servers}, the list the
		 * setter takes; the message names the entry.
		 */
		private static InvalidOptionException badServer(int index, String text, @Nullable Throwable cause) {
			String expected = "an IP address with an optional port, such as 10.0.0.53, 127.0.0.1:5353 or [::1]:5353";
			return InvalidOptionException.withMessage(
					"servers[" + index + "]: '" + text + "' (expected: " + expected + ")", "servers", text, expected,
					cause);
		}

	}

}
