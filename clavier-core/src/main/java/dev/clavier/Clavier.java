package dev.clavier;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.internal.SchedulerThread;
import dev.clavier.internal.SharedResources;
import dev.clavier.internal.listener.ClavierListener;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.listener.NoHealthyEndpointException;
import dev.clavier.model.Durations;
import dev.clavier.model.InvalidOptionException;
import dev.clavier.model.NamedThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Clavier engine: a registry of named {@link Listener}s sharing one scheduler thread and
 * one small I/O event loop. Create one per application and close it on shutdown:
 * <pre>{@code
 * try (Clavier clavier = Clavier.create()) {
 *     Listener backend = clavier.addListener("backend", ListenerConfig
 *             .builder(DnsDiscovery.builder().name("backend.svc.cluster.local").port(8080).build())
 *             .scout(HttpScout.builder().path("/health").build())
 *             .build());
 *     backend.awaitReady(Duration.ofSeconds(5));
 *     Endpoint endpoint = backend.getEndpoint();   // throws NoHealthyEndpointException
 * }
 * }</pre>
 * Threads: one {@code clavier-scheduler-1}, up to {@code ioThreads} {@code clavier-io-<n>}
 * started on first network use, and {@code clavier-grpc-<n>} when a gRPC scout runs; all are
 * daemon threads and {@link #close()} stops them. Thread-safe.
 */
public final class Clavier implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Clavier.class);

	private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

	private final ScheduledThreadPoolExecutor scheduler;

	private final SchedulerThread schedulerThread;

	private final SharedResources resources;

	private final Clock clock;

	private final Object lock = new Object();

	// guarded by lock
	private final Map<String, ClavierListener> listeners = new LinkedHashMap<>();

	private final List<ClavierObserver> observers = new CopyOnWriteArrayList<>();

	// guarded by lock
	private boolean closed;

	private Clavier(Builder builder) {
		this.clock = builder.clock;
		this.schedulerThread = new SchedulerThread(new NamedThreadFactory("scheduler"));
		this.scheduler = new ScheduledThreadPoolExecutor(1, this.schedulerThread);
		// Probe timers are cancelled constantly; do not let cancelled ones pile up in the queue.
		this.scheduler.setRemoveOnCancelPolicy(true);
		this.scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		this.resources = new SharedResources(this.scheduler, builder.ioThreads);
	}

	/**
	 * Creates an engine with default settings.
	 * @return the engine
	 */
	public static Clavier create() {
		return builder().build();
	}

	/**
	 * Returns a builder for an engine with custom settings.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Creates a listener and starts its discovery and probes.
	 * @param name the listener's name, unique in this engine (the default DNS name to resolve)
	 * @param config how it discovers, probes and picks
	 * @return the listener
	 * @throws IllegalArgumentException if the name is blank or taken, or a model rejects the configuration
	 * @throws IllegalStateException if the engine is closed
	 */
	public Listener addListener(String name, ListenerConfig config) {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(config, "config");
		if (name.isBlank()) {
			throw new IllegalArgumentException("name: '" + name + "' (expected: a non-blank listener name)");
		}
		ClavierListener listener;
		synchronized (this.lock) {
			if (this.closed) {
				throw new IllegalStateException("the Clavier engine is closed; cannot add listener '" + name + "'");
			}
			if (this.listeners.containsKey(name)) {
				throw new IllegalArgumentException("name: '" + name
						+ "' (expected: a name not in use; remove the existing listener first)");
			}
			listener = new ClavierListener(name, config, this.scheduler, this.schedulerThread, this.resources, this.clock);
			this.listeners.put(name, listener);
		}
		listener.start();
		logger.info("[{}] listener added: discovery {}, scout {}, filter {}", name, config.discovery().model(),
				config.scout().model(), config.filter().model());
		notifyObservers(listener, true);
		return listener;
	}

	/**
	 * Removes a listener: stops its discovery and probes and closes what it opened.
	 * @param name the listener's name
	 * @return {@code true} if there was such a listener
	 */
	public boolean removeListener(String name) {
		Objects.requireNonNull(name, "name");
		ClavierListener listener;
		synchronized (this.lock) {
			listener = this.listeners.remove(name);
		}
		if (listener == null) {
			return false;
		}
		listener.close();
		logger.info("[{}] listener removed", name);
		notifyObservers(listener, false);
		return true;
	}

	/**
	 * Changes a listener at run time: starts a listener of the new configuration under the same
	 * name, waits (at most {@code wait}) until it is ready, then puts it in the old one's place and
	 * closes the old one. The new listener starts each endpoint it keeps (same address) from the
	 * old one's status, so a change of interval, scout or filter neither drops healthy endpoints
	 * nor lets dead ones back in, and its readiness waits only for the endpoints it did not have.
	 * Until the swap, picks go to the old listener; observers hear
	 * {@link ClavierObserver#listenerReplaced}. Without a listener of that name, it is added.
	 * @param name the listener's name
	 * @param config the new configuration
	 * @param wait how long to wait for the new listener to be ready before the swap; past it, the
	 * swap happens anyway (logged), as at start-up
	 * @return the new listener
	 * @throws IllegalArgumentException if a model rejects the configuration (the old listener
	 * then stays as it was)
	 * @throws IllegalStateException if the engine is closed
	 */
	public Listener replaceListener(String name, ListenerConfig config, Duration wait) {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(config, "config");
		Objects.requireNonNull(wait, "wait");
		ClavierListener previous;
		ClavierListener listener;
		synchronized (this.lock) {
			if (this.closed) {
				throw new IllegalStateException("the Clavier engine is closed; cannot replace listener '" + name + "'");
			}
			previous = this.listeners.get(name);
			if (previous == null) {
				return addListener(name, config);
			}
			listener = new ClavierListener(name, config, this.scheduler, this.schedulerThread, this.resources,
					this.clock, previous.snapshot().endpoints());
		}
		listener.start();
		boolean ready;
		try {
			ready = listener.awaitReady(wait);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			ready = false;
		}
		synchronized (this.lock) {
			if (this.closed || this.listeners.get(name) != previous) {
				// Closed, removed or replaced meanwhile: this replacement lost.
				listener.close();
				throw new IllegalStateException("[" + name + "] listener was "
						+ (this.closed ? "closed" : "changed by another call") + " while being replaced");
			}
			this.listeners.put(name, listener);
		}
		if (!ready) {
			logger.warn("[{}] replacement not ready within {}; swapped in anyway", name, Durations.format(wait));
		}
		logger.info("[{}] listener replaced: discovery {}, scout {}, filter {}", name, config.discovery().model(),
				config.scout().model(), config.filter().model());
		for (ClavierObserver observer : this.observers) {
			try {
				observer.listenerReplaced(previous, listener);
			}
			catch (RuntimeException ex) {
				logger.warn("[{}] {} failed when the listener was replaced", name, observer, ex);
			}
		}
		previous.close();
		return listener;
	}

	/**
	 * Subscribes an observer to listeners added and removed from now on.
	 * @param observer the observer
	 * @return closing it unsubscribes the observer
	 */
	public AutoCloseable subscribe(ClavierObserver observer) {
		Objects.requireNonNull(observer, "observer");
		this.observers.add(observer);
		return () -> this.observers.remove(observer);
	}

	private void notifyObservers(Listener listener, boolean added) {
		for (ClavierObserver observer : this.observers) {
			try {
				if (added) {
					observer.listenerAdded(listener);
				}
				else {
					observer.listenerRemoved(listener);
				}
			}
			catch (RuntimeException ex) {
				logger.warn("[{}] {} failed when the listener was {}", listener.name(), observer,
						added ? "added" : "removed", ex);
			}
		}
	}

	/**
	 * Returns a listener by name.
	 * @param name the listener's name
	 * @return the listener, or empty if there is none of that name
	 */
	public Optional<Listener> listener(String name) {
		Objects.requireNonNull(name, "name");
		synchronized (this.lock) {
			return Optional.ofNullable(this.listeners.get(name));
		}
	}

	/**
	 * Returns every listener, sorted by name.
	 * @return a snapshot
	 */
	public List<Listener> listeners() {
		List<Listener> result;
		synchronized (this.lock) {
			result = new ArrayList<>(this.listeners.values());
		}
		result.sort(Comparator.comparing(Listener::name));
		return List.copyOf(result);
	}

	/**
	 * Returns whether {@link #close()} was called.
	 * @return {@code true} once closed
	 */
	public boolean isClosed() {
		synchronized (this.lock) {
			return this.closed;
		}
	}

	/**
	 * Removes every listener and stops every thread and channel the engine started, waiting a
	 * bounded time. Idempotent.
	 */
	@Override
	public void close() {
		List<ClavierListener> toClose;
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			toClose = new ArrayList<>(this.listeners.values());
			this.listeners.clear();
		}
		for (ClavierListener listener : toClose) {
			listener.close();
		}
		for (ClavierListener listener : toClose) {
			notifyObservers(listener, false);
		}
		this.observers.clear();
		this.resources.close();
		this.scheduler.shutdownNow();
		try {
			if (!this.scheduler.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn("Clavier scheduler did not stop within {}", CLOSE_WAIT);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		logger.debug("Clavier closed");
	}

	@Override
	public String toString() {
		synchronized (this.lock) {
			return "Clavier" + this.listeners.keySet() + (this.closed ? " (closed)" : "");
		}
	}

	/**
	 * Builds a {@link Clavier}. Not thread-safe.
	 */
	public static final class Builder {

		private int ioThreads = Math.min(2, Runtime.getRuntime().availableProcessors());

		private Clock clock = Clock.systemUTC();

		Builder() {
		}

		/**
		 * Sets how many threads the I/O event loop (TCP, HTTP and DNS traffic) uses. Default:
		 * the number of processors, at most 2; that serves ten thousand endpoints.
		 * @param ioThreads the number of threads, 1 to 64
		 * @return this builder
		 * @throws InvalidOptionException if out of range
		 */
		public Builder ioThreads(int ioThreads) {
			if (ioThreads < 1 || ioThreads > 64) {
				throw new InvalidOptionException("ioThreads", ioThreads, "1...64");
			}
			this.ioThreads = ioThreads;
			return this;
		}

		/**
		 * Sets the clock that time-stamps probes and discoveries. Default: the system UTC clock.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock");
			return this;
		}

		/**
		 * Returns a new engine.
		 * @return the engine
		 */
		public Clavier build() {
			return new Clavier(this);
		}

	}

}
