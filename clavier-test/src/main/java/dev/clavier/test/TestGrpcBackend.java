package dev.clavier.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.BindableService;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real gRPC server on a loopback address with the standard health service
 * ({@code grpc.health.v1.Health}), whose answers a test sets at run time.
 *
 * <pre class="code">
 * try (TestGrpcBackend backend = TestGrpcBackend.start("127.0.0.2", 0)) {
 *     backend.status("", ServingStatus.NOT_SERVING);
 *     backend.status("my.Service", ServingStatus.SERVING);
 *     backend.hang(true); // Check never answers: clients hit their deadline
 * }
 * </pre>
 *
 * <p>
 * The overall health (service {@code ""}) starts as SERVING; a service without a status
 * answers gRPC status NOT_FOUND; a backend built {@link Builder#healthService(boolean) without
 * the health service} answers UNIMPLEMENTED, and one built {@link Builder#watch(boolean) without
 * Watch} answers UNIMPLEMENTED to Health/Watch alone. {@link #openWatches()} counts the Watch
 * streams open on the server, to prove clients close theirs. {@link #stop()} stops the server at once, failing
 * held Check calls with UNAVAILABLE; health statuses and counters survive stop and start. Netty's
 * threads are daemon threads named {@code clavier-test-grpc-boss-<n>} and
 * {@code clavier-test-grpc-worker-<n>}, calls run on {@code clavier-test-grpc-<n>}; all are
 * stopped by {@link #close()}.
 *
 * <p>
 * Thread-safe.
 */
public final class TestGrpcBackend extends LoopbackBackend<TestGrpcBackend, Server> {

	private static final Logger logger = LoggerFactory.getLogger(TestGrpcBackend.class);

	private static final long TERMINATION_SECONDS = 5;

	private final boolean healthService;

	private final boolean watch;

	private final AtomicInteger watches = new AtomicInteger();

	private final AtomicInteger openWatches = new AtomicInteger();

	private final HealthStatusManager health = new HealthStatusManager();

	private final HealthGrpc.AsyncService delegate;

	private final EventLoopGroup bossGroup;

	private final EventLoopGroup workerGroup;

	private final ExecutorService executor;

	private final AtomicInteger checks = new AtomicInteger();

	private final Set<PendingCheck> pendingChecks = ConcurrentHashMap.newKeySet();

	private volatile boolean hang;

	private TestGrpcBackend(InetAddress host, int port, boolean healthService, boolean watch) {
		super(logger, "gRPC", host, port);
		this.healthService = healthService;
		this.watch = watch;
		BindableService service = this.health.getHealthService();
		if (!(service instanceof HealthGrpc.AsyncService)) {
			throw new IllegalStateException("Unexpected health service " + service.getClass().getName());
		}
		this.delegate = (HealthGrpc.AsyncService) service;
		this.bossGroup = new MultiThreadIoEventLoopGroup(1, new NamedThreadFactory("grpc-boss"),
				NioIoHandler.newFactory());
		this.workerGroup = new MultiThreadIoEventLoopGroup(2, new NamedThreadFactory("grpc-worker"),
				NioIoHandler.newFactory());
		this.executor = Executors.newFixedThreadPool(4, new NamedThreadFactory("grpc"));
	}

	/**
	 * Creates a backend with the health service and starts it.
	 * @param host a loopback address literal such as {@code 127.0.0.2} or {@code ::1}
	 * @param port the port, 0 for a random one
	 * @return the running backend
	 * @throws UncheckedIOException if the port could not be bound
	 */
	public static TestGrpcBackend start(String host, int port) {
		return builder().host(host).port(port).start();
	}

	/**
	 * Creates a backend without the health service, so that Health/Check answers
	 * UNIMPLEMENTED, and starts it.
	 * @param host a loopback address literal
	 * @param port the port, 0 for a random one
	 * @return the running backend
	 * @throws UncheckedIOException if the port could not be bound
	 */
	public static TestGrpcBackend startWithoutHealthService(String host, int port) {
		return builder().host(host).port(port).healthService(false).start();
	}

	/**
	 * Returns a builder for a backend on a random port of 127.0.0.1 with the health service.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Sets the serving status that Health/Check and Watch report for a service.
	 * @param service the service name, {@code ""} for the server's overall health
	 * @param status the status
	 * @return this backend
	 */
	public TestGrpcBackend status(String service, ServingStatus status) {
		Objects.requireNonNull(service, "service");
		Objects.requireNonNull(status, "status");
		this.health.setStatus(service, status);
		return this;
	}

	/**
	 * Removes the status of a service, so that Health/Check answers gRPC status NOT_FOUND
	 * (SERVICE_UNKNOWN for Watch).
	 * @param service the service name, {@code ""} for the server's overall health
	 * @return this backend
	 */
	public TestGrpcBackend clearStatus(String service) {
		Objects.requireNonNull(service, "service");
		this.health.clearStatus(service);
		return this;
	}

	/**
	 * Sets whether Health/Check calls hang: while {@code true} they are held without an
	 * answer (clients hit their deadline); set back to {@code false}, held calls are answered.
	 * @param hang whether Check calls hang
	 * @return this backend
	 */
	public TestGrpcBackend hang(boolean hang) {
		this.hang = hang;
		if (!hang) {
			releasePendingChecks();
		}
		return this;
	}

	/**
	 * Returns the number of Health/Check calls received, held ones included.
	 * @return the check count
	 */
	public int checks() {
		return this.checks.get();
	}

	/**
	 * Returns the number of Health/Check calls held by {@link #hang(boolean)} that the client
	 * has not yet cancelled.
	 * @return the held call count
	 */
	public int pendingChecks() {
		return this.pendingChecks.size();
	}

	/**
	 * Returns the number of Health/Watch calls received, refused ones included.
	 * @return the watch count
	 */
	public int watches() {
		return this.watches.get();
	}

	/**
	 * Returns the number of Health/Watch streams open on the server: started and neither
	 * completed nor cancelled.
	 * @return the open stream count
	 */
	public int openWatches() {
		return this.openWatches.get();
	}

	/**
	 * Resets the check counter to zero.
	 * @return this backend
	 */
	public TestGrpcBackend resetCounts() {
		this.checks.set(0);
		return this;
	}

	@Override
	Server open() throws IOException {
		Server started = bind(() -> newServer().start());
		bound(started.getPort());
		return started;
	}

	@Override
	String startDetail() {
		return this.healthService ? (this.watch ? "" : " without Health/Watch") : " without health service";
	}

	@Override
	void shut(Server server) {
		failPendingChecks();
		server.shutdownNow();
		try {
			if (!server.awaitTermination(TERMINATION_SECONDS, TimeUnit.SECONDS)) {
				logger.warn("gRPC backend {} did not terminate within {} s", hostAndPort(), TERMINATION_SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	void closeThreads() {
		this.bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(TERMINATION_SECONDS,
				TimeUnit.SECONDS);
		this.workerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(TERMINATION_SECONDS,
				TimeUnit.SECONDS);
		this.executor.shutdownNow();
	}

	@Override
	public String toString() {
		return "TestGrpcBackend[" + hostAndPort() + ", healthService=" + this.healthService + ", hang=" + this.hang
				+ "]";
	}

	private Server newServer() {
		NettyServerBuilder builder = NettyServerBuilder.forAddress(address())
			.bossEventLoopGroup(this.bossGroup)
			.workerEventLoopGroup(this.workerGroup)
			.channelType(NioServerSocketChannel.class)
			.executor(this.executor);
		if (this.healthService) {
			builder.addService(ServerInterceptors.intercept(new HoldingHealthService(), new WatchCounter()));
		}
		return builder.build();
	}

	private void releasePendingChecks() {
		for (PendingCheck pending : List.copyOf(this.pendingChecks)) {
			if (this.pendingChecks.remove(pending)) {
				try {
					this.delegate.check(pending.request(), pending.observer());
				}
				catch (RuntimeException ex) {
					logger.debug("Cannot answer a held check on {}: {}", hostAndPort(), ex.toString());
				}
			}
		}
	}

	private void failPendingChecks() {
		List<PendingCheck> failed = new ArrayList<>(this.pendingChecks);
		this.pendingChecks.clear();
		for (PendingCheck pending : failed) {
			try {
				pending.observer()
					.onError(Status.UNAVAILABLE.withDescription("gRPC backend " + hostAndPort() + " stopped")
						.asRuntimeException());
			}
			catch (RuntimeException ex) {
				logger.debug("Cannot fail a held check on {}: {}", hostAndPort(), ex.toString());
			}
		}
	}

	/**
	 * Builds a {@link TestGrpcBackend}. Not thread-safe.
	 */
	public static final class Builder {

		private String host = "127.0.0.1";

		private int port;

		private boolean healthService = true;

		private boolean watch = true;

		Builder() {
		}

		/**
		 * Sets the host; default {@code 127.0.0.1}.
		 * @param host a loopback address literal such as {@code 127.0.0.2} or {@code ::1}
		 * @return this builder
		 */
		public Builder host(String host) {
			Loopback.requireLoopback(host);
			this.host = host;
			return this;
		}

		/**
		 * Sets the port; default 0, a random one.
		 * @param port the port
		 * @return this builder
		 */
		public Builder port(int port) {
			this.port = Loopback.requirePort(port);
			return this;
		}

		/**
		 * Sets whether the server has the health service; default {@code true}. Without it,
		 * Health/Check answers UNIMPLEMENTED.
		 * @param healthService whether to add the health service
		 * @return this builder
		 */
		public Builder healthService(boolean healthService) {
			this.healthService = healthService;
			return this;
		}

		/**
		 * Sets whether the health service implements Health/Watch; default {@code true}.
		 * Without it, Watch answers UNIMPLEMENTED while Check works, as in servers that predate
		 * the stream.
		 * @param watch whether Watch is implemented
		 * @return this builder
		 */
		public Builder watch(boolean watch) {
			this.watch = watch;
			return this;
		}

		/**
		 * Creates the backend and starts it.
		 * @return the running backend
		 * @throws UncheckedIOException if the port could not be bound
		 */
		public TestGrpcBackend start() {
			return startOrClose(new TestGrpcBackend(Loopback.requireLoopback(this.host), this.port,
					this.healthService, this.watch));
		}

	}

	/**
	 * A Check call held while the backend hangs.
	 */
	private record PendingCheck(HealthCheckRequest request, StreamObserver<HealthCheckResponse> observer) {

	}

	/**
	 * The health service: delegates to the {@link HealthStatusManager}'s, counting checks and
	 * holding them while the backend hangs.
	 */
	private final class HoldingHealthService extends HealthGrpc.HealthImplBase {

		@Override
		public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> responseObserver) {
			TestGrpcBackend.this.checks.incrementAndGet();
			if (!TestGrpcBackend.this.hang) {
				TestGrpcBackend.this.delegate.check(request, responseObserver);
				return;
			}
			PendingCheck pending = new PendingCheck(request, responseObserver);
			if (responseObserver instanceof ServerCallStreamObserver) {
				((ServerCallStreamObserver<HealthCheckResponse>) responseObserver)
					.setOnCancelHandler(() -> TestGrpcBackend.this.pendingChecks.remove(pending));
			}
			TestGrpcBackend.this.pendingChecks.add(pending);
			if (!TestGrpcBackend.this.hang) {
				// hang was switched off meanwhile: do not leave this call behind
				releasePendingChecks();
			}
		}

		@Override
		public void watch(HealthCheckRequest request, StreamObserver<HealthCheckResponse> responseObserver) {
			if (!TestGrpcBackend.this.watch) {
				responseObserver.onError(Status.UNIMPLEMENTED.withDescription("Method not found: Health/Watch")
					.asRuntimeException());
				return;
			}
			TestGrpcBackend.this.delegate.watch(request, responseObserver);
		}

	}

	/**
	 * Counts Health/Watch calls and the streams still open: one is open from its start until it
	 * completes or is cancelled (by the client, or by the server stopping).
	 */
	private final class WatchCounter implements ServerInterceptor {

		@Override
		public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
				ServerCallHandler<Q, R> next) {
			String method = call.getMethodDescriptor().getFullMethodName();
			if (!HealthGrpc.getWatchMethod().getFullMethodName().equals(method)) {
				return next.startCall(call, headers);
			}
			TestGrpcBackend.this.watches.incrementAndGet();
			TestGrpcBackend.this.openWatches.incrementAndGet();
			AtomicBoolean counted = new AtomicBoolean(true);
			Runnable closed = () -> {
				if (counted.compareAndSet(true, false)) {
					TestGrpcBackend.this.openWatches.decrementAndGet();
				}
			};
			ServerCall.Listener<Q> listener;
			try {
				listener = next.startCall(call, headers);
			}
			catch (RuntimeException ex) {
				closed.run();
				throw ex;
			}
			return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {

				@Override
				public void onComplete() {
					closed.run();
					super.onComplete();
				}

				@Override
				public void onCancel() {
					closed.run();
					super.onCancel();
				}

			};
		}

	}

}
