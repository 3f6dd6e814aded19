package dev.clavier.scout;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import dev.clavier.Endpoint;
import dev.clavier.internal.SharedResources;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;

/**
 * A scout session whose probes each open one new connection on the engine's shared Netty event
 * loop. {@link #close()} cancels the probes in flight, which closes their connections; probes
 * asked for afterwards fail at once. Thread-safe: the set of probes in flight is concurrent and
 * each probe is confined to one event loop.
 */
abstract class ChannelSession implements ScoutSession {

	private final Scout scout;

	private final ScoutContext context;

	private final EventLoopGroup group;

	private final Set<ChannelProbe> inFlight = ConcurrentHashMap.newKeySet();

	private volatile boolean closed;

	ChannelSession(Scout scout, ScoutContext context) {
		this.scout = scout;
		this.context = Objects.requireNonNull(context, "context");
		this.group = SharedResources.of(context).eventLoop();
	}

	/**
	 * Returns the listener's context.
	 * @return the context
	 */
	final ScoutContext context() {
		return this.context;
	}

	/**
	 * Creates the probe of one endpoint.
	 * @param loop the event loop the probe runs on
	 * @param endpoint the endpoint
	 * @return the probe, not started
	 */
	abstract ChannelProbe newProbe(EventLoop loop, Endpoint endpoint);

	@Override
	public final CompletableFuture<ProbeResult> probe(Endpoint endpoint) {
		Objects.requireNonNull(endpoint, "endpoint");
		if (this.closed) {
			return CompletableFuture.failedFuture(new IllegalStateException(this + " is closed"));
		}
		ChannelProbe probe = newProbe(this.group.next(), endpoint);
		CompletableFuture<ProbeResult> result = probe.result();
		this.inFlight.add(probe);
		result.whenComplete((probeResult, ex) -> this.inFlight.remove(probe));
		probe.start();
		if (this.closed) {
			// close() ran while the probe was being added and may have missed it.
			result.cancel(false);
		}
		return result;
	}

	/**
	 * Cancels the probes in flight (closing their connections) and refuses new ones. Idempotent.
	 */
	@Override
	public final void close() {
		this.closed = true;
		for (ChannelProbe probe : this.inFlight) {
			probe.result().cancel(false);
		}
	}

	@Override
	public String toString() {
		return this.scout + " session of listener '" + this.context.listenerName() + "'";
	}

}
