package dev.clavier.internal.listener;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import dev.clavier.listener.Listener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a listener is ready: its first discovery answered and every endpoint found before
 * then has ended its first probe. Confined to the scheduler thread, except the future.
 */
final class Readiness {

	private static final Logger logger = LoggerFactory.getLogger(Listener.class);

	private final String name;

	private final Runnable beforeReady;

	private final CompletableFuture<Void> future = new CompletableFuture<>();

	// Confined to the scheduler thread.
	private final Set<EndpointRecord> awaitingFirstProbe = new HashSet<>();

	// Confined to the scheduler thread.
	private boolean discoveryAnswered;

	// Confined to the scheduler thread.
	private boolean ready;

	/**
	 * Creates the readiness of one listener.
	 * @param name the listener's name
	 * @param beforeReady runs just before it becomes ready (publishes the snapshot, so that
	 * ready means picks see the first probes' outcome)
	 */
	Readiness(String name, Runnable beforeReady) {
		this.name = name;
		this.beforeReady = beforeReady;
	}

	CompletableFuture<Void> future() {
		return this.future;
	}

	boolean isReady() {
		return this.ready;
	}

	/**
	 * Notes a record whose first probe readiness waits for, if not ready yet.
	 * @param record the record
	 */
	void awaitFirstProbe(EndpointRecord record) {
		if (!this.ready) {
			this.awaitingFirstProbe.add(record);
		}
	}

	/**
	 * Notes that a record ended a probe or left discovery.
	 * @param record the record
	 */
	void done(EndpointRecord record) {
		if (this.awaitingFirstProbe.remove(record)) {
			check();
		}
	}

	/**
	 * Notes that discovery answered.
	 */
	void discoveryAnswered() {
		if (!this.discoveryAnswered) {
			this.discoveryAnswered = true;
			check();
		}
	}

	/**
	 * Becomes ready if nothing is awaited any more.
	 */
	void check() {
		if (this.discoveryAnswered && this.awaitingFirstProbe.isEmpty() && !this.ready) {
			this.ready = true;
			this.beforeReady.run();
			this.future.complete(null);
			logger.debug("[{}] ready", this.name);
		}
	}

	/**
	 * Fails the future of a listener closed before it was ready; any thread.
	 */
	void close() {
		this.future.completeExceptionally(new IllegalStateException("[" + this.name + "] listener closed before it was ready"));
	}

}
