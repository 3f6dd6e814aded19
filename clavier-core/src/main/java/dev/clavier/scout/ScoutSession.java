package dev.clavier.scout;

import java.util.concurrent.CompletableFuture;

import dev.clavier.endpoint.Endpoint;

/**
 * One listener's use of a {@link Scout}. The engine never probes one endpoint twice at once;
 * it treats a probe that has not completed within the listener's timeout as failed (and
 * cancels its future), and calls {@link #release} when an endpoint leaves discovery. So the
 * engine alone owns a probe's deadline: cancelling a probe's future must release what the probe
 * holds (close its connection, cancel its call). The engine also logs every probe, so a session
 * need not log its failures. Must be thread-safe: probes of different endpoints overlap.
 */
public interface ScoutSession extends AutoCloseable {

	/**
	 * Probes one endpoint, without blocking the calling thread.
	 * @param endpoint the endpoint
	 * @return the result; completing exceptionally counts as a failure, with the exception's
	 * message as the error
	 */
	CompletableFuture<ProbeResult> probe(Endpoint endpoint);

	/**
	 * Releases what the session holds for an endpoint that left discovery, for example a
	 * channel. The default does nothing.
	 * @param endpoint the endpoint
	 */
	default void release(Endpoint endpoint) {
	}

	/**
	 * Releases everything the session holds. The default does nothing.
	 */
	@Override
	default void close() {
	}

}
