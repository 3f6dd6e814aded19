package dev.clavier.scout.grpc;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.model.Failures;
import dev.clavier.scout.HealthWatch;
import dev.clavier.scout.ProbeResult;
import dev.clavier.scout.ScoutContext;
import dev.clavier.scout.ScoutSession;
import dev.clavier.scout.WatchSink;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listener's use of a {@link GrpcScout}: a channel per endpoint address, made on the first
 * probe or watch, reused while it works (a watch stream and {@code Check} calls share it),
 * replaced when found in {@code TRANSIENT_FAILURE}, and shut down by {@link #release} or
 * {@link #close}, which also ends the watch streams on it. Thread-safe.
 */
final class GrpcScoutSession implements ScoutSession {

	private static final Logger logger = LoggerFactory.getLogger(GrpcScoutSession.class);

	private static final int MAX_INBOUND_MESSAGE_SIZE = 64 * 1024;

	private static final long IDLE_TIMEOUT_MINUTES = 5;

	private static final int MAX_DETAIL_LENGTH = 200;

	private static final Pattern WHITESPACE = Pattern.compile("\\s+");

	private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

	private static final String ENGINE_CLOSED = "the Clavier engine is closed";

	private final GrpcScout scout;

	private final String listenerName;

	private final GrpcResources resources;

	private final @Nullable SslContext sslContext;

	private final HealthCheckRequest request;

	private final Object lock = new Object();

	// guarded by lock; key: the endpoint's address, lower case
	private final Map<String, CompletableFuture<ManagedChannel>> channels = new HashMap<>();

	// guarded by lock
	private boolean closed;

	GrpcScoutSession(GrpcScout scout, ScoutContext context) {
		this.scout = scout;
		this.listenerName = context.listenerName();
		this.resources = GrpcResources.of(context);
		this.sslContext = scout.tls() ? clientSslContext() : null;
		this.request = HealthCheckRequest.newBuilder().setService(scout.service()).build();
	}

	private static SslContext clientSslContext() {
		try {
			return GrpcSslContexts.forClient().build();
		}
		catch (SSLException ex) {
			throw new IllegalStateException("grpc scout: cannot set up TLS: " + Failures.describe(ex), ex);
		}
	}

	/**
	 * Probes one endpoint with one {@code Health/Check} call. The call carries no deadline: the
	 * engine fails a probe that outlives the listener's timeout and cancels the returned future,
	 * which cancels the call (on the server too); a probe cancelled while its channel is still
	 * being made makes no call.
	 * @param endpoint the endpoint
	 * @return the result
	 */
	@Override
	public CompletableFuture<ProbeResult> probe(Endpoint endpoint) {
		Objects.requireNonNull(endpoint, "endpoint");
		CompletableFuture<ManagedChannel> channel;
		try {
			channel = channel(endpoint);
		}
		catch (IllegalStateException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		CompletableFuture<ProbeResult> result = new CompletableFuture<>();
		channel.whenComplete((ready, ex) -> {
			if (ex != null) {
				result.complete(ProbeResult.failed(describeChannelFailure(endpoint, ex)));
			}
			else if (!result.isDone()) {
				check(ready, result);
			}
		});
		return result;
	}

	/**
	 * Returns whether endpoints are watched: the scout's mode is {@code watch}.
	 * @return {@code true} in watch mode
	 */
	@Override
	public boolean watches() {
		return this.scout.mode() == GrpcScout.Mode.WATCH;
	}

	/**
	 * Opens one {@code Health/Watch} stream to an endpoint over its channel (made if need be,
	 * shared with {@code Check} probes).
	 * @param endpoint the endpoint
	 * @param sink where to report
	 * @return the watch
	 */
	@Override
	public HealthWatch watch(Endpoint endpoint, WatchSink sink) {
		Objects.requireNonNull(endpoint, "endpoint");
		Objects.requireNonNull(sink, "sink");
		CompletableFuture<ManagedChannel> channel;
		try {
			channel = channel(endpoint);
		}
		catch (IllegalStateException ex) {
			channel = CompletableFuture.failedFuture(ex);
		}
		return GrpcHealthWatch.start(channel, this.request, sink, (ex) -> describeChannelFailure(endpoint, ex));
	}

	private void check(ManagedChannel channel, CompletableFuture<ProbeResult> result) {
		ClientCall<HealthCheckRequest, HealthCheckResponse> call;
		try {
			call = channel.newCall(HealthGrpc.getCheckMethod(), CallOptions.DEFAULT);
			ClientCalls.asyncUnaryCall(call, this.request, new StreamObserver<>() {

				@Override
				public void onNext(HealthCheckResponse response) {
					result.complete(toResult(response.getStatus()));
				}

				@Override
				public void onError(Throwable error) {
					result.complete(toResult(Status.fromThrowable(error)));
				}

				@Override
				public void onCompleted() {
					result.complete(ProbeResult.failed("no health check response"));
				}

			});
		}
		catch (RuntimeException ex) {
			result.complete(ProbeResult.failed("grpc call failed: " + Failures.describe(ex)));
			return;
		}
		// The engine cancels a probe that outlives its timeout: cancel the call with it. Registered
		// after the call starts, so it runs at once if the probe was cancelled meanwhile.
		result.whenComplete((r, ex) -> {
			if (ex != null) {
				call.cancel("probe cancelled", null);
			}
		});
	}

	private CompletableFuture<ManagedChannel> channel(Endpoint endpoint) {
		String key = key(endpoint);
		CompletableFuture<ManagedChannel> stale = null;
		CompletableFuture<ManagedChannel> channel;
		synchronized (this.lock) {
			if (this.closed) {
				throw new IllegalStateException("[" + this.listenerName + "] the grpc scout session is closed");
			}
			channel = this.channels.get(key);
			if (channel != null && isStale(channel)) {
				stale = channel;
				channel = null;
			}
			if (channel == null) {
				channel = newChannel(endpoint);
				this.channels.put(key, channel);
			}
		}
		if (stale != null) {
			shutdown(endpoint, stale, "replaced after TRANSIENT_FAILURE");
		}
		return channel;
	}

	private static boolean isStale(CompletableFuture<ManagedChannel> channel) {
		if (!channel.isDone()) {
			return false;
		}
		if (channel.isCompletedExceptionally()) {
			return true;
		}
		ManagedChannel ready = channel.join();
		// A channel in TRANSIENT_FAILURE fails calls at once until its back-off (up to 2 minutes)
		// expires; a new channel connects now, so that a probe sees the endpoint as it is.
		return ready.isShutdown() || ready.getState(false) == ConnectivityState.TRANSIENT_FAILURE;
	}

	// guarded by lock
	private CompletableFuture<ManagedChannel> newChannel(Endpoint endpoint) {
		String host = endpoint.host();
		if (isIpLiteral(host)) {
			try {
				// An IP literal: parsed, never looked up.
				return CompletableFuture.completedFuture(build(endpoint, InetAddress.getByName(host)));
			}
			catch (UnknownHostException | RuntimeException ex) {
				return CompletableFuture.failedFuture(ex);
			}
		}
		ExecutorService executor = this.resources.executor();
		try {
			// A host name: resolved with the JDK resolver off the engine's threads.
			return CompletableFuture.supplyAsync(() -> {
				try {
					return build(endpoint, InetAddress.getByName(host));
				}
				catch (UnknownHostException ex) {
					throw new CompletionException(ex);
				}
			}, executor);
		}
		catch (RejectedExecutionException ex) {
			return CompletableFuture.failedFuture(new IllegalStateException(ENGINE_CLOSED, ex));
		}
	}

	private ManagedChannel build(Endpoint endpoint, InetAddress address) {
		ExecutorService executor = this.resources.executor();
		String authority = this.scout.authority();
		NettyChannelBuilder builder = NettyChannelBuilder.forAddress(new InetSocketAddress(address, endpoint.port()))
			.eventLoopGroup(this.resources.eventLoop())
			.channelType(NioSocketChannel.class)
			.executor(executor)
			.offloadExecutor(executor)
			.disableRetry()
			.maxInboundMessageSize(MAX_INBOUND_MESSAGE_SIZE)
			.idleTimeout(IDLE_TIMEOUT_MINUTES, TimeUnit.MINUTES)
			.userAgent("clavier")
			.overrideAuthority((authority != null) ? authority : endpoint.address());
		if (this.sslContext != null) {
			builder.sslContext(this.sslContext);
		}
		else {
			builder.usePlaintext();
		}
		ManagedChannel channel = builder.build();
		if (logger.isDebugEnabled()) {
			logger.debug("[{}] Opened gRPC channel to {} ({})", this.listenerName, endpoint, address.getHostAddress());
		}
		return channel;
	}

	@Override
	public void release(Endpoint endpoint) {
		Objects.requireNonNull(endpoint, "endpoint");
		CompletableFuture<ManagedChannel> channel;
		synchronized (this.lock) {
			channel = this.channels.remove(key(endpoint));
		}
		if (channel != null) {
			shutdown(endpoint, channel, "endpoint released");
		}
	}

	@Override
	public void close() {
		List<CompletableFuture<ManagedChannel>> all;
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			all = new ArrayList<>(this.channels.values());
			this.channels.clear();
		}
		for (CompletableFuture<ManagedChannel> channel : all) {
			shutdown(null, channel, "session closed");
		}
	}

	private void shutdown(@Nullable Endpoint endpoint, CompletableFuture<ManagedChannel> channel, String reason) {
		// A channel still being made (host name resolution) is shut down as soon as it exists.
		channel.thenAccept((ready) -> {
			ready.shutdownNow();
			if (logger.isDebugEnabled()) {
				logger.debug("[{}] Shut down gRPC channel to {}: {}", this.listenerName,
						(endpoint != null) ? endpoint : ready.authority(), reason);
			}
		});
	}

	/**
	 * Returns how many channels the session holds (made or being made), for tests.
	 * @return the number of channels
	 */
	int channelCount() {
		synchronized (this.lock) {
			return this.channels.size();
		}
	}

	/**
	 * Returns the channel made for an endpoint, for tests.
	 * @param endpoint the endpoint
	 * @return the channel, or {@code null} if there is none or it is still being made
	 */
	@Nullable ManagedChannel currentChannel(Endpoint endpoint) {
		CompletableFuture<ManagedChannel> channel;
		synchronized (this.lock) {
			channel = this.channels.get(key(endpoint));
		}
		return (channel != null && channel.isDone() && !channel.isCompletedExceptionally()) ? channel.join() : null;
	}

	@Override
	public String toString() {
		return "GrpcScoutSession{listener=" + this.listenerName + ", scout=" + this.scout + ", channels="
				+ channelCount() + "}";
	}

	private static String key(Endpoint endpoint) {
		return endpoint.address().toLowerCase(Locale.ROOT);
	}

	private static boolean isIpLiteral(String host) {
		return host.indexOf(':') >= 0 || IPV4_LITERAL.matcher(host).matches();
	}

	static ProbeResult toResult(HealthCheckResponse.ServingStatus status) {
		if (status == HealthCheckResponse.ServingStatus.SERVING) {
			return ProbeResult.passed("SERVING");
		}
		return ProbeResult.failed(status.name());
	}

	static ProbeResult toResult(Status status) {
		String text = WHITESPACE.matcher(status.getCode() + ": " + describe(status)).replaceAll(" ");
		if (text.length() > MAX_DETAIL_LENGTH) {
			text = text.substring(0, MAX_DETAIL_LENGTH - 3) + "...";
		}
		return ProbeResult.failed(text);
	}

	private static String describe(Status status) {
		switch (status.getCode()) {
			case UNIMPLEMENTED:
				return "no health service";
			case UNAVAILABLE:
				Throwable failure = firstWithMessage(status.getCause());
				String cause = (failure != null) ? Failures.describe(failure) : null;
				if (cause != null && cause.toLowerCase(Locale.ROOT).contains("connection refused")) {
					return "connection refused";
				}
				String description = Objects.requireNonNullElse(status.getDescription(), "unavailable");
				return (cause != null) ? description + " (" + cause + ")" : description;
			default:
				String text = status.getDescription();
				return (text != null) ? text : status.getCode().name().toLowerCase(Locale.ROOT);
		}
	}

	/**
	 * Returns the first failure in a cause chain that has a message: gRPC often wraps the
	 * transport's exception in one without.
	 */
	private static @Nullable Throwable firstWithMessage(@Nullable Throwable cause) {
		for (Throwable current = cause; current != null; current = current.getCause()) {
			if (current.getMessage() != null) {
				return current;
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return null;
	}

	private static String describeChannelFailure(Endpoint endpoint, Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		if (cause instanceof UnknownHostException) {
			return "UNAVAILABLE: unknown host " + endpoint.host();
		}
		return "grpc channel to " + endpoint + " failed: " + Failures.describe(cause);
	}

}
