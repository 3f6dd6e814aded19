package dev.clavier;

import dev.clavier.listener.Listener;

/**
 * Receives an engine's listener changes, so that metrics, health and event logs can follow
 * listeners added and removed at run time. Subscribe with
 * {@link Clavier#subscribe(ClavierObserver)}.
 * <p>
 * Methods are called on the thread that made the change ({@link Clavier#addListener},
 * {@link Clavier#removeListener}, {@link Clavier#replaceListener} or {@link Clavier#close()}), after it: they must be quick and
 * must not block. Changes made on different threads may be reported out of order; read
 * {@link Clavier#listeners()} for the current set. An exception thrown by an observer is logged
 * and otherwise ignored. Every method has an empty default.
 */
public interface ClavierObserver {

	/**
	 * Called after a listener was added and started.
	 * @param listener the listener
	 */
	default void listenerAdded(Listener listener) {
	}

	/**
	 * Called after a listener was removed and closed, also for each listener when the engine
	 * closes.
	 * @param listener the listener, closed
	 */
	default void listenerRemoved(Listener listener) {
	}

	/**
	 * Called after {@link Clavier#replaceListener} put a new listener in the place of one of the
	 * same name, before the old one is closed. By default, as if the old one was removed and the
	 * new one added; override it to switch from one to the other without a moment between them.
	 * @param previous the listener replaced, about to be closed
	 * @param listener the listener now under that name, started and ready (or past the wait)
	 */
	default void listenerReplaced(Listener previous, Listener listener) {
		listenerRemoved(previous);
		listenerAdded(listener);
	}

}
