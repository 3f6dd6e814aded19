package dev.clavier.scout.grpc;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.clavier.model.Durations;
import dev.clavier.model.NamedThreadFactory;
import dev.clavier.scout.ScoutContext;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every gRPC scout session of one engine shares, registered in the engine's
 * {@link ScoutContext#shared} on first use and closed with it: one event loop of gRPC's shaded
 * Netty ({@code clavier-grpc-<n>}), which also runs gRPC's timers (deadlines, idle timeout,
 * reconnect back-off), and one small executor ({@code clavier-grpc-exec-<n>}) for call
 * callbacks, gRPC's offloaded work and host name resolution. Thread-safe.
 */
final class GrpcResources implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(GrpcResources.class);

	private static final int EVENT_LOOP_THREADS = Math.min(2, Runtime.getRuntime().availableProcessors());

	private static final int EXECUTOR_THREADS = 2;

	private static final long CLOSE_WAIT_MILLIS = 5_000;

	private final EventLoopGroup eventLoop;

	private final ThreadPoolExecutor executor;

	private GrpcResources() {
		this.eventLoop = new MultiThreadIoEventLoopGroup(EVENT_LOOP_THREADS, new NamedThreadFactory("grpc"),
				NioIoHandler.newFactory());
		this.executor = new ThreadPoolExecutor(EXECUTOR_THREADS, EXECUTOR_THREADS, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), new NamedThreadFactory("grpc-exec"));
		this.executor.allowCoreThreadTimeOut(true);
	}

	/**
	 * Returns the engine's gRPC resources, creating them on first use.
	 * @param context the scout's context
	 * @return the gRPC resources
	 * @throws IllegalStateException if the engine is closed
	 */
	static GrpcResources of(ScoutContext context) {
		return context.shared(GrpcResources.class, GrpcResources.class, GrpcResources::new);
	}

	/**
	 * Returns the event loop that channels run on.
	 * @return the event loop group
	 */
	EventLoopGroup eventLoop() {
		return this.eventLoop;
	}

	/**
	 * Returns the executor for callbacks, offloaded work and name resolution.
	 * @return the executor
	 */
	ExecutorService executor() {
		return this.executor;
	}

	/**
	 * Stops the event loop and the executor, waiting a bounded time for their threads to end.
	 */
	@Override
	public void close() {
		this.executor.shutdown();
		boolean loopDone = this.eventLoop.shutdownGracefully(0, CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)
			.awaitUninterruptibly(CLOSE_WAIT_MILLIS * 2);
		boolean executorDone = false;
		try {
			executorDone = this.executor.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (!executorDone) {
			this.executor.shutdownNow();
		}
		if (!loopDone || !executorDone) {
			logger.warn("gRPC scout threads did not stop within {}", Durations.format(Duration.ofMillis(CLOSE_WAIT_MILLIS)));
		}
	}

	@Override
	public String toString() {
		return "GrpcResources{eventLoopThreads=" + EVENT_LOOP_THREADS + ", executorThreads=" + EXECUTOR_THREADS + "}";
	}

}
