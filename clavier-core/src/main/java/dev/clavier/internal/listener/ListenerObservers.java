package dev.clavier.internal.listener;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerObserver;
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
	private final ArrayDeque<Consumer<ListenerObserver>> pending = new ArrayDeque<>();

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
	 * @param event the call to make on each
	 */
	void queue(Consumer<ListenerObserver> event) {
		if (!this.observers.isEmpty()) {
			this.pending.addLast(event);
		}
	}

	/**
	 * Delivers the queued events, in order.
	 */
	void deliver() {
		Consumer<ListenerObserver> event;
		while ((event = this.pending.pollFirst()) != null) {
			for (ListenerObserver observer : this.observers) {
				try {
					event.accept(observer);
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
