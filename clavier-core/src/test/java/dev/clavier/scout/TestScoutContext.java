package dev.clavier.scout;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import dev.clavier.internal.NamedThreadFactory;
import dev.clavier.internal.SharedResources;

/**
 * A scout context as the engine makes one, with a real scheduler and shared resources (one
 * event loop thread); closing it stops both.
 */
final class TestScoutContext implements ScoutContext, SharedResources.Provider, AutoCloseable {

	private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
			new NamedThreadFactory("test-scheduler"));

	private final SharedResources resources = new SharedResources(this.scheduler, 1);

	private final Duration timeout;

	TestScoutContext(Duration timeout) {
		this.timeout = timeout;
	}

	@Override
	public String listenerName() {
		return "test";
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
	}

}
