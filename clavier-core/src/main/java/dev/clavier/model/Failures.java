package dev.clavier.model;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.jspecify.annotations.Nullable;

/**
 * The engine's one way to put a failure into words, for every log line, probe error, cause
 * and exception message it writes: the message of the failure that really happened (wrappers
 * such as {@link CompletionException} peeled off), or its simple class name when it has none.
 * Thread-safe.
 */
public final class Failures {

	private Failures() {
	}

	/**
	 * Returns what went wrong, in a few words.
	 * @param failure the failure, or {@code null}
	 * @return the description: the cause's message, {@code cancelled}, the cause's simple class
	 * name when it has no message, or {@code failed} when there is no failure
	 */
	public static String describe(@Nullable Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause == null) {
			return "failed";
		}
		if (cause instanceof CancellationException) {
			return "cancelled";
		}
		String message = cause.getMessage();
		return (message != null && !message.isBlank()) ? message : cause.getClass().getSimpleName();
	}

}
