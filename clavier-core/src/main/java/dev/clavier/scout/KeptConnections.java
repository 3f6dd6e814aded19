package dev.clavier.scout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;

import dev.clavier.endpoint.Endpoint;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * The connections a session keeps between probes: at most one idle connection per endpoint,
 * left by a probe that ended cleanly and taken by the endpoint's next probe. An idle connection is
 * closed when the peer closes it or sends anything (no request is outstanding), when its endpoint
 * is {@link #release released} and when the session {@link #close closes}.
 * <p>
 * In a channel's pipeline the probe's handler and the idle handler that stands in for it between
 * probes go by one name, {@value #HANDLER_NAME}; {@link #park} and {@link #takeOver} swap them.
 * Thread-safe: the map is concurrent and an idle connection changes hands through an atomic
 * reference.
 */
final class KeptConnections {

	/** The name of the probe's handler, and of the idle handler that stands in for it. */
	static final String HANDLER_NAME = "clavier-probe";

	// Endpoints being probed and not released, each with its idle connection (or none).
	private final ConcurrentMap<Endpoint, Slot> slots = new ConcurrentHashMap<>();

	private volatile boolean closed;

	/**
	 * Returns the slot of an endpoint, where its idle connection waits; creates it on first use.
	 * @param endpoint the endpoint
	 * @return the slot
	 */
	Slot slot(Endpoint endpoint) {
		return this.slots.computeIfAbsent(endpoint, Slot::new);
	}

	/**
	 * Closes the endpoint's idle connection, if any, and forgets the endpoint.
	 * @param endpoint the endpoint that left discovery
	 */
	void release(Endpoint endpoint) {
		Slot slot = this.slots.remove(endpoint);
		if (slot != null) {
			slot.closeIdle();
		}
	}

	/**
	 * Closes every idle connection; connections kept afterwards are closed at once. Idempotent.
	 */
	void close() {
		this.closed = true;
		for (Slot slot : this.slots.values()) {
			slot.closeIdle();
		}
	}

	/**
	 * Returns how many connections are idle and open.
	 * @return the count
	 */
	int idle() {
		int count = 0;
		for (Slot slot : this.slots.values()) {
			Channel idle = slot.get();
			if (idle != null && idle.isActive()) {
				count++;
			}
		}
		return count;
	}

	/**
	 * Hands an idle connection to a probe if it is still open, still idle and still leads to the
	 * address that the endpoint's host gives now (a kept connection must not keep probing an
	 * address its host name no longer stands for). Call on the channel's event loop.
	 * @param idle the idle connection
	 * @param address the endpoint's address now
	 * @param probe the probe's handler, which takes the idle handler's place
	 * @return whether the probe took the connection over; if not, the caller closes it
	 */
	static boolean takeOver(Channel idle, InetAddress address, ChannelHandler probe) {
		if (idle.isActive() && idle.pipeline().get(HANDLER_NAME) == IdleHandler.INSTANCE
				&& idle.remoteAddress() instanceof InetSocketAddress remote && address.equals(remote.getAddress())) {
			idle.pipeline().replace(HANDLER_NAME, HANDLER_NAME, probe);
			return true;
		}
		return false;
	}

	/**
	 * Leaves a connection idle: the idle handler takes the probe's place. Call on the channel's
	 * event loop.
	 * @param channel the connection
	 * @param probe the probe's handler, in the pipeline
	 */
	static void park(Channel channel, ChannelHandler probe) {
		channel.pipeline().replace(probe, HANDLER_NAME, IdleHandler.INSTANCE);
	}

	@Override
	public String toString() {
		return "KeptConnections[endpoints=" + this.slots.size() + ", idle=" + idle() + "]";
	}

	/**
	 * The idle connection of one endpoint, or none.
	 */
	@SuppressWarnings("serial")
	final class Slot extends AtomicReference<@Nullable Channel> {

		private final Endpoint endpoint;

		Slot(Endpoint endpoint) {
			this.endpoint = endpoint;
		}

		/**
		 * Returns the idle connection, leaving the slot empty; one the peer has closed meanwhile
		 * is closed and not returned.
		 * @return the open idle connection, or {@code null}
		 */
		@Nullable Channel takeIdle() {
			Channel idle = getAndSet(null);
			if (idle != null && !idle.isActive()) {
				idle.close();
				return null;
			}
			return idle;
		}

		/**
		 * Leaves a {@link #park parked} connection idle for the endpoint's next probe, closing
		 * the one it replaces; closes it instead when the endpoint was released or the session
		 * closed meanwhile.
		 * @param channel the connection
		 */
		void keep(Channel channel) {
			Channel previous = getAndSet(channel);
			if (previous != null && previous != channel) {
				previous.close();
			}
			if (KeptConnections.this.closed || KeptConnections.this.slots.get(this.endpoint) != this) {
				// release() or close() may have emptied the slot before this connection entered it.
				if (compareAndSet(channel, null)) {
					channel.close();
				}
			}
		}

		void closeIdle() {
			Channel idle = getAndSet(null);
			if (idle != null) {
				idle.close();
			}
		}

	}

	/**
	 * Stands in for the probe on an idle connection: anything the peer sends between probes
	 * (there is no request outstanding) makes the connection unusable, so it is closed.
	 */
	@Sharable
	private static final class IdleHandler extends ChannelInboundHandlerAdapter {

		static final IdleHandler INSTANCE = new IdleHandler();

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object message) {
			ReferenceCountUtil.release(message);
			ctx.close();
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			ctx.close();
		}

		@Override
		public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
			ReferenceCountUtil.release(event);
		}

	}

}
