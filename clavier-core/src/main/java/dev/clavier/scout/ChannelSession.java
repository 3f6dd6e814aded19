package dev.clavier.scout;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;

import dev.clavier.endpoint.Endpoint;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import org.jspecify.annotations.Nullable;

/**
 * A scout session whose probes run over connections on the engine's shared Netty event loop.
 * Each probe opens a new connection unless the session {@link #reusesConnections() reuses
 * connections}: then a probe that ended cleanly leaves its connection idle for the endpoint's next
 * probe (at most one per endpoint), and an idle connection is closed when the peer closes it, when
 * the endpoint is {@link #release released} and when the session closes.
 * <p>
 * {@link #close()} cancels the probes in flight, which closes their connections; probes asked for
 * afterwards fail at once. Thread-safe: the maps are concurrent, each probe is confined to one
 * event loop, and an idle connection changes hands through an atomic reference.
 */
abstract class ChannelSession implements ScoutSession {

	private final Scout scout;

	private final ScoutContext context;

	private final EventLoopGroup group;

	private final Set<ChannelProbe> inFlight = ConcurrentHashMap.newKeySet();

	// Endpoints being probed and not released, each with its idle connection (or none).
	private final ConcurrentMap<Endpoint, Slot> slots = new ConcurrentHashMap<>();

	private volatile boolean closed;

	ChannelSession(Scout scout, ScoutContext context) {
		this.scout = scout;
		this.context = Objects.requireNonNull(context, "context");
		this.group = context.eventLoop();
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

	/**
	 * Returns whether a connection that a probe left {@link ChannelProbe#reusable() reusable}
	 * carries the endpoint's next probe. The default is {@code false}: a new connection per probe.
	 * @return whether connections are reused
	 */
	boolean reusesConnections() {
		return false;
	}

	@Override
	public final CompletableFuture<ProbeResult> probe(Endpoint endpoint) {
		Objects.requireNonNull(endpoint, "endpoint");
		if (this.closed) {
			return CompletableFuture.failedFuture(new IllegalStateException(this + " is closed"));
		}
		Slot slot = reusesConnections() ? this.slots.computeIfAbsent(endpoint, (key) -> new Slot()) : null;
		Channel idle = (slot != null) ? slot.getAndSet(null) : null;
		if (idle != null && !idle.isActive()) {
			idle.close();
			idle = null;
		}
		ChannelProbe probe = newProbe((idle != null) ? idle.eventLoop() : this.group.next(), endpoint);
		CompletableFuture<ProbeResult> result = probe.result();
		this.inFlight.add(probe);
		result.whenComplete((probeResult, ex) -> this.inFlight.remove(probe));
		probe.start((slot != null) ? (channel) -> keep(endpoint, slot, channel) : null, idle);
		if (this.closed) {
			// close() ran while the probe was being added and may have missed it.
			result.cancel(false);
		}
		return result;
	}

	/**
	 * Leaves a connection idle for the endpoint's next probe, unless the endpoint was released or
	 * the session closed meanwhile.
	 */
	private void keep(Endpoint endpoint, Slot slot, Channel channel) {
		Channel previous = slot.getAndSet(channel);
		if (previous != null && previous != channel) {
			previous.close();
		}
		if (this.closed || this.slots.get(endpoint) != slot) {
			// release() or close() may have emptied the slot before this connection entered it.
			if (slot.compareAndSet(channel, null)) {
				channel.close();
			}
		}
	}

	/**
	 * Closes the endpoint's idle connection, if any.
	 * @param endpoint the endpoint that left discovery
	 */
	@Override
	public final void release(Endpoint endpoint) {
		Slot slot = this.slots.remove(endpoint);
		if (slot != null) {
			slot.closeIdle();
		}
	}

	/**
	 * Cancels the probes in flight (closing their connections), closes the idle connections and
	 * refuses new probes. Idempotent.
	 */
	@Override
	public final void close() {
		this.closed = true;
		for (ChannelProbe probe : this.inFlight) {
			probe.result().cancel(false);
		}
		for (Slot slot : this.slots.values()) {
			slot.closeIdle();
		}
	}

	/**
	 * Returns how many connections are idle, kept for a next probe.
	 * @return the count
	 */
	final int idleConnections() {
		int count = 0;
		for (Slot slot : this.slots.values()) {
			Channel idle = slot.get();
			if (idle != null && idle.isActive()) {
				count++;
			}
		}
		return count;
	}

	@Override
	public String toString() {
		return this.scout + " session of listener '" + this.context.listenerName() + "'";
	}

	/**
	 * The idle connection of one endpoint, or none.
	 */
	@SuppressWarnings("serial")
	private static final class Slot extends AtomicReference<@Nullable Channel> {

		void closeIdle() {
			Channel idle = getAndSet(null);
			if (idle != null) {
				idle.close();
			}
		}

	}

}
