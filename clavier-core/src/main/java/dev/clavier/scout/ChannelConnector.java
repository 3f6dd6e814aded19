package dev.clavier.scout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import dev.clavier.model.Durations;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Opens the connections of one listener's probes: picks an event loop of the engine's shared
 * Netty group, turns an endpoint's host into an address (in place for an IP literal, on the
 * engine's {@link HostResolver} for a name) and connects a new channel within the connect
 * timeout, which is the listener's probe timeout. It sets no other deadline: the engine bounds
 * the whole probe, and cancelling the probe closes its channel. Thread-safe.
 */
final class ChannelConnector {

	private final ScoutContext context;

	private final EventLoopGroup group;

	private final Duration connectTimeout;

	private final int connectTimeoutMillis;

	/**
	 * Creates the connector of one listener.
	 * @param context the listener's context
	 */
	ChannelConnector(ScoutContext context) {
		this.context = Objects.requireNonNull(context, "context");
		this.group = context.eventLoop();
		this.connectTimeout = Objects.requireNonNull(context.timeout(), "context.timeout()");
		this.connectTimeoutMillis = (int) Math.max(1, Math.min(this.connectTimeout.toMillis(), Integer.MAX_VALUE));
	}

	/**
	 * Returns the listener's name, for log lines.
	 * @return the listener's name
	 */
	String listenerName() {
		return this.context.listenerName();
	}

	/**
	 * Returns how long connecting may take.
	 * @return the connect timeout
	 */
	Duration connectTimeout() {
		return this.connectTimeout;
	}

	/**
	 * Returns the event loop for a probe on a new connection.
	 * @return the event loop
	 */
	EventLoop nextLoop() {
		return this.group.next();
	}

	/**
	 * Returns the address of a host: completed at once for an IP literal, IPv6 included, and
	 * looked up off the calling thread for a name.
	 * @param host the host, IPv6 without brackets
	 * @return the address; fails with an {@link java.net.UnknownHostException} for a name
	 * without one, or a {@link RejectedExecutionException} when the engine is closed
	 */
	CompletableFuture<InetAddress> resolve(String host) {
		InetAddress literal = HostResolver.literal(host);
		if (literal != null) {
			return CompletableFuture.completedFuture(literal);
		}
		try {
			return HostResolver.of(this.context).resolve(host);
		}
		catch (IllegalStateException | RejectedExecutionException ex) {
			return CompletableFuture.failedFuture(new RejectedExecutionException(ConnectionErrors.ENGINE_CLOSED, ex));
		}
	}

	/**
	 * Creates a channel, lets the initializer add its handlers, registers the channel on the
	 * event loop and connects it. What Netty's {@code Bootstrap} does, without a reflective
	 * channel factory and an initializer handler per probe: this runs thousands of times a
	 * second at scale.
	 * @param loop the event loop
	 * @param address the address to connect to
	 * @param initializer adds the handlers to the new channel's pipeline
	 * @param connected told the outcome: of the registration if it failed, else of the connect;
	 * not told when the channel was closed between the two
	 * @return the new channel, possibly not registered yet
	 * @throws io.netty.channel.ChannelException if no channel can be created (no file
	 * descriptor left, say)
	 */
	Channel connect(EventLoop loop, InetSocketAddress address, Consumer<Channel> initializer,
			ChannelFutureListener connected) {
		NioSocketChannel created = new NioSocketChannel();
		created.config().setConnectTimeoutMillis(this.connectTimeoutMillis);
		initializer.accept(created);
		loop.register(created).addListener((ChannelFutureListener) (registered) -> {
			if (!registered.isSuccess()) {
				connected.operationComplete(registered);
			}
			else if (created.isOpen()) {
				created.connect(address).addListener(connected);
			}
		});
		return created;
	}

	@Override
	public String toString() {
		return "ChannelConnector[listener=" + this.context.listenerName() + ", connectTimeout="
				+ Durations.format(this.connectTimeout) + "]";
	}

}
