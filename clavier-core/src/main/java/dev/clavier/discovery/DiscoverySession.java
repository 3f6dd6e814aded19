package dev.clavier.discovery;

import java.util.concurrent.CompletableFuture;

/**
 * One listener's use of a {@link Discovery}. The engine calls {@link #discover()} on its
 * scheduler, never twice at once, and closes the session when the listener goes.
 */
public interface DiscoverySession extends AutoCloseable {

	/**
	 * Looks the endpoints up, without blocking.
	 * @return the answer; completes exceptionally on failure, and the engine then keeps the
	 * last good set and retries with back-off
	 */
	CompletableFuture<DiscoveryResult> discover();

	/**
	 * Returns what this session discovers, for logs and dashboards, for example
	 * {@code backend.svc.test. A}.
	 * @return a short description
	 */
	String target();

	/**
	 * Releases what the session holds. The default does nothing.
	 */
	@Override
	default void close() {
	}

}
