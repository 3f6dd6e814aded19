package dev.clavier.scout;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

import dev.clavier.endpoint.Endpoint;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * One probe over one connection: resolves the endpoint's host, connects on one event loop of the
 * engine (or takes over an idle connection its session kept), lets the subclass talk, and
 * completes {@link #result()} exactly once, at the latest when the listener's timeout has passed.
 * Whatever completes the result (the verdict, a failure, the deadline, or the engine cancelling
 * the future) closes the channel, unless the probe ended cleanly on a connection that the
 * subclass calls {@link #reusable() reusable} and the session keeps connections: then the channel
 * goes back to the session, idle.
 * <p>
 * An idle connection may have been closed by the peer just as the probe used it (a keep-alive
 * timeout). So when a reused connection fails before any answer, the probe retries once on a new
 * connection within the same deadline, as HTTP clients do with pooled connections; a dead
 * endpoint still fails, on the new connection.
 * <p>
 * The probe is also the last handler of its channel's pipeline. It is {@code @Sharable} only so
 * that a retry can move it from a stale connection's pipeline to a new one: it is in one pipeline
 * at a time. Its state is confined to its event loop; only {@link #result()} is touched from
 * other threads.
 */
@Sharable
abstract class ChannelProbe extends ChannelInboundHandlerAdapter {

	private static final int MAX_DETAIL = 160;

	/** The name of the probe's handler, and of the idle handler that stands in for it. */
	private static final String HANDLER_NAME = "clavier-probe";

	private final Logger logger;

	private final String model;

	private final ScoutContext context;

	private final EventLoop loop;

	private final Endpoint endpoint;

	private final Duration timeout;

	private final long deadlineNanos;

	private final CompletableFuture<ProbeResult> result = new CompletableFuture<>();

	// confined to loop
	private @Nullable Channel channel;

	// confined to loop
	private @Nullable ScheduledFuture<?> timer;

	// set once by start(): where a reusable connection goes, or null when the session keeps none
	private @Nullable Consumer<Channel> keeper;

	// confined to loop: whether the current channel was taken over idle (and may be stale)
	private boolean reused;

	ChannelProbe(Logger logger, String model, ScoutContext context, EventLoop loop, Endpoint endpoint) {
		this.logger = logger;
		this.model = model;
		this.context = context;
		this.loop = loop;
		this.endpoint = endpoint;
		this.timeout = context.timeout();
		this.deadlineNanos = System.nanoTime() + this.timeout.toNanos();
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
	 * Returns the probe timeout.
	 * @return the timeout
	 */
	final Duration timeout() {
		return this.timeout;
	}

	/**
	 * Starts the probe, without blocking the calling thread.
	 * @param keeper takes the connection when the probe leaves it reusable, or {@code null} to
	 * close every connection after its probe
	 * @param idle an idle connection to the endpoint, on this probe's event loop, or {@code null}
	 * to open a new one
	 */
	final void start(@Nullable Consumer<Channel> keeper, @Nullable Channel idle) {
		this.keeper = keeper;
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
	 * Returns the result when the deadline passes before a verdict. The default fails with
	 * {@code timed out after <timeout>}.
	 * @return the result
	 */
	ProbeResult timeoutResult() {
		return ProbeResult.failed(timedOut());
	}

	/**
	 * Returns a verdict already reached that stands whatever happens to the connection next
	 * (an HTTP status while the body is being read), or {@code null}. The default has none.
	 * @return the verdict or {@code null}
	 */
	@Nullable ProbeResult verdict() {
		return null;
	}

	/**
	 * Returns {@code timed out after <timeout>}.
	 * @return the text
	 */
	final String timedOut() {
		return "timed out after " + Printable.duration(this.timeout);
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
		if (this.result.complete(probeResult) && !probeResult.healthy() && this.logger.isDebugEnabled()) {
			this.logger.debug("[{}] {} probe of {} failed: {}", this.context.listenerName(), this.model, this.endpoint,
					probeResult.detail());
		}
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
	 * with a short description. Network errors are expected and logged without stack trace.
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
		if (!isExpected(cause)) {
			this.logger.warn("[{}] {} probe of {} failed unexpectedly", this.context.listenerName(), this.model,
					this.endpoint, cause);
		}
		ProbeResult verdict = verdict();
		complete((verdict != null) ? verdict : ProbeResult.failed(describe(cause)));
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
		this.timer = this.loop.schedule(() -> {
			if (!isDone()) {
				ProbeResult verdict = verdict();
				complete((verdict != null) ? verdict : timeoutResult());
			}
		}, this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		open(idle);
	}

	/**
	 * Resolves the endpoint's host (in place for an IP literal), then takes the idle connection
	 * over if it still leads to that address, or else connects anew: a kept connection must not
	 * keep probing an address its host name no longer stands for.
	 */
	private void open(@Nullable Channel idle) {
		String host = this.endpoint.host();
		InetAddress literal = HostResolver.literal(host);
		if (literal != null) {
			proceed(idle, literal);
			return;
		}
		CompletableFuture<InetAddress> lookup;
		try {
			lookup = HostResolver.of(this.context).resolve(host);
		}
		catch (IllegalStateException | RejectedExecutionException ex) {
			closeIdle(idle);
			complete(ProbeResult.failed("the Clavier engine is closed"));
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
		if (idle != null && idle.isActive() && idle.pipeline().get(HANDLER_NAME) == IdleHandler.INSTANCE
				&& idle.remoteAddress() instanceof InetSocketAddress remote && address.equals(remote.getAddress())) {
			idle.pipeline().replace(HANDLER_NAME, HANDLER_NAME, this);
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
		// Leave the new connection at least a tenth of the timeout.
		return this.reused && !answered() && verdict() == null
				&& this.deadlineNanos - System.nanoTime() > this.timeout.toNanos() / 10;
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
		this.logger.debug("[{}] {} probe of {}: the kept connection was closed, retrying on a new one",
				this.context.listenerName(), this.model, this.endpoint);
		open(null);
	}

	private void connect(InetSocketAddress address) {
		if (isDone()) {
			return;
		}
		long remainingMillis = TimeUnit.NANOSECONDS.toMillis(this.deadlineNanos - System.nanoTime());
		int connectTimeoutMillis = (int) Math.max(1, Math.min(remainingMillis, Integer.MAX_VALUE));
		// What Netty's Bootstrap does, without a Bootstrap, a reflective channel factory and an
		// initializer handler per probe: this runs thousands of times a second at scale.
		NioSocketChannel created;
		try {
			created = new NioSocketChannel();
		}
		catch (ChannelException ex) {
			// No file descriptor left, say.
			fail(ex);
			return;
		}
		created.config().setConnectTimeoutMillis(connectTimeoutMillis);
		configure(created, created.pipeline());
		created.pipeline().addLast(HANDLER_NAME, this);
		this.channel = created;
		this.loop.register(created).addListener((ChannelFutureListener) (registered) -> {
			if (!registered.isSuccess()) {
				fail(registered.cause());
				return;
			}
			if (isDone() || this.channel != created) {
				return;
			}
			created.connect(address).addListener((ChannelFutureListener) (future) -> {
				if (this.channel != created) {
					return;
				}
				if (!future.isSuccess()) {
					fail(future.cause());
				}
				else if (!isDone()) {
					connected(created);
				}
			});
		});
	}

	private void keepIfReusable() {
		Consumer<Channel> kept = this.keeper;
		Channel open = this.channel;
		if (kept != null && open != null && this.loop.inEventLoop() && open.isActive()
				&& open.pipeline().context(this) != null && reusable()) {
			open.pipeline().replace(this, HANDLER_NAME, IdleHandler.INSTANCE);
			this.channel = null;
			kept.accept(open);
		}
	}

	private void cleanUp() {
		ScheduledFuture<?> pending = this.timer;
		if (pending != null) {
			pending.cancel(false);
		}
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
			this.result.complete(ProbeResult.failed("the Clavier engine is closed"));
		}
	}

	private static boolean isExpected(Throwable cause) {
		Throwable root = unwrap(cause);
		return root instanceof IOException || root instanceof DecoderException;
	}

	private static Throwable unwrap(Throwable cause) {
		Throwable root = cause;
		while ((root instanceof CompletionException || root instanceof DecoderException
				|| root instanceof ChannelException) && root.getCause() != null) {
			root = root.getCause();
		}
		return root;
	}

	/**
	 * Returns a short description of a probe failure, for example {@code connection refused}.
	 * @param cause the exception
	 * @return the description
	 */
	final String describe(Throwable cause) {
		Throwable root = unwrap(cause);
		String detail;
		if (root instanceof ConnectTimeoutException) {
			detail = timedOut();
		}
		else if (root instanceof UnknownHostException) {
			detail = "unknown host '" + this.endpoint.host() + "'";
		}
		else if (root instanceof NotSslRecordException) {
			detail = "TLS handshake failed: the peer does not speak TLS";
		}
		else if (root instanceof SSLException) {
			detail = "TLS handshake failed: " + message(root);
		}
		else if (root instanceof ClosedChannelException) {
			detail = "connection closed";
		}
		else if (root instanceof ConnectException) {
			// Netty appends ": /address" to the JDK's message ("Connection refused").
			String text = message(root);
			int colon = text.indexOf(": ");
			detail = lowerFirst((colon > 0) ? text.substring(0, colon) : text);
		}
		else if (root instanceof IOException) {
			detail = lowerFirst(message(root));
		}
		else if (root instanceof DecoderException) {
			detail = "malformed response: " + message(root);
		}
		else {
			detail = root.getClass().getSimpleName() + ": " + message(root);
		}
		return (detail.length() > MAX_DETAIL) ? detail.substring(0, MAX_DETAIL) + "..." : detail;
	}

	private static String message(Throwable cause) {
		String message = cause.getMessage();
		return (message != null && !message.isBlank()) ? message : cause.getClass().getSimpleName();
	}

	private static String lowerFirst(String text) {
		if (text.length() > 1 && Character.isUpperCase(text.charAt(0)) && Character.isLowerCase(text.charAt(1))) {
			return text.substring(0, 1).toLowerCase(Locale.ROOT) + text.substring(1);
		}
		return text;
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
