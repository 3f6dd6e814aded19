package dev.clavier.scout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.clavier.model.Durations;
import dev.clavier.model.Failures;

/**
 * What the engine does around every probe, for scout tests that open a session without an
 * engine: scouts set no deadline of their own, the engine owns it. A probe that has not
 * completed within the listener's timeout fails with {@code timed out after <timeout>} (the
 * engine's words, {@link Durations#format}) and the scout's future is cancelled, which must close
 * its connection or cancel its call; a probe that completes exceptionally fails with
 * {@link Failures#describe} of the exception, as {@link ScoutSession#probe} promises.
 * Thread-safe.
 */
public final class EngineDeadline {

	private EngineDeadline() {
	}

	/**
	 * Returns the outcome of a probe as the engine records it.
	 * @param probe the scout's future
	 * @param timeout the listener's timeout
	 * @return the outcome, completed within the timeout
	 */
	public static CompletableFuture<ProbeResult> apply(CompletableFuture<ProbeResult> probe, Duration timeout) {
		CompletableFuture<ProbeResult> outcome = new CompletableFuture<>();
		CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS).execute(() -> {
			if (outcome.complete(ProbeResult.failed("timed out after " + Durations.format(timeout)))) {
				probe.cancel(true);
			}
		});
		probe.whenComplete((result, failure) -> outcome
			.complete((failure != null) ? ProbeResult.failed(Failures.describe(failure)) : result));
		return outcome;
	}

}
