package dev.clavier.internal.listener;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

import dev.clavier.discovery.DiscoveryContext;
import dev.clavier.internal.SharedResources;
import dev.clavier.scout.ScoutContext;
import io.netty.channel.EventLoopGroup;

/**
 * The context a listener hands its discovery and scout sessions: the listener's name, the probe
 * timeout and the engine's scheduler, event loop and shared resources. Thread-safe.
 *
 * @param listenerName the listener's name
 * @param timeout the probe timeout
 * @param executor the engine's scheduler
 * @param resources the engine's shared resources
 */
record ListenerContext(String listenerName, Duration timeout, ScheduledExecutorService executor,
		SharedResources resources) implements DiscoveryContext, ScoutContext {

	@Override
	public EventLoopGroup eventLoop() {
		return this.resources.eventLoop();
	}

	@Override
	public <T extends AutoCloseable> T shared(Object key, Class<T> type, Supplier<T> factory) {
		return this.resources.shared(key, type, factory);
	}

}
