package dev.clavier.listener;

import dev.clavier.endpoint.Endpoint;
import org.jspecify.annotations.Nullable;

/**
 * One picked endpoint with its call in flight, from {@link Listener#pick()}: the call counts
 * against the endpoint (the {@code least-request} filter reads the count, {@code /actuator/clavier}
 * shows it) until it is completed or closed.
 * <pre>{@code
 * try (Pick pick = listener.pick()) {
 *     Response response = client.call(pick.endpoint());
 *     pick.complete(response.ok(), response.ok() ? null : "HTTP " + response.status());
 * }
 * }</pre>
 * Only the first of {@link #complete} and {@link #close()} counts; later calls do nothing, so a
 * try-with-resources may complete the pick inside and still close it. Thread-safe.
 */
public interface Pick extends AutoCloseable {

	/**
	 * Returns the endpoint to call.
	 * @return the endpoint
	 */
	Endpoint endpoint();

	/**
	 * Ends the call and reports its outcome, as {@link Listener#reportCall} does, for passive
	 * outlier detection. Does nothing after the first completion or close.
	 * @param success whether the call succeeded
	 * @param error why it failed, or {@code null}
	 */
	void complete(boolean success, @Nullable String error);

	/**
	 * Ends the call without reporting an outcome (a call cancelled, or never sent). Does nothing
	 * after the first completion or close.
	 */
	@Override
	void close();

}
