package dev.clavier.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.clavier.model.NamedThreadFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one engine shares among its listeners: the scheduler, the Netty event loop that TCP,
 * HTTP and DNS traffic runs on (started on first use), and other resources that plug-ins
 * register by key (the gRPC event loop, for example). {@link #close()} stops them all.
 * Thread-safe.
 */
public final class SharedResources implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(SharedResources.class);

	private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

	private final ScheduledExecutorService scheduler;

	private final int ioThreads;

	private final Object lock = new Object();

	// guarded by lock
	private @Nullable EventLoopGroup eventLoop;

	// guarded by lock
	private final Map<Object, AutoCloseable> shared = new LinkedHashMap<>();

	// guarded by lock
	private boolean closed;

	/**
	 * Creates the resources of one engine.
	 * @param scheduler the engine's scheduler (not closed by this class)
	 * @param ioThreads the number of event loop threads, 1 or more
	 */
	public SharedResources(ScheduledExecutorService scheduler, int ioThreads) {
		this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
		if (ioThreads < 1) {
			throw new IllegalArgumentException("ioThreads: " + ioThreads + " (expected: >= 1)");
		}
		this.ioThreads = ioThreads;
	}


	/**
	 * Returns the engine's scheduler.
	 * @return the scheduler
	 */
	public ScheduledExecutorService scheduler() {
		return this.scheduler;
	}

	/**
	 * Returns the engine's Netty event loop, starting it ({@code clavier-io-<n>} threads) on first use.
	 * @return the event loop group
	 * @throws IllegalStateException if the engine is closed
	 */
	public EventLoopGroup eventLoop() {
		synchronized (this.lock) {
			checkOpen();
			if (this.eventLoop == null) {
				this.eventLoop = new MultiThreadIoEventLoopGroup(this.ioThreads, new NamedThreadFactory("io"),
						NioIoHandler.newFactory());
			}
			return this.eventLoop;
		}
	}

	/**
	 * Returns a resource shared by the whole engine, creating it on first use; it is closed
	 * with the engine.
	 * @param <T> the resource type
	 * @param key the key, usually the resource's class
	 * @param type the resource type
	 * @param factory creates the resource
	 * @return the resource
	 * @throws IllegalStateException if the engine is closed
	 */
	public <T extends AutoCloseable> T shared(Object key, Class<T> type, Supplier<T> factory) {
		synchronized (this.lock) {
			checkOpen();
			AutoCloseable resource = this.shared.get(key);
			if (resource == null) {
				resource = Objects.requireNonNull(factory.get(), "factory result");
				this.shared.put(key, resource);
			}
			return type.cast(resource);
		}
	}

	/**
	 * Returns whether {@link #close()} was called.
	 * @return {@code true} once closed
	 */
	public boolean isClosed() {
		synchronized (this.lock) {
			return this.closed;
		}
	}

	private void checkOpen() {
		if (this.closed) {
			throw new IllegalStateException("the Clavier engine is closed");
		}
	}

	/**
	 * Closes the shared resources (newest first) and stops the event loop, waiting a bounded time.
	 */
	@Override
	public void close() {
		List<AutoCloseable> resources;
		EventLoopGroup group;
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			resources = new ArrayList<>(this.shared.values());
			this.shared.clear();
			group = this.eventLoop;
			this.eventLoop = null;
		}
		for (int i = resources.size() - 1; i >= 0; i--) {
			try {
				resources.get(i).close();
			}
			catch (Exception ex) {
				logger.warn("Failed to close {}", resources.get(i), ex);
			}
		}
		if (group != null) {
			group.shutdownGracefully(0, CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)
				.awaitUninterruptibly(CLOSE_WAIT.toMillis() * 2);
		}
	}

}
