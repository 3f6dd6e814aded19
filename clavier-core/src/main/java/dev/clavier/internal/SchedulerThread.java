package dev.clavier.internal;

import java.util.concurrent.ThreadFactory;

import org.jspecify.annotations.Nullable;

/**
 * Creates the engine scheduler's thread and remembers it, so that a listener closed from that
 * very thread (an observer, say) does not wait for itself. Thread-safe.
 */
public final class SchedulerThread implements ThreadFactory {

	private final ThreadFactory delegate;

	private volatile @Nullable Thread current;

	/**
	 * Creates a factory.
	 * @param delegate makes the thread
	 */
	public SchedulerThread(ThreadFactory delegate) {
		this.delegate = delegate;
	}

	@Override
	public Thread newThread(Runnable task) {
		Thread thread = this.delegate.newThread(task);
		this.current = thread;
		return thread;
	}

	/**
	 * Returns whether the calling thread is the scheduler's.
	 * @return {@code true} on the scheduler thread
	 */
	public boolean isCurrent() {
		return Thread.currentThread() == this.current;
	}

}
