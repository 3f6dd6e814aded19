package dev.clavier.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.clavier.discovery.DiscoveryContext;
import dev.clavier.model.NamedThreadFactory;
import dev.clavier.scout.ScoutContext;
import io.netty.channel.EventLoopGroup;

/**
 * A plug-in context as the engine makes one, for testing scouts and discoveries on their own:
 * a real scheduler and the engine's shared resources (one event loop thread), both stopped by
 * {@link #close()}.
 */
public final class TestPluginContext implements ScoutContext, DiscoveryContext, AutoCloseable {

	private final String listenerName;

	private final Duration timeout;

	private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
			new NamedThreadFactory("test-scheduler"));

	private final SharedResources resources = new SharedResources(this.scheduler, 1);

	/**
	 * Creates a context.
	 * @param listenerName the listener's name
	 * @param timeout the probe timeout
	 */
	public TestPluginContext(String listenerName, Duration timeout) {
		this.listenerName = listenerName;
		this.timeout = timeout;
	}

	@Override
	public String listenerName() {
		return this.listenerName;
	}

	@Override
	public Duration timeout() {
		return this.timeout;
	}

	@Override
	public ScheduledExecutorService executor() {
		return this.scheduler;
	}

	/**
	 * Returns the engine-made resources behind this context, so that a test can stop them.
	 * @return the shared resources
	 */
	public SharedResources sharedResources() {
		return this.resources;
	}

	@Override
	public EventLoopGroup eventLoop() {
		return this.resources.eventLoop();
	}

	@Override
	public <T extends AutoCloseable> T shared(Object key, Class<T> type, Supplier<T> factory) {
		return this.resources.shared(key, type, factory);
	}

	@Override
	public void close() {
		this.resources.close();
		this.scheduler.shutdownNow();
		try {
			this.scheduler.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
