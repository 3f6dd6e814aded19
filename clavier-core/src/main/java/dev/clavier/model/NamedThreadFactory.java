package dev.clavier.model;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes daemon threads named {@code clavier-<role>-<n>}, so that every thread the engine
 * starts can be told apart in a dump and proven gone after close. Thread-safe.
 */
public final class NamedThreadFactory implements ThreadFactory {

	private final String prefix;

	private final AtomicInteger count = new AtomicInteger();

	/**
	 * Creates a factory.
	 * @param role the role, for example {@code scheduler} or {@code io}
	 */
	public NamedThreadFactory(String role) {
		this.prefix = "clavier-" + Objects.requireNonNull(role, "role") + "-";
	}

	@Override
	public Thread newThread(Runnable task) {
		Thread thread = new Thread(task, this.prefix + this.count.incrementAndGet());
		thread.setDaemon(true);
		return thread;
	}

}
