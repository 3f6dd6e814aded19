package dev.clavier.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.clavier.discovery.DiscoveryContext;
import dev.clavier.scout.ScoutContext;

/**
 * A plug-in context as the engine makes one, for testing scouts and discoveries on their own:
 * a real scheduler and the engine's shared resources (one event loop thread), both stopped by
 * {@link #close()}.
 */
public final class TestPluginContext implements ScoutContext, DiscoveryContext, SharedResources.Provider, AutoCloseable {

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

	@Override
	public SharedResources sharedResources() {
		return this.resources;
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
