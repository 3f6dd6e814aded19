package dev.clavier.test;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates daemon threads named {@code clavier-test-<role>-<n>}, numbered from 1 per factory.
 * Thread-safe.
 */
final class NamedThreadFactory implements ThreadFactory {

	private static final Logger logger = LoggerFactory.getLogger(NamedThreadFactory.class);

	private final String prefix;

	private final AtomicInteger counter = new AtomicInteger();

	NamedThreadFactory(String role) {
		this.prefix = "clavier-test-" + role + "-";
	}

	@Override
	public Thread newThread(Runnable runnable) {
		return newThread(null, runnable);
	}

	/**
	 * Returns a new daemon thread in the given group.
	 * @param group the thread group, or {@code null} for the current thread's
	 * @param runnable what the thread runs
	 * @return the unstarted thread
	 */
	Thread newThread(@Nullable ThreadGroup group, Runnable runnable) {
		Thread thread = new Thread(group, runnable, nextName());
		thread.setDaemon(true);
		thread.setUncaughtExceptionHandler(
				(failed, ex) -> logger.warn("Uncaught exception in thread {}", failed.getName(), ex));
		return thread;
	}

	/**
	 * Returns the next thread name, for a thread created elsewhere.
	 * @return the name
	 */
	String nextName() {
		return this.prefix + this.counter.incrementAndGet();
	}

}
