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
	 * Returns whether the engine should {@linkplain #watch watch} endpoints rather than poll them.
	 * The default, {@code false}, means polling with {@link #probe} alone.
	 * @return {@code true} if endpoints are watched
	 */
	default boolean watches() {
		return false;
	}

	/**
	 * Starts watching one endpoint without blocking the calling thread: the session reports
	 * what the endpoint pushes to the sink until the watch is closed, ends or turns out to be
	 * unsupported. Called only when {@link #watches()} is {@code true}; the engine keeps at most
	 * one watch per endpoint, closes it before {@link #release} and re-opens one after
	 * {@link WatchSink#ended}. The engine fails a watch whose first report does not arrive
	 * within the listener's timeout, and closes it.
	 * @param endpoint the endpoint
	 * @param sink where to report, from any thread
	 * @return the watch, which the engine closes
	 * @throws UnsupportedOperationException by default
	 */
	default HealthWatch watch(Endpoint endpoint, WatchSink sink) {
		throw new UnsupportedOperationException(getClass().getSimpleName() + " does not watch endpoints");
	}

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
