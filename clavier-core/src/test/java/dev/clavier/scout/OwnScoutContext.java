package dev.clavier.scout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.clavier.model.NamedThreadFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;

/**
 * A scout context made without any engine class, as a third-party host of a scout would make
 * one: its own scheduler, its own Netty event loop and its own shared resources, all closed by
 * {@link #close()}. Proves that built-in scouts need nothing but the public context.
 */
public final class OwnScoutContext implements ScoutContext, AutoCloseable {

	private final Duration timeout;

	private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
			new NamedThreadFactory("own-scheduler"));

	private final EventLoopGroup eventLoop = new MultiThreadIoEventLoopGroup(1, new NamedThreadFactory("own-io"),
			NioIoHandler.newFactory());

	private final Map<Object, AutoCloseable> shared = new HashMap<>();

	private final List<AutoCloseable> created = new ArrayList<>();

	private boolean closed;

	/**
	 * Creates a context.
	 * @param timeout the probe timeout
	 */
	public OwnScoutContext(Duration timeout) {
		this.timeout = timeout;
	}

	@Override
	public String listenerName() {
		return "own";
	}

	@Override
	public Duration timeout() {
		return this.timeout;
	}

	@Override
	public ScheduledExecutorService executor() {
		return this.scheduler;
	}

	@Override
	public EventLoopGroup eventLoop() {
		return this.eventLoop;
	}

	@Override
	public synchronized <T extends AutoCloseable> T shared(Object key, Class<T> type, Supplier<T> factory) {
		if (this.closed) {
			throw new IllegalStateException("the context is closed");
		}
		AutoCloseable resource = this.shared.get(key);
		if (resource == null) {
			resource = factory.get();
			this.shared.put(key, resource);
			this.created.add(resource);
		}
		return type.cast(resource);
	}

	@Override
	public synchronized void close() throws Exception {
		if (this.closed) {
			return;
		}
		this.closed = true;
		for (int i = this.created.size() - 1; i >= 0; i--) {
			this.created.get(i).close();
		}
		this.eventLoop.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
		this.scheduler.shutdownNow();
	}

}
