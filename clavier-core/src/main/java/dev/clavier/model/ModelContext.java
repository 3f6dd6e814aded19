package dev.clavier.model;

import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

import io.netty.channel.EventLoopGroup;

/**
 * What the engine gives every plug-in session, built-in or a user's: the listener's name, the
 * engine's scheduler and I/O event loop, and resources shared by the whole engine (the gRPC
 * channels' event loop, a host-name resolver). Through this one door a third-party model uses
 * the engine's threads as the built-in ones do, and a built-in model can be tested with a
 * context of the test's own making. Implementations must be thread-safe.
 */
public interface ModelContext {

	/**
	 * Returns the listener's name.
	 * @return the listener's name
	 */
	String listenerName();

	/**
	 * Returns the engine's scheduler, for short callbacks and timers only: never block on it.
	 * @return the scheduler
	 */
	ScheduledExecutorService executor();

	/**
	 * Returns the engine's Netty event loop for non-blocking network I/O, started on first use
	 * and stopped with the engine: never block on it.
	 * @return the event loop group
	 * @throws IllegalStateException if the engine is closed
	 */
	EventLoopGroup eventLoop();

	/**
	 * Returns a resource shared by every listener of the engine, creating it on first use; the
	 * engine closes it when it closes (newest first).
	 * @param <T> the resource type
	 * @param key the key, usually the resource's class
	 * @param type the resource type
	 * @param factory creates the resource
	 * @return the resource
	 * @throws IllegalStateException if the engine is closed
	 */
	<T extends AutoCloseable> T shared(Object key, Class<T> type, Supplier<T> factory);

}
