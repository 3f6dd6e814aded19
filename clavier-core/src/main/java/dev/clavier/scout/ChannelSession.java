package dev.clavier.scout;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import dev.clavier.endpoint.Endpoint;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;

/**
 * One listener's use of a scout whose probes run over connections on the engine's shared Netty
 * event loop ({@link TcpScout}, {@link HttpScout}): starts a {@link ChannelProbe} per probe and
 * tracks the probes in flight. Each probe opens a new connection unless the session keeps
 * connections: then a probe that ended cleanly leaves its connection to {@link KeptConnections}
 * for the endpoint's next probe.
 * <p>
 * {@link #close()} cancels the probes in flight, which closes their connections; probes asked for
 * afterwards fail at once. Thread-safe: the set of probes is concurrent and each probe is
 * confined to one event loop.
 */
final class ChannelSession implements ScoutSession {

	private final Scout scout;

	private final String listenerName;

	private final ChannelConnector connector;

	private final ProbeFactory probes;

	private final @Nullable KeptConnections kept;

	private final Set<ChannelProbe> inFlight = ConcurrentHashMap.newKeySet();

	private volatile boolean closed;

	/**
	 * Creates a session.
	 * @param scout the scout, for {@code toString()}
	 * @param context the listener's context
	 * @param keepConnections whether connections that probes leave reusable carry the endpoint's
	 * next probe
	 * @param probes creates the probe of one endpoint
	 */
	ChannelSession(Scout scout, ScoutContext context, boolean keepConnections, ProbeFactory probes) {
		this.scout = scout;
		this.listenerName = Objects.requireNonNull(context, "context").listenerName();
		this.connector = new ChannelConnector(context);
		this.probes = probes;
		this.kept = keepConnections ? new KeptConnections() : null;
	}

	@Override
	public CompletableFuture<ProbeResult> probe(Endpoint endpoint) {
		Objects.requireNonNull(endpoint, "endpoint");
		if (this.closed) {
			return CompletableFuture.failedFuture(new IllegalStateException(this + " is closed"));
		}
		KeptConnections.Slot slot = (this.kept != null) ? this.kept.slot(endpoint) : null;
		Channel idle = (slot != null) ? slot.takeIdle() : null;
		EventLoop loop = (idle != null) ? idle.eventLoop() : this.connector.nextLoop();
		ChannelProbe probe = this.probes.create(this.connector, loop, endpoint);
		CompletableFuture<ProbeResult> result = probe.result();
		this.inFlight.add(probe);
		result.whenComplete((probeResult, ex) -> this.inFlight.remove(probe));
		probe.start(slot, idle);
		if (this.closed) {
			// close() ran while the probe was being added and may have missed it.
			result.cancel(false);
		}
		return result;
	}

	/**
	 * Closes the endpoint's idle connection, if any.
	 * @param endpoint the endpoint that left discovery
	 */
	@Override
	public void release(Endpoint endpoint) {
		if (this.kept != null) {
			this.kept.release(endpoint);
		}
	}

	/**
	 * Cancels the probes in flight (closing their connections), closes the idle connections and
	 * refuses new probes. Idempotent.
	 */
	@Override
	public void close() {
		this.closed = true;
		for (ChannelProbe probe : this.inFlight) {
			probe.result().cancel(false);
		}
		if (this.kept != null) {
			this.kept.close();
		}
	}

	/**
	 * Returns how many connections are idle, kept for a next probe.
	 * @return the count
	 */
	int idleConnections() {
		return (this.kept != null) ? this.kept.idle() : 0;
	}

	@Override
	public String toString() {
		return this.scout + " session of listener '" + this.listenerName + "'";
	}

	/**
	 * Creates the probe of one endpoint, not started.
	 */
	@FunctionalInterface
	interface ProbeFactory {

		/**
		 * Creates the probe of one endpoint.
		 * @param connector opens the probe's connection
		 * @param loop the event loop the probe runs on
		 * @param endpoint the endpoint
		 * @return the probe, not started
		 */
		ChannelProbe create(ChannelConnector connector, EventLoop loop, Endpoint endpoint);

	}

}
