package dev.clavier.internal.listener;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerObserver;
import dev.clavier.listener.ListenerSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener's observers and the events waiting for them. Events are queued as they happen and
 * delivered by {@link #deliver()} after the snapshot that shows them is published, so an
 * observer that reads {@link Listener#snapshot()} sees what it is told about. A failing
 * observer is logged and never breaks the engine.
 * <p>
 * Subscribing is thread-safe; queueing and delivering are confined to the scheduler thread.
 */
final class ListenerObservers {

	private static final Logger logger = LoggerFactory.getLogger(Listener.class);

	private final String name;

	private final CopyOnWriteArrayList<ListenerObserver> observers = new CopyOnWriteArrayList<>();

	// Confined to the scheduler thread.
	private final ArrayDeque<BiConsumer<ListenerObserver, ListenerSnapshot>> pending = new ArrayDeque<>();

	ListenerObservers(String name) {
		this.name = name;
	}

	AutoCloseable subscribe(ListenerObserver observer) {
		Objects.requireNonNull(observer, "observer");
		this.observers.add(observer);
		return () -> this.observers.remove(observer);
	}

	/**
	 * Queues an event for every observer.
	 * @param event the call to make on each, with the snapshot it is delivered with
	 */
	void queue(BiConsumer<ListenerObserver, ListenerSnapshot> event) {
		if (!this.observers.isEmpty()) {
			this.pending.addLast(event);
		}
	}

	/**
	 * Delivers the queued events, in order, with the snapshot just published.
	 * @param snapshot the snapshot that shows them
	 */
	void deliver(ListenerSnapshot snapshot) {
		BiConsumer<ListenerObserver, ListenerSnapshot> event;
		while ((event = this.pending.pollFirst()) != null) {
			for (ListenerObserver observer : this.observers) {
				try {
					event.accept(observer, snapshot);
				}
				catch (RuntimeException ex) {
					logger.warn("[{}] observer {} failed", this.name, observer, ex);
				}
			}
		}
	}

	void clear() {
		this.pending.clear();
	}

}
