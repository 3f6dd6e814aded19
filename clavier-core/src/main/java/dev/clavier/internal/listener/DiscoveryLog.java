package dev.clavier.internal.listener;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.clavier.listener.Listener;

/**
 * The log lines of one listener's discovery: each failure (with the next delay and attempt),
 * stated once even when the plug-in's message already names what it looked up, and answers
 * without endpoints (NXDOMAIN, NODATA, an empty registry), logged once when they start and
 * once when endpoints come back, never on every refresh. Confined to the scheduler thread.
 */
final class DiscoveryLog {

	private static final Logger logger = LoggerFactory.getLogger(Listener.class);

	private final String name;

	private final String target;

	// Confined to the scheduler thread: whether the last answer had no endpoints.
	private boolean empty;

	DiscoveryLog(String name, String target) {
		this.name = name;
		this.target = target;
	}

	/**
	 * Logs a failed attempt.
	 * @param error the failure in words ({@code Failures.describe})
	 * @param known how many endpoints the listener keeps
	 * @param retryIn when it asks again, formatted
	 * @param attempt the attempt's number, 1 for the first failure in a row
	 */
	void failed(String error, int known, String retryIn, int attempt) {
		logger.warn("[{}] {}; keeping {} endpoint(s), retrying in {} (attempt {})", this.name, failure(error), known,
				retryIn, attempt);
	}

	/**
	 * Logs an answer without endpoints, once per run of such answers.
	 * @param note what the answer said, such as {@code NXDOMAIN}, or {@code null}
	 * @param known how many endpoints the listener knows
	 * @param kept whether they are kept (otherwise the answer clears them)
	 */
	void answeredEmpty(@Nullable String note, int known, boolean kept) {
		if (this.empty) {
			return;
		}
		this.empty = true;
		String answer = "discovery of " + this.target + " answered no endpoints" + ((note != null) ? " (" + note + ")" : "");
		if (known > 0 && kept) {
			logger.warn("[{}] {}; keeping the {} known endpoint(s)", this.name, answer, known);
		}
		else if (known > 0) {
			logger.warn("[{}] {}; dropping the {} known endpoint(s) (clear-on-empty), nothing to pick until it "
					+ "answers some", this.name, answer, known);
		}
		else {
			logger.warn("[{}] {}; nothing to pick until it answers some", this.name, answer);
		}
	}

	/**
	 * Notes an answer with endpoints, logging once that they came back after empty answers.
	 * @param found how many endpoints it found
	 */
	void answered(int found) {
		if (this.empty) {
			this.empty = false;
			logger.info("[{}] discovery of {} answers again: {} endpoint(s)", this.name, this.target, found);
		}
	}

	/**
	 * Words a failure once: a plug-in's message that already names what was looked up (the
	 * target's first word, as {@code dns lookup of backend.svc. A via ... failed: timed out} names
	 * {@code backend.svc.}) is not prefixed with the target again.
	 */
	String failure(String error) {
		int space = this.target.indexOf(' ');
		String subject = (space > 0) ? this.target.substring(0, space) : this.target;
		return error.contains(subject) ? error : "discovery of " + this.target + " failed: " + error;
	}

}
