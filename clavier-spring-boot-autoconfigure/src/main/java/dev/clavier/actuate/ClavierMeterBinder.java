package dev.clavier.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import dev.clavier.Clavier;
import dev.clavier.ClavierObserver;
import dev.clavier.endpoint.Ejection;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.endpoint.HealthTransition;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerObserver;
import dev.clavier.listener.ListenerSnapshot;
import dev.clavier.model.Failures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micrometer meters for every listener of a Clavier engine, each tagged {@code listener}:
 * <ul>
 * <li>{@code clavier.endpoints} (gauge, tag {@code status}: {@code healthy}, {@code unhealthy},
 * {@code unknown}): discovered endpoints by health, each read from one
 * {@link Listener#snapshot()} (one per gauge read: Micrometer reads the three gauges of a scrape
 * separately, so they may come from two moments), NaN once the listener is closed;</li>
 * <li>{@code clavier.probe} (timer, tag {@code outcome}: {@code success}, {@code failure}): probes
 * and their latency;</li>
 * <li>{@code clavier.discovery.refreshes} (counter, tag {@code outcome}): discovery attempts;</li>
 * <li>{@code clavier.transitions} (counter, tag {@code to}: {@code healthy}, {@code unhealthy},
 * {@code unknown}): changes of endpoint health;</li>
 * <li>{@code clavier.ejections} (counter): endpoints ejected by failed calls (passive outlier
 * detection).</li>
 * <li>{@code clavier.watch.reconnects} (counter): broken watch streams (gRPC
 * {@code Health/Watch}) opened again.</li>
 * <li>{@code clavier.calls.in-flight} (gauge): calls to the listener's endpoints started (through
 * {@code Listener.pick()} or a load-balanced client) and not ended, read live, NaN once the
 * listener is closed.</li>
 * </ul>
 * {@link #bindTo(MeterRegistry)} binds the listeners the engine has at that moment, subscribes
 * an observer to each, and follows the engine ({@link Clavier#subscribe(ClavierObserver)}): a
 * listener added later gets its meters at once, and a removed one's meters are removed.
 * {@link #refresh()} does the same by reading the engine's listeners. {@link #close()}
 * unsubscribes every observer and removes the meters.
 * <p>
 * Observers run on the engine's scheduler thread and only update meters. Thread-safe.
 */
public final class ClavierMeterBinder implements MeterBinder, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ClavierMeterBinder.class);

	private final Clavier clavier;

	private final Object lock = new Object();

	// guarded by lock; per registry, per listener (by identity: a listener re-added under the same name is new)
	private final Map<MeterRegistry, Map<Listener, Binding>> bindings = new IdentityHashMap<>();

	// guarded by lock
	private boolean closed;

	// guarded by lock: the subscription to the engine's listener changes, once bound
	private @Nullable AutoCloseable engineSubscription;

	/**
	 * Creates a binder for the listeners of the given engine.
	 * @param clavier the engine
	 */
	public ClavierMeterBinder(Clavier clavier) {
		this.clavier = Objects.requireNonNull(clavier, "clavier");
	}

	/**
	 * Binds meters for every current listener to the registry and remembers the registry, so that
	 * {@link #refresh()} binds later listeners to it too.
	 * @param registry the registry
	 */
	@Override
	public void bindTo(MeterRegistry registry) {
		Objects.requireNonNull(registry, "registry");
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			this.bindings.computeIfAbsent(registry, (key) -> new IdentityHashMap<>());
			if (this.engineSubscription == null) {
				this.engineSubscription = this.clavier.subscribe(new ClavierObserver() {

					@Override
					public void listenerAdded(Listener listener) {
						refresh();
					}

					@Override
					public void listenerRemoved(Listener listener) {
						refresh();
					}

				});
			}
			refresh(registry);
		}
	}

	/**
	 * Binds meters for listeners added since the last call, and removes the meters of listeners
	 * removed since, in every registry this binder is bound to.
	 */
	public void refresh() {
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			for (MeterRegistry registry : this.bindings.keySet()) {
				refresh(registry);
			}
		}
	}

	// guarded by lock
	private void refresh(MeterRegistry registry) {
		Map<Listener, Binding> bound = this.bindings.get(registry);
		List<Listener> current = this.clavier.listeners();
		Map<Listener, Boolean> live = new IdentityHashMap<>();
		for (Listener listener : current) {
			live.put(listener, Boolean.TRUE);
		}
		// Remove stale bindings first: a listener re-added under its old name reuses the meter ids.
		for (Iterator<Map.Entry<Listener, Binding>> it = bound.entrySet().iterator(); it.hasNext();) {
			Map.Entry<Listener, Binding> entry = it.next();
			if (!live.containsKey(entry.getKey()) || entry.getKey().isClosed()) {
				entry.getValue().close(registry);
				it.remove();
			}
		}
		for (Listener listener : current) {
			if (!bound.containsKey(listener) && !listener.isClosed()) {
				bound.put(listener, bind(listener, registry));
			}
		}
	}

	private static Binding bind(Listener listener, MeterRegistry registry) {
		Tags tags = Tags.of("listener", listener.name());
		List<Meter> meters = new ArrayList<>(endpointGauges(listener, tags, registry));
		meters.add(callsInFlightGauge(listener, tags, registry));
		ListenerMeters observer = new ListenerMeters(registry, tags);
		meters.addAll(observer.meters());
		AutoCloseable subscription = listener.subscribe(observer);
		logger.debug("[{}] meters bound", listener.name());
		return new Binding(listener.name(), subscription, meters);
	}

	/**
	 * Registers the {@code clavier.endpoints} gauges of one listener, one per status. Each gauge
	 * read takes one {@link Listener#snapshot()}: Micrometer reads gauges one by one and offers no
	 * hook around a whole scrape, so two gauges of one scrape may show two moments.
	 * @param listener the listener
	 * @param tags the listener's tags
	 * @param registry the registry
	 * @return the gauges
	 */
	static List<Meter> endpointGauges(Listener listener, Tags tags, MeterRegistry registry) {
		List<Meter> gauges = new ArrayList<>(HealthStatus.values().length);
		for (HealthStatus status : HealthStatus.values()) {
			gauges.add(Gauge.builder("clavier.endpoints", listener, (l) -> count(l.snapshot(), status))
				.tags(tags)
				.tag("status", tag(status))
				.description("Discovered endpoints of a Clavier listener, by health")
				.register(registry));
		}
		return gauges;
	}

	/**
	 * Registers the {@code clavier.calls.in-flight} gauge of one listener: the calls in flight to
	 * its endpoints, summed over the endpoints of one {@link Listener#snapshot()}, each a live count.
	 * @param listener the listener
	 * @param tags the listener's tags
	 * @param registry the registry
	 * @return the gauge
	 */
	static Meter callsInFlightGauge(Listener listener, Tags tags, MeterRegistry registry) {
		return Gauge.builder("clavier.calls.in-flight", listener, ClavierMeterBinder::callsInFlight)
			.tags(tags)
			.description("Calls to the endpoints of a Clavier listener started and not ended yet")
			.register(registry);
	}

	private static double callsInFlight(Listener listener) {
		ListenerSnapshot snapshot = listener.snapshot();
		if (snapshot.closed()) {
			return Double.NaN;
		}
		long sum = 0;
		for (EndpointState state : snapshot.endpoints()) {
			sum += listener.callsInFlight(state.endpoint());
		}
		return sum;
	}

	private static double count(ListenerSnapshot snapshot, HealthStatus status) {
		return (snapshot.closed()) ? Double.NaN : snapshot.count(status);
	}

	private static String tag(HealthStatus status) {
		return status.name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Unsubscribes every observer and removes the meters this binder registered. Idempotent.
	 */
	@Override
	public void close() {
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			if (this.engineSubscription != null) {
				try {
					this.engineSubscription.close();
				}
				catch (Exception ex) {
					logger.debug("Cannot unsubscribe from {}", this.clavier, ex);
				}
				this.engineSubscription = null;
			}
			this.bindings.forEach((registry, bound) -> bound.values().forEach((binding) -> binding.close(registry)));
			this.bindings.clear();
		}
	}

	@Override
	public String toString() {
		return "ClavierMeterBinder[" + this.clavier + "]";
	}

	/**
	 * The meters one listener updates from its events.
	 */
	private static final class ListenerMeters implements ListenerObserver {

		private final Timer probeSuccess;

		private final Timer probeFailure;

		private final Counter discoverySuccess;

		private final Counter discoveryFailure;

		private final Map<HealthStatus, Counter> transitions = new EnumMap<>(HealthStatus.class);

		private final Counter ejections;
		private final Counter watchReconnects;

		ListenerMeters(MeterRegistry registry, Tags tags) {
			this.probeSuccess = probeTimer(registry, tags, "success");
			this.probeFailure = probeTimer(registry, tags, "failure");
			this.discoverySuccess = discoveryCounter(registry, tags, "success");
			this.discoveryFailure = discoveryCounter(registry, tags, "failure");
			for (HealthStatus status : HealthStatus.values()) {
				this.transitions.put(status, Counter.builder("clavier.transitions")
					.tags(tags)
					.tag("to", tag(status))
					.description("Changes of endpoint health of a Clavier listener")
					.register(registry));
			}
			this.ejections = Counter.builder("clavier.ejections")
				.tags(tags)
				.description("Endpoints of a Clavier listener ejected by failed calls")
				.register(registry);
			this.watchReconnects = Counter.builder("clavier.watch.reconnects")
				.tags(tags)
				.description("Broken health watch streams of a Clavier listener's endpoints opened again")
				.register(registry);
		}

		private static Timer probeTimer(MeterRegistry registry, Tags tags, String outcome) {
			return Timer.builder("clavier.probe")
				.tags(tags)
				.tag("outcome", outcome)
				.description("Health probes of a Clavier listener's endpoints")
				.register(registry);
		}

		private static Counter discoveryCounter(MeterRegistry registry, Tags tags, String outcome) {
			return Counter.builder("clavier.discovery.refreshes")
				.tags(tags)
				.tag("outcome", outcome)
				.description("Discovery attempts of a Clavier listener")
				.register(registry);
		}

		List<Meter> meters() {
			List<Meter> meters = new ArrayList<>(List.of(this.probeSuccess, this.probeFailure, this.discoverySuccess,
					this.discoveryFailure));
			meters.addAll(this.transitions.values());
			meters.add(this.ejections);
			meters.add(this.watchReconnects);
			return meters;
		}

		@Override
		public void discovered(ListenerSnapshot listener, List<Endpoint> endpoints, @Nullable Throwable error) {
			((error != null) ? this.discoveryFailure : this.discoverySuccess).increment();
		}

		@Override
		public void probed(ListenerSnapshot listener, Endpoint endpoint, boolean healthy, Duration latency,
				@Nullable String error) {
			((healthy) ? this.probeSuccess : this.probeFailure).record(latency);
		}

		@Override
		public void transitioned(ListenerSnapshot listener, HealthTransition transition) {
			this.transitions.get(transition.to()).increment();
		}

		@Override
		public void ejected(ListenerSnapshot listener, Endpoint endpoint, Ejection ejection) {
			this.ejections.increment();
		}

		@Override
		public void watchReconnected(ListenerSnapshot listener, Endpoint endpoint) {
			this.watchReconnects.increment();
		}

	}

	/**
	 * One listener's subscription and meters in one registry.
	 */
	private record Binding(String name, AutoCloseable subscription, List<Meter> meters) {

		void close(MeterRegistry registry) {
			try {
				this.subscription.close();
			}
			catch (Exception ex) {
				logger.warn("[{}] could not unsubscribe the meter observer: {}", this.name, Failures.describe(ex));
			}
			for (Meter meter : this.meters) {
				registry.remove(meter);
			}
		}

	}

}
