package dev.clavier.listener;

import java.time.Duration;
import java.util.List;

import dev.clavier.endpoint.Ejection;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.HealthTransition;
import org.jspecify.annotations.Nullable;

/**
 * Receives a listener's events: discoveries, probes, health transitions and changes of the set
 * that picks are made from. Metrics and event logs subscribe with
 * {@link Listener#subscribe(ListenerObserver)}.
 * <p>
 * Each method receives the listener as the {@link ListenerSnapshot} published with the event:
 * events are delivered after the snapshot that shows them, so what an observer reads there
 * agrees with what it is told. Methods are called on the engine's scheduler thread, one at a
 * time per listener: they must be quick and must not block. An exception thrown by an observer is logged and otherwise ignored.
 * Every method has an empty default.
 */
public interface ListenerObserver {

	/**
	 * Called after each discovery attempt.
	 * @param listener the listener at the moment of the event
	 * @param endpoints the endpoints discovered (empty when the attempt failed)
	 * @param error the failure, or {@code null} on success
	 */
	default void discovered(ListenerSnapshot listener, List<Endpoint> endpoints, @Nullable Throwable error) {
	}

	/**
	 * Called after each probe.
	 * @param listener the listener at the moment of the event
	 * @param endpoint the endpoint probed
	 * @param healthy whether the probe succeeded
	 * @param latency how long the probe took
	 * @param error why it failed, or {@code null} on success
	 */
	default void probed(ListenerSnapshot listener, Endpoint endpoint, boolean healthy, Duration latency,
			@Nullable String error) {
	}

	/**
	 * Called when an endpoint's health changes.
	 * @param listener the listener at the moment of the event
	 * @param transition the transition
	 */
	default void transitioned(ListenerSnapshot listener, HealthTransition transition) {
	}

	/**
	 * Called when failed real calls eject an endpoint (passive outlier detection), after its
	 * transition to UNHEALTHY.
	 * @param listener the listener at the moment of the event
	 * @param endpoint the endpoint ejected
	 * @param ejection until when, how many times, and why
	 */
	default void ejected(ListenerSnapshot listener, Endpoint endpoint, Ejection ejection) {
	}

	/**
	 * Called when the set of endpoints that picks are made from changes (membership or health).
	 * @param listener the listener at the moment of the event
	 * @param selectable the endpoints picks are now made from, in a stable order
	 */
	default void selectionChanged(ListenerSnapshot listener, List<Endpoint> selectable) {
	}

	/**
	 * Called when a broken watch stream of an endpoint (gRPC {@code Health/Watch}) is opened
	 * again, after its back-off.
	 * @param listener the listener at the moment of the event
	 * @param endpoint the endpoint
	 */
	default void watchReconnected(ListenerSnapshot listener, Endpoint endpoint) {
	}

}
