package dev.clavier.discovery.dns;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.clavier.discovery.DiscoveryContext;
import dev.clavier.internal.NamedThreadFactory;
import dev.clavier.internal.SharedResources;

/**
 * A discovery context as the engine makes one: a real scheduler and the engine's shared
 * resources (its Netty event loop), closed by {@link #close()}.
 */
final class TestDiscoveryContext implements DiscoveryContext, SharedResources.Provider, AutoCloseable {

	private final String listenerName;

	private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
			new NamedThreadFactory("scheduler"));

	private final SharedResources resources = new SharedResources(this.scheduler, 1);

	TestDiscoveryContext(String listenerName) {
		this.listenerName = listenerName;
	}

	@Override
	public String listenerName() {
		return this.listenerName;
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
	public void close() throws InterruptedException {
		this.resources.close();
		this.scheduler.shutdownNow();
		this.scheduler.awaitTermination(5, TimeUnit.SECONDS);
	}

}
