package dev.clavier.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.clavier.Clavier;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.listener.DiscoveryState;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.listener.ListenerSnapshot;
import dev.clavier.model.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Adds the configured listeners to the {@link Clavier} engine when the application context
 * starts, and removes them when it stops. Start-up then waits, at most the configured time, for
 * every listener's first discovery and first probe round, and logs the listeners that were not
 * ready; it never fails start-up for that.
 * <p>
 * Runs in phase {@link #PHASE}: before the web server starts taking requests, and stops after
 * it has drained them. The engine itself is closed by its own bean's destroy method. Thread-safe.
 */
public final class ClavierLifecycle implements SmartLifecycle {

	/**
	 * The lifecycle phase: before the web server's start (and after its graceful shutdown).
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Logger logger = LoggerFactory.getLogger(ClavierLifecycle.class);

	private final Clavier clavier;

	private volatile Map<String, ListenerConfig> configs;

	private final Duration wait;

	private final Object lock = new Object();

	// guarded by lock
	private final List<String> added = new ArrayList<>();

	private volatile boolean running;

	/**
	 * Creates the lifecycle.
	 * @param clavier the engine to add the listeners to
	 * @param configs the listeners' configurations by service id
	 * @param wait how long start-up waits for the listeners to be ready; zero does not wait
	 */
	public ClavierLifecycle(Clavier clavier, Map<String, ListenerConfig> configs, Duration wait) {
		this.clavier = Objects.requireNonNull(clavier, "clavier");
		this.configs = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(configs, "configs")));
		this.wait = Objects.requireNonNull(wait, "wait");
	}

	/**
	 * Returns the listeners' configurations, by service id.
	 * @return an unmodifiable map
	 */
	public Map<String, ListenerConfig> getListenerConfigs() {
		return this.configs;
	}

	/**
	 * Adds every listener to the engine, then waits for them to be ready, at most the configured time.
	 * @throws ClavierConfigurationException if a model rejects a listener's configuration
	 */
	@Override
	public void start() {
		List<Listener> listeners = new ArrayList<>();
		synchronized (this.lock) {
			if (this.running) {
				return;
			}
			for (Map.Entry<String, ListenerConfig> entry : this.configs.entrySet()) {
				try {
					listeners.add(this.clavier.addListener(entry.getKey(), entry.getValue()));
					this.added.add(entry.getKey());
				}
				catch (IllegalArgumentException ex) {
					removeAdded();
					throw new ClavierConfigurationException(ClavierProperties.prefix(entry.getKey()) + "discovery.model",
							entry.getValue().discovery().model(), String.valueOf(ex.getMessage()),
							"correct the listener's discovery and scout settings", ex);
				}
			}
			this.running = true;
		}
		awaitReady(listeners);
	}

	private void awaitReady(List<Listener> listeners) {
		if (listeners.isEmpty() || this.wait.isZero()) {
			return;
		}
		long started = System.nanoTime();
		CompletableFuture<?>[] ready = listeners.stream().map(Listener::whenReady).toArray(CompletableFuture[]::new);
		try {
			CompletableFuture.allOf(ready).get(this.wait.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			// Reported per listener below.
		}
		List<String> names = new ArrayList<>();
		for (int i = 0; i < listeners.size(); i++) {
			Listener listener = listeners.get(i);
			if (ready[i].isDone() && !ready[i].isCompletedExceptionally()) {
				names.add(listener.name());
			}
			else {
				logger.warn("[{}] not ready after {}: {}; starting anyway, calls may find no healthy endpoint yet",
						listener.name(), Durations.format(this.wait), describe(listener));
			}
		}
		if (!names.isEmpty()) {
			logger.info("Clavier listeners ready in {} ms: {}",
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), names);
		}
	}

	private static String describe(Listener listener) {
		ListenerSnapshot snapshot = listener.snapshot();
		DiscoveryState discovery = snapshot.discovery();
		if (discovery.lastRefresh() == null) {
			return "discovery of " + discovery.target() + " has not answered"
					+ ((discovery.lastError() != null) ? " (last error: " + discovery.lastError() + ")" : "");
		}
		if (snapshot.endpoints().isEmpty()) {
			// NXDOMAIN, an empty registry: an answer, but nothing to pick.
			return "discovery of " + discovery.target() + " answered no endpoints"
					+ ((discovery.lastNote() != null) ? " (" + discovery.lastNote() + ")" : "");
		}
		return snapshot.endpoints().size() + " endpoint(s) discovered, " + snapshot.count(HealthStatus.UNKNOWN)
				+ " not probed yet";
	}

	/**
	 * Applies a configuration changed at run time: adds the listeners it has and the engine has
	 * not, removes those it lacks, and replaces in place those {@code changed} names (each keeps
	 * the health of the endpoints it keeps, see {@link Clavier#replaceListener}); the others run
	 * on untouched. Before {@link #start()} or after {@link #stop()}, only the configurations are
	 * kept for the next start.
	 * @param next every listener's configuration now, by service id
	 * @param changed the service ids whose settings changed
	 * @throws ClavierConfigurationException if a model rejects a listener's configuration; the
	 * listeners changed before it keep their change, that one and the rest run on as they were
	 */
	public void reconfigure(Map<String, ListenerConfig> next, Set<String> changed) {
		Objects.requireNonNull(next, "next");
		Objects.requireNonNull(changed, "changed");
		synchronized (this.lock) {
			Map<String, ListenerConfig> previous = this.configs;
			this.configs = Collections.unmodifiableMap(new LinkedHashMap<>(next));
			if (!this.running) {
				return;
			}
			for (String name : previous.keySet()) {
				if (!next.containsKey(name) && this.added.remove(name)) {
					this.clavier.removeListener(name);
					logger.info("[{}] listener removed: no longer under clavier.listeners", name);
				}
			}
			for (Map.Entry<String, ListenerConfig> entry : next.entrySet()) {
				String name = entry.getKey();
				boolean known = previous.containsKey(name);
				if (known && !changed.contains(name)) {
					continue;
				}
				try {
					if (known) {
						this.clavier.replaceListener(name, entry.getValue(), this.wait);
					}
					else {
						this.clavier.addListener(name, entry.getValue());
						this.added.add(name);
					}
				}
				catch (IllegalArgumentException ex) {
					this.configs = withPrevious(this.configs, previous, name);
					throw new ClavierConfigurationException(ClavierProperties.prefix(name) + "discovery.model",
							entry.getValue().discovery().model(), String.valueOf(ex.getMessage()),
							"correct the listener's discovery and scout settings", ex);
				}
			}
		}
	}

	/**
	 * The configurations with one listener's put back as it was (or taken out if it was new).
	 */
	private static Map<String, ListenerConfig> withPrevious(Map<String, ListenerConfig> configs,
			Map<String, ListenerConfig> previous, String name) {
		Map<String, ListenerConfig> restored = new LinkedHashMap<>(configs);
		ListenerConfig was = previous.get(name);
		if (was != null) {
			restored.put(name, was);
		}
		else {
			restored.remove(name);
		}
		return Collections.unmodifiableMap(restored);
	}

	/**
	 * Removes the listeners this lifecycle added; the engine stays open.
	 */
	@Override
	public void stop() {
		synchronized (this.lock) {
			removeAdded();
			this.running = false;
		}
	}

	// guarded by lock
	private void removeAdded() {
		for (String name : this.added) {
			this.clavier.removeListener(name);
		}
		this.added.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public String toString() {
		return "ClavierLifecycle" + this.configs.keySet();
	}

}
