package dev.clavier.scout;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.clavier.model.NamedThreadFactory;
import io.netty.util.NetUtil;
import org.jspecify.annotations.Nullable;

/**
 * Turns the host of an endpoint into an address for the TCP and HTTP scouts. IP literals (IPv6
 * included) are parsed in place, without any lookup. Host names are looked up with the JDK's
 * resolver, which blocks, so the lookup runs on this class's own two daemon threads
 * ({@code clavier-resolver-<n>}, started on demand and stopped when idle), never on an event
 * loop or on the engine's scheduler. Netty's own default resolver would block the event loop,
 * and its non-blocking DNS resolver is not a dependency of the core.
 * <p>
 * One instance per engine, shared through {@link ScoutContext#shared} and closed with it. Thread-safe.
 */
final class HostResolver implements AutoCloseable {

	private static final int THREADS = 2;

	private static final long IDLE_SECONDS = 30;

	private final ThreadPoolExecutor executor;

	private final Lookup lookup;

	HostResolver() {
		this(InetAddress::getByName);
	}

	/**
	 * Creates a resolver with another lookup: tests register one in the engine's shared
	 * resources before the first probe, to move a name to another address.
	 * @param lookup the blocking lookup
	 */
	HostResolver(Lookup lookup) {
		this.lookup = lookup;
		this.executor = new ThreadPoolExecutor(THREADS, THREADS, IDLE_SECONDS, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), new NamedThreadFactory("resolver"));
		this.executor.allowCoreThreadTimeOut(true);
	}

	/**
	 * Returns the resolver of the engine behind a scout context, creating it on first use.
	 * @param context the scout's context
	 * @return the resolver
	 * @throws IllegalStateException if the engine is closed
	 */
	static HostResolver of(ScoutContext context) {
		return context.shared(HostResolver.class, HostResolver.class, HostResolver::new);
	}

	/**
	 * Returns the address an IP literal stands for, without any lookup.
	 * @param host the host, IPv6 without brackets
	 * @return the address, or {@code null} if the host is a name
	 */
	static @Nullable InetAddress literal(String host) {
		if (host.indexOf('%') >= 0 && NetUtil.isValidIpV6Address(host)) {
			// A scoped IPv6 literal (fe80::1%eth0): the JDK parses it and looks the scope up
			// among the local interfaces, with no DNS query.
			try {
				return InetAddress.getByName(host);
			}
			catch (UnknownHostException ex) {
				return null;
			}
		}
		return NetUtil.createInetAddressFromIpAddressString(host);
	}

	/**
	 * Looks a host name up off the calling thread.
	 * @param host the host name
	 * @return the first address the system resolver gives; fails with an
	 * {@link UnknownHostException} if there is none
	 */
	CompletableFuture<InetAddress> resolve(String host) {
		return CompletableFuture.supplyAsync(() -> {
			try {
				return this.lookup.lookup(host);
			}
			catch (UnknownHostException ex) {
				throw new CompletionException(ex);
			}
		}, this.executor);
	}

	/**
	 * Stops the lookup threads; pending lookups are dropped.
	 */
	@Override
	public void close() {
		this.executor.shutdownNow();
	}

	@Override
	public String toString() {
		return "HostResolver[threads=" + THREADS + "]";
	}

	/**
	 * A blocking host name lookup.
	 */
	@FunctionalInterface
	interface Lookup {

		/**
		 * Looks a host name up.
		 * @param host the host name
		 * @return the address
		 * @throws UnknownHostException if there is none
		 */
		InetAddress lookup(String host) throws UnknownHostException;

	}

}
