package dev.clavier.discovery.dns;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;

import dev.clavier.discovery.DiscoveryContext;
import dev.clavier.discovery.DiscoveryResult;
import dev.clavier.discovery.DiscoverySession;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.model.Durations;
import dev.clavier.model.Failures;
import io.netty.util.NetUtil;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;
import org.xbill.DNS.hosts.HostsFileParser;
import org.xbill.DNS.lookup.InvalidZoneDataException;
import org.xbill.DNS.lookup.LookupFailedException;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;
import org.xbill.DNS.lookup.RedirectLoopException;
import org.xbill.DNS.lookup.RedirectOverflowException;
import org.xbill.DNS.lookup.ServerFailedException;

/**
 * One listener's {@link DnsDiscovery}: a dnsjava {@link LookupSession} without cache whose
 * resolvers send over an {@link EventLoopDnsTransport} on the engine's event loop, and whose
 * callbacks run on the engine's executor. Each {@link #discover()} makes one lookup.
 * Thread-safe; the engine never calls {@link #discover()} twice at once.
 */
final class DnsDiscoverySession implements DiscoverySession {

	private static final Logger logger = LoggerFactory.getLogger(DnsDiscoverySession.class);

	/** EDNS(0) UDP payload size advertised, as recommended by DNS flag day 2020. */
	private static final int EDNS_PAYLOAD_SIZE = 1232;

	/** Attempts per server within one lookup, so that a lost datagram or an ICMP error is retried once. */
	private static final int ATTEMPTS_PER_SERVER = 2;

	private static final String NXDOMAIN = "NXDOMAIN";

	private static final String NODATA = "NODATA";

	private static final Comparator<Candidate> ORDER = Comparator
		.comparingInt((Candidate candidate) -> candidate.address().getAddress().length)
		.thenComparing((candidate) -> candidate.address().getAddress(), Arrays::compareUnsigned)
		.thenComparingInt((candidate) -> candidate.endpoint().port());

	private final String listenerName;

	private final Name name;

	private final DnsRecordType recordType;

	private final int port;

	private final Duration minTtl;

	private final Duration maxTtl;

	private final Duration queryTimeout;

	private final String servers;

	private final String target;

	private final LookupSession lookups;

	private final EventLoopDnsTransport transport;

	private final Executor executor;

	private volatile boolean closed;

	private DnsDiscoverySession(DnsDiscovery discovery, Name name, String listenerName, String servers,
			LookupSession lookups, EventLoopDnsTransport transport, Executor executor) {
		this.listenerName = listenerName;
		this.name = name;
		this.recordType = discovery.recordType();
		this.port = discovery.port();
		this.minTtl = discovery.minTtl();
		this.maxTtl = discovery.maxTtl();
		this.queryTimeout = discovery.queryTimeout();
		this.servers = servers;
		this.target = name + " " + this.recordType + " via " + servers;
		this.lookups = lookups;
		this.transport = transport;
		this.executor = executor;
	}

	static DnsDiscoverySession open(DnsDiscovery discovery, Name name, DiscoveryContext context) {
		EventLoopDnsTransport transport = new EventLoopDnsTransport(context.eventLoop());
		LookupSession.LookupSessionBuilder builder = LookupSession.builder()
			.executor(context.executor())
			.maxRedirects(DnsDiscovery.MAX_CNAME_CHAIN);
		List<InetSocketAddress> addresses = discovery.serverAddresses();
		String servers;
		if (addresses.isEmpty()) {
			// The system's resolver: its servers, search domains and ndots, and the hosts file.
			ResolverConfig config = ResolverConfig.getCurrentConfig();
			addresses = config.servers();
			builder.ndots(config.ndots()).searchPath(config.searchPath()).hostsFileParser(new HostsFileParser());
			servers = "system resolver";
			if (addresses.isEmpty()) {
				transport.close();
				throw new IllegalArgumentException("servers: none given and the system resolver has none "
						+ "(expected: DNS servers in /etc/resolv.conf, or servers set on the dns discovery)");
			}
		}
		else {
			servers = addresses.stream().map(EventLoopDnsTransport::address).collect(Collectors.joining(", "));
		}
		builder.resolver(resolver(addresses, discovery.queryTimeout(), transport));
		return new DnsDiscoverySession(discovery, name, context.listenerName(), servers, builder.build(), transport,
				context.executor());
	}

	private static Resolver resolver(List<InetSocketAddress> addresses, Duration queryTimeout,
			EventLoopDnsTransport transport) {
		List<Resolver> resolvers = new ArrayList<>(addresses.size());
		for (InetSocketAddress address : addresses) {
			SimpleResolver resolver = new SimpleResolver(address);
			resolver.setTimeout(queryTimeout);
			resolver.setEDNS(0, EDNS_PAYLOAD_SIZE, 0, List.of());
			resolver.setIoClientFactory(transport);
			resolvers.add(resolver);
		}
		ExtendedResolver resolver = new ExtendedResolver(resolvers);
		// The deadline after which no server is tried again: one time-out per server.
		resolver.setTimeout(queryTimeout.multipliedBy(addresses.size()));
		resolver.setRetries(ATTEMPTS_PER_SERVER);
		return resolver;
	}

	@Override
	public CompletableFuture<DiscoveryResult> discover() {
		if (this.closed) {
			return CompletableFuture.failedFuture(new IllegalStateException("dns discovery of " + this.target + " is closed"));
		}
		CompletableFuture<DiscoveryResult> lookup = switch (this.recordType) {
			case A -> addresses(List.of(Type.A));
			case AAAA -> addresses(List.of(Type.AAAA));
			case A_AAAA -> addresses(List.of(Type.A, Type.AAAA));
			case SRV -> srv();
		};
		CompletableFuture<DiscoveryResult> result = new CompletableFuture<>();
		lookup.whenComplete((answer, failure) -> {
			// Hand the answer back on the engine's executor, whichever thread finished the lookup.
			try {
				this.executor.execute(() -> complete(result, answer, failure));
			}
			catch (RejectedExecutionException ex) {
				complete(result, answer, failure);
			}
		});
		return result;
	}

	@Override
	public String target() {
		return this.target;
	}

	/**
	 * Fails the queries in flight; the event loop stays, as it belongs to the engine. Idempotent.
	 */
	@Override
	public void close() {
		this.closed = true;
		this.transport.close();
	}

	@Override
	public String toString() {
		return "DnsDiscoverySession[" + this.target + "]";
	}

	private void complete(CompletableFuture<DiscoveryResult> result, @Nullable DiscoveryResult answer,
			@Nullable Throwable failure) {
		if (failure != null) {
			// Not logged here: the engine logs every failed discovery once, with its back-off.
			result.completeExceptionally(unwrap(failure));
		}
		else if (answer != null) {
			if (logger.isDebugEnabled()) {
				Duration refreshAfter = answer.refreshAfter();
				logger.debug("[{}] {}: {} endpoint(s){}, refresh after {}", this.listenerName, this.target,
						answer.endpoints().size(), (answer.note() != null) ? " (" + answer.note() + ")" : "",
						(refreshAfter != null) ? Durations.format(refreshAfter) : "never");
			}
			result.complete(answer);
		}
	}

	private CompletableFuture<DiscoveryResult> addresses(List<Integer> types) {
		List<CompletableFuture<Answer>> lookups = new ArrayList<>(types.size());
		for (int type : types) {
			lookups.add(lookup(this.name, type));
		}
		return all(lookups).thenApply((answers) -> {
			List<Candidate> candidates = new ArrayList<>();
			long ttl = -1;
			boolean nxdomain = true;
			for (Answer answer : answers) {
				nxdomain &= NXDOMAIN.equals(answer.note());
				for (Record record : answer.records()) {
					InetAddress address = address(record);
					if (address != null) {
						candidates.add(new Candidate(address, new Endpoint(host(address), this.port, 1, Map.of())));
						ttl = minTtl(ttl, record.getTTL());
					}
				}
			}
			if (candidates.isEmpty()) {
				return empty(nxdomain ? NXDOMAIN : NODATA);
			}
			return DiscoveryResult.of(endpoints(candidates), DnsTtl.clamp(ttl, this.minTtl, this.maxTtl));
		});
	}

	private CompletableFuture<DiscoveryResult> srv() {
		return lookup(this.name, Type.SRV).thenCompose((answer) -> {
			if (answer.records().isEmpty()) {
				return CompletableFuture.completedFuture(empty((answer.note() != null) ? answer.note() : NODATA));
			}
			long srvTtl = -1;
			TreeMap<Integer, List<SRVRecord>> groups = new TreeMap<>();
			for (Record record : answer.records()) {
				SRVRecord srv = (SRVRecord) record;
				srvTtl = minTtl(srvTtl, srv.getTTL());
				if (srv.getTarget().equals(Name.root)) {
					logger.debug("[{}] {}: skipping {}, whose target '.' means no service there", this.listenerName,
							this.target, srv);
				}
				else if (srv.getPort() == 0) {
					logger.debug("[{}] {}: skipping {}, whose port is 0", this.listenerName, this.target, srv);
				}
				else {
					groups.computeIfAbsent(srv.getPriority(), (priority) -> new ArrayList<>()).add(srv);
				}
			}
			if (groups.isEmpty()) {
				return CompletableFuture.completedFuture(empty("SRV records name no service"));
			}
			return srvGroups(groups.values().iterator(), srvTtl, null);
		});
	}

	/**
	 * Resolves the targets of the next priority group; when none resolves, tries the group after.
	 */
	private CompletableFuture<DiscoveryResult> srvGroups(Iterator<List<SRVRecord>> groups, long srvTtl,
			@Nullable Throwable failure) {
		if (!groups.hasNext()) {
			if (failure != null) {
				return CompletableFuture.failedFuture(failure);
			}
			return CompletableFuture.completedFuture(empty("SRV targets did not resolve"));
		}
		List<SRVRecord> group = groups.next();
		Map<Name, CompletableFuture<TargetAddresses>> targets = new LinkedHashMap<>();
		for (SRVRecord record : group) {
			targets.computeIfAbsent(record.getTarget(), this::resolveTarget);
		}
		return all(new ArrayList<>(targets.values())).thenCompose((resolved) -> {
			List<Candidate> candidates = new ArrayList<>();
			long ttl = srvTtl;
			Throwable firstFailure = failure;
			for (SRVRecord record : group) {
				TargetAddresses addresses = targets.get(record.getTarget()).join();
				if (addresses.addresses().isEmpty()) {
					if (addresses.failure() != null && firstFailure == null) {
						firstFailure = addresses.failure();
					}
					logger.debug("[{}] {}: skipping SRV target {} (priority {}), which did not resolve: {}",
							this.listenerName, this.target, record.getTarget(), record.getPriority(),
							(addresses.failure() != null) ? Failures.describe(addresses.failure()) : addresses.note());
					continue;
				}
				ttl = minTtl(ttl, addresses.ttl());
				Map<String, String> attributes = Map.of("srv.priority", Integer.toString(record.getPriority()),
						"srv.target", record.getTarget().toString());
				for (InetAddress address : addresses.addresses()) {
					candidates.add(new Candidate(address,
							new Endpoint(host(address), record.getPort(), record.getWeight(), attributes)));
				}
			}
			if (candidates.isEmpty()) {
				return srvGroups(groups, srvTtl, firstFailure);
			}
			return CompletableFuture
				.completedFuture(DiscoveryResult.of(endpoints(candidates), DnsTtl.clamp(ttl, this.minTtl, this.maxTtl)));
		});
	}

	/**
	 * Resolves an SRV target to its A then AAAA addresses; never fails, a failure is kept in the result.
	 */
	private CompletableFuture<TargetAddresses> resolveTarget(Name target) {
		CompletableFuture<Answer> a = lookup(target, Type.A);
		CompletableFuture<Answer> aaaa = lookup(target, Type.AAAA);
		return CompletableFuture.allOf(a, aaaa).handle((ignored, ignoredFailure) -> {
			List<InetAddress> addresses = new ArrayList<>();
			long ttl = -1;
			Throwable failure = null;
			String note = null;
			for (CompletableFuture<Answer> lookup : List.of(a, aaaa)) {
				if (lookup.isCompletedExceptionally()) {
					failure = (failure != null) ? failure : unwrap(lookup.handle((answer, ex) -> ex).join());
					continue;
				}
				Answer answer = lookup.join();
				note = (note != null) ? note : answer.note();
				for (Record record : answer.records()) {
					InetAddress address = address(record);
					if (address != null) {
						addresses.add(address);
						ttl = minTtl(ttl, record.getTTL());
					}
				}
			}
			return new TargetAddresses(addresses, ttl, failure, (note != null) ? note : NODATA);
		});
	}

	/**
	 * Looks a name up; NXDOMAIN and NODATA are answers without records, other failures are
	 * {@link DnsLookupException}s.
	 */
	private CompletableFuture<Answer> lookup(Name name, int type) {
		CompletableFuture<Answer> result = new CompletableFuture<>();
		CompletionStage<LookupResult> stage;
		try {
			stage = this.lookups.lookupAsync(name, type, DClass.IN);
		}
		catch (RuntimeException ex) {
			stage = CompletableFuture.failedFuture(ex);
		}
		stage.whenComplete((lookup, failure) -> {
			if (failure == null) {
				List<Record> records = new ArrayList<>();
				for (Record record : lookup.getRecords()) {
					// Records of another type or class do not answer the question.
					if (record.getType() == type && record.getDClass() == DClass.IN) {
						records.add(record);
					}
				}
				result.complete(new Answer(records, records.isEmpty() ? NODATA : null));
				return;
			}
			Throwable cause = unwrap(failure);
			if (cause instanceof NoSuchDomainException) {
				result.complete(new Answer(List.of(), NXDOMAIN));
			}
			else if (cause instanceof NoSuchRRSetException) {
				result.complete(new Answer(List.of(), NODATA));
			}
			else {
				result.completeExceptionally(new DnsLookupException(name.toString(), Type.string(type), this.servers,
						reason(cause), cause));
			}
		});
		return result;
	}

	private DiscoveryResult empty(String note) {
		return DiscoveryResult.empty(DnsTtl.clamp(-1, this.minTtl, this.maxTtl), note);
	}

	private List<Endpoint> endpoints(List<Candidate> candidates) {
		candidates.sort(ORDER);
		Map<String, Endpoint> unique = new LinkedHashMap<>();
		for (Candidate candidate : candidates) {
			unique.putIfAbsent(candidate.endpoint().address(), candidate.endpoint());
		}
		List<Endpoint> endpoints = new ArrayList<>(unique.values());
		if (endpoints.size() > DnsDiscovery.MAX_ENDPOINTS) {
			logger.warn("[{}] {} gave {} endpoints, keeping the first {}", this.listenerName, this.target,
					endpoints.size(), DnsDiscovery.MAX_ENDPOINTS);
			return endpoints.subList(0, DnsDiscovery.MAX_ENDPOINTS);
		}
		return endpoints;
	}

	private static @Nullable InetAddress address(Record record) {
		if (record instanceof ARecord a) {
			return a.getAddress();
		}
		if (record instanceof AAAARecord aaaa) {
			return aaaa.getAddress();
		}
		return null;
	}

	/**
	 * Returns an address as a literal: dotted quad, or RFC 5952 text for IPv6.
	 */
	private static String host(InetAddress address) {
		if (address instanceof Inet6Address || address instanceof Inet4Address) {
			return NetUtil.toAddressString(address);
		}
		return address.getHostAddress();
	}

	private static long minTtl(long current, long ttl) {
		return (current < 0) ? ttl : Math.min(current, ttl);
	}

	private String reason(Throwable cause) {
		if (cause instanceof ServerFailedException failed) {
			return (failed.getExtendedRcode() != null) ? "SERVFAIL (" + failed.getExtendedRcode() + ")" : "SERVFAIL";
		}
		if (cause instanceof RedirectLoopException) {
			return "CNAME loop";
		}
		if (cause instanceof RedirectOverflowException) {
			return "CNAME chain longer than " + DnsDiscovery.MAX_CNAME_CHAIN;
		}
		if (cause instanceof InvalidZoneDataException) {
			return "invalid answer: " + Failures.describe(cause);
		}
		if (cause instanceof WireParseException) {
			return "unreadable answer: " + Failures.describe(cause);
		}
		String message = Failures.describe(cause);
		if (cause instanceof LookupFailedException) {
			String prefix = "Unknown non-success error code ";
			return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
		}
		if (cause instanceof SocketTimeoutException
				|| (cause instanceof IOException && message.startsWith("Timed out while trying to resolve"))) {
			return "timed out, no answer within " + Durations.format(this.queryTimeout);
		}
		return message;
	}

	private static <T> CompletableFuture<List<T>> all(List<CompletableFuture<T>> futures) {
		CompletableFuture<List<T>> all = new CompletableFuture<>();
		CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).whenComplete((ignored, failure) -> {
			if (failure != null) {
				all.completeExceptionally(unwrap(failure));
			}
			else {
				all.complete(futures.stream().map(CompletableFuture::join).toList());
			}
		});
		return all;
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	/**
	 * The records of one answer, with {@code NXDOMAIN} or {@code NODATA} when there are none.
	 */
	private record Answer(List<Record> records, @Nullable String note) {
	}

	/**
	 * The addresses of one SRV target, or why there are none.
	 */
	private record TargetAddresses(List<InetAddress> addresses, long ttl, @Nullable Throwable failure, String note) {
	}

	/**
	 * An endpoint with the address it came from, for ordering.
	 */
	private record Candidate(InetAddress address, Endpoint endpoint) {
	}

}
