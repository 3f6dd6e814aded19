package dev.clavier.internal.listener;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The engine's deadline on a plug-in's work (a probe, a discovery attempt): the one place a
 * timeout is enforced, so that a plug-in needs no deadline of its own. Thread-safe.
 */
final class Deadline {

	private Deadline() {
	}

	/**
	 * Returns a future that completes as the plug-in's does, or fails with a
	 * {@link TimeoutException} once the timeout has passed, cancelling the plug-in's work.
	 * Cancelling the returned future (removal, close) cancels the plug-in's work too.
	 * @param <T> the result type
	 * @param work the plug-in's future
	 * @param timeout how long it may take
	 * @param message the timeout's message, for example {@code timed out after 2s}
	 * @param scheduler the engine's scheduler, for the timer
	 * @return the guarded future
	 */
	static <T> CompletableFuture<T> within(CompletableFuture<T> work, Duration timeout, String message,
			ScheduledExecutorService scheduler) {
		if (work.isDone()) {
			return work;
		}
		CompletableFuture<T> result = new CompletableFuture<>();
		ScheduledFuture<?> timer = scheduler.schedule(() -> {
			if (result.completeExceptionally(new TimeoutException(message))) {
				work.cancel(true);
			}
		}, timeout.toNanos(), TimeUnit.NANOSECONDS);
		work.whenComplete((value, failure) -> {
			timer.cancel(false);
			if (failure != null) {
				result.completeExceptionally(failure);
			}
			else {
				result.complete(value);
			}
		});
		result.whenComplete((value, failure) -> {
			if (failure instanceof CancellationException) {
				work.cancel(true);
			}
		});
		return result;
	}

}
