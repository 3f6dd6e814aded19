package dev.clavier.listener;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.clavier.Clavier;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.EndpointState;
import org.jspecify.annotations.Nullable;

/**
 * One logical service: its endpoints as discovery finds them, their health as the scout sees
 * it, and a pick of one healthy endpoint. Created by {@link Clavier#addListener}.
 * <p>
 * {@link #getEndpoint()} reads one immutable snapshot: no lock, no allocation. Every method is
 * thread-safe.
 * <p>
 * <b>Draining.</b> When discovery replaces endpoints, for example a DNS answer moving from one
 * address to another, the new ones are UNKNOWN until their first probe. So that picks do not
 * fail in between, endpoints that leave discovery while HEALTHY stay in the {@link #selection()}
 * (draining) if without them no discovered endpoint would be healthy while some still await
 * their first probe. A draining endpoint is no longer probed; it goes as soon as a discovered
 * endpoint becomes healthy, when every one that awaited its first probe has had it, or one probe
 * timeout ({@link ListenerConfig#timeout()}) after it left discovery, whichever comes first, and
 * at once when the listener closes. {@link #endpoints()} lists it with its last state and a
 * cause starting "left discovery".
 */
public interface Listener {

	/**
	 * Returns the listener's name, unique within its {@link Clavier}.
	 * @return the name
	 */
	String name();

	/**
	 * Returns the configuration the listener was created with.
	 * @return the configuration
	 */
	default ListenerConfig config() {
		return snapshot().config();
	}

	/**
	 * Returns one endpoint picked by the listener's filter among the healthy ones (or among all
	 * discovered ones when health is ignored or the all-down policy falls back), draining ones
	 * included while they last.
	 * @return the endpoint
	 * @throws NoHealthyEndpointException if there is none to pick
	 * @throws IllegalStateException if the listener was removed or its engine closed
	 */
	Endpoint getEndpoint();

	/**
	 * Returns one endpoint picked as {@link #getEndpoint()} picks it, with its call counted in
	 * flight until the returned pick is completed or closed: the {@code least-request} filter
	 * prefers endpoints with fewer calls in flight, and a completion reports the call's outcome
	 * as {@link #reportCall} does. Allocates the small pick object and nothing else.
	 * <pre>{@code
	 * try (Pick pick = listener.pick()) {
	 *     boolean ok = send(pick.endpoint());
	 *     pick.complete(ok, ok ? null : "refused");
	 * }
	 * }</pre>
	 * @return the pick, to complete or close exactly when the call ends
	 * @throws NoHealthyEndpointException if there is none to pick
	 * @throws IllegalStateException if the listener was removed or its engine closed
	 */
	Pick pick();

	/**
	 * Counts a call in flight to an endpoint picked elsewhere, from {@link #selection()} (as the
	 * Spring Cloud LoadBalancer bridge picks), until the returned pick is completed or closed.
	 * @param endpoint the endpoint called, as the selection returned it
	 * @return the pick; a call to an endpoint the listener does not know (any more) is not
	 * counted, and its completion is reported as {@link #reportCall} reports it
	 */
	Pick start(Endpoint endpoint);

	/**
	 * Returns how many calls to an endpoint are in flight now: picks not yet completed or closed,
	 * including the Spring Cloud LoadBalancer bridge's calls. A live count, not part of the
	 * snapshot: it changes with every call.
	 * @param endpoint the endpoint
	 * @return the count, 0 for an endpoint the listener does not know (any more)
	 */
	default int callsInFlight(Endpoint endpoint) {
		return 0;
	}

	/**
	 * Returns the listener at this moment, as one immutable snapshot: its selection, every
	 * endpoint's state, what discovery last did and its configuration. Readers that show more
	 * than one of these read them from one snapshot, so that they always show one moment.
	 * @return the snapshot
	 */
	ListenerSnapshot snapshot();

	/**
	 * Returns the current selection: the endpoints picks are made from and the filter's
	 * selector over them. The same instance is returned until the set changes, so callers may
	 * cache work keyed on its identity.
	 * Reads {@link #snapshot()}: a caller that needs more than the selection reads the snapshot
	 * once instead.
	 * @return the selection, possibly empty
	 */
	default Selection selection() {
		return snapshot().selection();
	}

	/**
	 * Returns every discovered endpoint with its health, in a stable order (host, then port),
	 * and the draining ones (see the class Javadoc) with their last state and a cause starting
	 * "left discovery", so that every endpoint a pick can return is listed. Reads
	 * {@link #snapshot()}.
	 * @return an immutable list
	 */
	default List<EndpointState> endpoints() {
		return snapshot().endpoints();
	}

	/**
	 * Returns what discovery last did. Reads {@link #snapshot()}.
	 * @return the discovery state
	 */
	default DiscoveryState discoveryState() {
		return snapshot().discovery();
	}

	/**
	 * Waits until the first discovery has answered and every endpoint it found has been probed once.
	 * @param timeout how long to wait at most
	 * @return {@code true} if ready, {@code false} if the time ran out
	 * @throws InterruptedException if the thread was interrupted while waiting
	 */
	boolean awaitReady(Duration timeout) throws InterruptedException;

	/**
	 * Returns a future that completes when the listener is ready, as {@link #awaitReady} defines it.
	 * @return the future; completes exceptionally if the listener closes first
	 */
	CompletableFuture<Void> whenReady();

	/**
	 * Probes every endpoint now, outside the schedule (an endpoint already being probed is
	 * left to finish); beyond {@link ListenerConfig#maxProbesInFlight()} at once, probes wait
	 * for running ones to end.
	 */
	void probeNow();

	/**
	 * Reports the outcome of a real call to an endpoint, for passive outlier detection: after
	 * {@link ListenerConfig#outlierFailures()} consecutive failures the endpoint leaves rotation
	 * at once, and its next passing probe brings it back. Cheap enough to call on every request;
	 * endpoints the listener does not know (any more) are ignored.
	 * @param endpoint the endpoint called, as returned by {@link #getEndpoint()} or {@link #selection()}
	 * @param success whether the call succeeded
	 * @param error why it failed, or {@code null}
	 */
	void reportCall(Endpoint endpoint, boolean success, @Nullable String error);

	/**
	 * Subscribes an observer to this listener's events.
	 * @param observer the observer
	 * @return a handle whose {@code close()} unsubscribes
	 */
	AutoCloseable subscribe(ListenerObserver observer);

	/**
	 * Returns whether the listener was removed or its engine closed.
	 * @return {@code true} once closed
	 */
	boolean isClosed();

}
