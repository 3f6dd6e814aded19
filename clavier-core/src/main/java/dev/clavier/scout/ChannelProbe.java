package dev.clavier.scout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

import dev.clavier.endpoint.Endpoint;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of one probe over one connection: gets a connection (an idle one its session kept,
 * or a new one from the {@link ChannelConnector}), lets the subclass talk, and completes
 * {@link #result()} exactly once. Whatever completes the result (the verdict, a failure, or the
 * engine cancelling the future when the listener's timeout has passed) closes the channel, unless
 * the probe ended cleanly on a connection that the subclass calls {@link #reusable() reusable} and
 * the session keeps connections: then the channel goes back to its {@link KeptConnections.Slot},
 * idle. The probe has no deadline of its own: the engine owns it.
 * <p>
 * An idle connection may have been closed by the peer just as the probe used it (a keep-alive
 * timeout). So when a reused connection fails before any answer, the probe retries once on a new
 * connection, as HTTP clients do with pooled connections; a dead endpoint still fails, on the new
 * connection.
 * <p>
 * The probe is also the last handler of its channel's pipeline. It is {@code @Sharable} only so
 * that a retry can move it from a stale connection's pipeline to a new one: it is in one pipeline
 * at a time. Its state is confined to its event loop; only {@link #result()} is touched from
 * other threads. A failed probe is not logged here: the engine logs every probe once.
 */
@Sharable
abstract class ChannelProbe extends ChannelInboundHandlerAdapter {

	private static final Logger logger = LoggerFactory.getLogger(ChannelProbe.class);

	private final String model;

	private final ChannelConnector connector;

	private final EventLoop loop;

	private final Endpoint endpoint;

	private final CompletableFuture<ProbeResult> result = new CompletableFuture<>();

	// confined to loop
	private @Nullable Channel channel;

	// set once by start(): where a reusable connection goes, or null when the session keeps none
	private KeptConnections.@Nullable Slot slot;

	// confined to loop: whether the current channel was taken over idle (and may be stale)
	private boolean reused;

	ChannelProbe(String model, ChannelConnector connector, EventLoop loop, Endpoint endpoint) {
		this.model = model;
		this.connector = connector;
		this.loop = loop;
		this.endpoint = endpoint;
	}

	/**
	 * Returns the result, completed once; cancelling it closes the connection.
	 * @return the result
	 */
	final CompletableFuture<ProbeResult> result() {
		return this.result;
	}

	/**
	 * Returns the endpoint probed.
	 * @return the endpoint
	 */
	final Endpoint endpoint() {
		return this.endpoint;
	}

	/**
	 * Starts the probe, without blocking the calling thread.
	 * @param slot where the connection goes when the probe leaves it reusable, or {@code null}
	 * to close every connection after its probe
	 * @param idle an idle connection to the endpoint, on this probe's event loop, or {@code null}
	 * to open a new one
	 */
	final void start(KeptConnections.@Nullable Slot slot, @Nullable Channel idle) {
		this.slot = slot;
		this.result.whenComplete((probeResult, ex) -> onLoop(this::cleanUp));
		onLoop(() -> begin(idle));
	}

	/**
	 * Adds the subclass's handlers (codecs) to a new channel; the probe itself is added after them.
	 * The default adds none.
	 * @param channel the channel
	 * @param pipeline its pipeline
	 */
	void configure(Channel channel, ChannelPipeline pipeline) {
	}

	/**
	 * Called on the event loop once the connection is up (or an idle one taken over).
	 * @param channel the connected channel
	 */
	abstract void connected(Channel channel);

	/**
	 * Returns whether the peer has sent any part of an answer; until then a failure of a reused
	 * connection is taken for a stale connection and retried. The default is {@code false}.
	 * @return whether an answer has begun
	 */
	boolean answered() {
		return false;
	}

	/**
	 * Returns whether the connection can carry another probe once this one completes: the
	 * exchange ended cleanly and the peer keeps the connection open. Asked on the event loop after
	 * a verdict. The default is {@code false}.
	 * @return whether the connection is reusable
	 */
	boolean reusable() {
		return false;
	}

	/**
	 * Returns the result when the peer closes the connection before a verdict.
	 * @return the result
	 */
	abstract ProbeResult closedResult();

	/**
	 * Returns a verdict already reached that stands whatever happens to the connection next
	 * (an HTTP status while the body is being read), or {@code null}. The default has none.
	 * @return the verdict or {@code null}
	 */
	@Nullable ProbeResult verdict() {
		return null;
	}

	/**
	 * Completes the probe, if it is not complete yet.
	 * @param probeResult the result
	 */
	final void complete(ProbeResult probeResult) {
		if (this.result.isDone()) {
			return;
		}
		// Keep the connection before the result is out, so that the next probe finds it.
		keepIfReusable();
		this.result.complete(probeResult);
	}

	/**
	 * Returns whether the probe is complete (or cancelled).
	 * @return whether it is complete
	 */
	final boolean isDone() {
		return this.result.isDone();
	}

	/**
	 * Completes the probe for an exception: a verdict already reached stands, otherwise it fails
	 * with a short description. Network errors are expected; anything else is a defect, logged
	 * at WARN with its stack trace, since the result carries its description only.
	 * @param cause the exception
	 */
	final void fail(Throwable cause) {
		if (this.result.isDone()) {
			return;
		}
		if (canRetry()) {
			retry();
			return;
		}
		if (!ConnectionErrors.isExpected(cause)) {
			logger.warn("[{}] {} probe of {} failed unexpectedly", this.connector.listenerName(), this.model,
					this.endpoint, cause);
		}
		ProbeResult verdict = verdict();
		complete((verdict != null) ? verdict
				: ProbeResult.failed(ConnectionErrors.describe(cause, this.endpoint, this.connector.connectTimeout())));
	}

	/**
	 * Writes and flushes a message; a failed write fails the probe.
	 * @param channel the channel
	 * @param message the message
	 * @param written what to do once written, or {@code null}
	 */
	final void write(Channel channel, Object message, @Nullable Runnable written) {
		channel.writeAndFlush(message).addListener((ChannelFutureListener) (future) -> {
			if (future.channel() != this.channel) {
				// A stale connection this probe has left for a new one.
				return;
			}
			if (!future.isSuccess()) {
				fail(future.cause());
			}
			else if (written != null && !isDone()) {
				written.run();
			}
		});
	}

	@Override
	public final void channelInactive(ChannelHandlerContext ctx) {
		if (!isDone() && canRetry()) {
			retry();
		}
		else if (!isDone()) {
			ProbeResult verdict = verdict();
			complete((verdict != null) ? verdict : closedResult());
		}
	}

	@Override
	public final void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		fail(cause);
	}

	@Override
	public final void userEventTriggered(ChannelHandlerContext ctx, Object event) {
		if (event instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
			fail(handshake.cause());
		}
		ctx.fireUserEventTriggered(event);
	}

	private void begin(@Nullable Channel idle) {
		if (isDone()) {
			if (idle != null) {
				// Cancelled before it began: the idle connection is not worth keeping unchecked.
				idle.close();
			}
			return;
		}
		open(idle);
	}

	/**
	 * Resolves the endpoint's host (at once for an IP literal), then takes the idle connection
	 * over if it still leads to that address, or else connects anew.
	 */
	private void open(@Nullable Channel idle) {
		CompletableFuture<InetAddress> lookup = this.connector.resolve(this.endpoint.host());
		if (lookup.isDone() && !lookup.isCompletedExceptionally()) {
			proceed(idle, lookup.join());
			return;
		}
		lookup.whenComplete((address, ex) -> onLoop(() -> {
			if (ex != null) {
				closeIdle(idle);
				fail(ex);
			}
			else {
				proceed(idle, address);
			}
		}));
	}

	private void proceed(@Nullable Channel idle, InetAddress address) {
		if (isDone()) {
			closeIdle(idle);
			return;
		}
		if (idle != null && KeptConnections.takeOver(idle, address, this)) {
			this.channel = idle;
			this.reused = true;
			connected(idle);
			return;
		}
		closeIdle(idle);
		connect(new InetSocketAddress(address, this.endpoint.port()));
	}

	private static void closeIdle(@Nullable Channel idle) {
		if (idle != null) {
			idle.close();
		}
	}

	private boolean canRetry() {
		return this.reused && !answered() && verdict() == null;
	}

	private void retry() {
		Channel stale = this.channel;
		this.reused = false;
		this.channel = null;
		if (stale != null) {
			if (stale.pipeline().context(this) != null) {
				stale.pipeline().remove(this);
			}
			stale.close();
		}
		logger.debug("[{}] {} probe of {}: the kept connection was closed, retrying on a new one",
				this.connector.listenerName(), this.model, this.endpoint);
		open(null);
	}

	private void connect(InetSocketAddress address) {
		if (isDone()) {
			return;
		}
		try {
			this.connector.connect(this.loop, address, (created) -> {
				configure(created, created.pipeline());
				created.pipeline().addLast(KeptConnections.HANDLER_NAME, this);
				this.channel = created;
			}, (future) -> {
				Channel created = future.channel();
				if (this.channel != created) {
					// A connection this probe has left, or one it never took (cancelled meanwhile).
					return;
				}
				if (!future.isSuccess()) {
					fail(future.cause());
				}
				else if (!isDone()) {
					connected(created);
				}
			});
		}
		catch (ChannelException ex) {
			// No file descriptor left, say.
			fail(ex);
		}
	}

	private void keepIfReusable() {
		KeptConnections.Slot kept = this.slot;
		Channel open = this.channel;
		if (kept != null && open != null && this.loop.inEventLoop() && open.isActive()
				&& open.pipeline().context(this) != null && reusable()) {
			KeptConnections.park(open, this);
			this.channel = null;
			kept.keep(open);
		}
	}

	private void cleanUp() {
		Channel open = this.channel;
		if (open == null) {
			return;
		}
		if (open.isRegistered()) {
			open.close();
		}
		else {
			// Registration failed (no file descriptor left, say): close() would throw "channel not
			// registered to an event loop"; release the socket directly.
			open.unsafe().closeForcibly();
		}
	}

	private void onLoop(Runnable task) {
		if (this.loop.inEventLoop()) {
			task.run();
			return;
		}
		try {
			this.loop.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// The event loop is shutting down with the engine, and closes its channels itself.
			this.result.complete(ProbeResult.failed(ConnectionErrors.ENGINE_CLOSED));
		}
	}

	@Override
	public String toString() {
		return this.model + " probe of " + this.endpoint;
	}

}
