package dev.clavier.internal.listener;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.listener.AllDownPolicy;
import dev.clavier.listener.DiscoveryState;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.listener.ListenerSnapshot;
import dev.clavier.listener.Selection;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a listener's records into the one {@link ListenerSnapshot} every reader reads: decides
 * what picks are made from (healthy endpoints; draining ones while no discovered endpoint is
 * healthy; every discovered one when health is ignored or the all-down policy falls back),
 * narrows it to the listener's zone ({@link ZonePreference}), has the filter pick over the
 * weights slow start ramps ({@link SlowStartRamp}), keeps the {@link Selection} instance while
 * that set and those weights do not change, and delivers the
 * observers' events after the snapshot that shows them. Bursts of changes (ten thousand first
 * probes, a network blip) are published once per short window: 1 us per endpoint, so 3 us for
 * 3 endpoints and 10 ms for 10,000, which keeps publishing to a few percent of the scheduler.
 * <p>
 * Confined to the engine's scheduler thread; the snapshot goes out through one volatile write.
 */
final class SnapshotPublisher {

	private static final Logger logger = LoggerFactory.getLogger(Listener.class);

	private final String name;

	private final ListenerConfig config;

	private final ScheduledExecutorService scheduler;

	private final EndpointTable table;

	private final DrainingPolicy draining;

	private final Supplier<DiscoveryState> discovery;

	private final BooleanSupplier ready;

	private final ListenerObservers observers;

	private final Consumer<ListenerSnapshot> out;

	private final ZonePreference zones;

	private final SlowStartRamp ramp;

	/** The endpoints, with the weights slow start gave them, the current selector was made over. */
	private List<Endpoint> weighted = List.of();

	private ListenerSnapshot current;

	private boolean pending;

	/** Whether health, membership or draining changed since the selection was last worked out. */
	private boolean pickableChanged;

	/**
	 * The states last shown, in the table's order (without draining endpoints), patched in place
	 * for the records in {@link #changed}: a probe that changes no health then costs its own
	 * state, not a walk over ten thousand records (each snapshot copies the array).
	 */
	private EndpointState[] shown = new EndpointState[0];

	/** Records whose state changed, health apart, since the last snapshot. */
	private final List<EndpointRecord> changed = new ArrayList<>();

	private boolean fallbackEpisode;

	private final NothingHealthyLog nothingHealthyLog = new NothingHealthyLog();

	private boolean panicEpisode;

	/** The calls-in-flight counters of the current selection's records, in its order. */
	private InFlightCounters counters = InFlightCounters.EMPTY;

	private boolean closed;

	/**
	 * Creates the publisher of one listener and publishes its first, empty snapshot.
	 * @param name the listener's name
	 * @param config the listener's configuration
	 * @param scheduler the engine's scheduler
	 * @param table the listener's endpoints
	 * @param draining the endpoints that left discovery and are still picked
	 * @param discovery what discovery last did
	 * @param ready whether the listener is ready
	 * @param observers the listener's observers
	 * @param out receives each snapshot (the listener's volatile field)
	 * @param zones narrows the pickable endpoints to the listener's zone
	 * @param ramp the weights of endpoints in slow start
	 */
	SnapshotPublisher(String name, ListenerConfig config, ScheduledExecutorService scheduler, EndpointTable table,
			DrainingPolicy draining, Supplier<DiscoveryState> discovery, BooleanSupplier ready,
			ListenerObservers observers, Consumer<ListenerSnapshot> out, ZonePreference zones, SlowStartRamp ramp) {
		this.name = name;
		this.config = config;
		this.scheduler = scheduler;
		this.table = table;
		this.draining = draining;
		this.discovery = discovery;
		this.ready = ready;
		this.observers = observers;
		this.out = out;
		this.zones = zones;
		this.ramp = ramp;
		this.current = new ListenerSnapshot(this.name, config, Selection.empty(), List.of(), discovery.get(), false,
				false);
		out.accept(this.current);
	}

	/**
	 * Publishes within the window, with whatever else changes until then.
	 * @param record the record whose state changed
	 * @param pickableChanged whether what picks may be made from changed (a health transition),
	 * rather than only what is shown (a probe's latency)
	 */
	void publishSoon(EndpointRecord record, boolean pickableChanged) {
		this.pickableChanged |= pickableChanged;
		if (!this.pickableChanged) {
			this.changed.add(record);
		}
		if (this.pending || this.closed) {
			return;
		}
		this.pending = true;
		try {
			this.scheduler.schedule(() -> {
				if (this.pending && !this.closed) {
					publishNow(false);
				}
			}, this.table.size() * 1_000L, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// The engine is closing.
		}
	}

	/**
	 * Publishes a snapshot of this moment now, then delivers the observers' events. What picks
	 * are made from is worked out again only when it may have changed: most probes change no
	 * health, and at ten thousand endpoints working it out costs more than the rest.
	 * @param pickableChanged whether what picks may be made from changed (health, membership,
	 * draining), rather than only what is shown
	 */
	void publishNow(boolean pickableChanged) {
		this.pending = false;
		this.pickableChanged |= pickableChanged;
		if (this.closed) {
			return;
		}
		List<EndpointState> states = states();
		Selection selection = this.pickableChanged ? select() : this.current.selection();
		this.pickableChanged = false;
		ListenerSnapshot next = new ListenerSnapshot(this.name, this.config, selection, states, this.discovery.get(),
				this.ready.getAsBoolean(), false);
		Selection before = this.current.selection();
		this.current = next;
		this.out.accept(next);
		this.nothingHealthyLog.published(next);
		if (selection != before) {
			List<Endpoint> pickable = selection.endpoints();
			this.observers.queue((observer, snapshot) -> observer.selectionChanged(snapshot, pickable));
		}
		this.observers.deliver(next);
	}

	/**
	 * Publishes a closed snapshot: nothing to pick, and, once the listener's records are gone,
	 * nothing to show; later calls publish nothing more.
	 * @param endpoints the endpoint states still shown
	 */
	void closed(List<EndpointState> endpoints) {
		this.closed = true;
		this.pending = false;
		ListenerSnapshot last = this.current;
		this.current = new ListenerSnapshot(this.name, this.config, Selection.empty(), endpoints, last.discovery(),
				last.ready(), true);
		this.out.accept(this.current);
	}

	/**
	 * Returns the calls-in-flight counters behind a selection this publisher made.
	 * @param selection the selection of the snapshot just published
	 * @return its counters, or empty counters for any other selection
	 */
	InFlightCounters counters(Selection selection) {
		return (selection == this.current.selection()) ? this.counters : InFlightCounters.EMPTY;
	}

	private Selection select() {
		List<Endpoint> all = new ArrayList<>(this.table.size());
		List<Endpoint> healthy = new ArrayList<>(this.table.size());
		int probed = 0;
		for (EndpointRecord record : this.table.records()) {
			if (!record.inSubset()) {
				// Outside this instance's subset: never picked, not even by the all-down fallback.
				continue;
			}
			all.add(record.endpoint());
			if (record.status() == HealthStatus.HEALTHY) {
				healthy.add(record.endpoint());
			}
			if (record.status() != HealthStatus.UNKNOWN) {
				probed++;
			}
		}
		String panic = PanicThreshold.reason(this.config.panicThreshold(), healthy.size(), probed);
		if (healthy.isEmpty() && !this.draining.isEmpty()) {
			// Draining endpoints serve a replacement in progress, before any panic.
			panic = null;
			// Endpoints that left discovery while healthy, picked until a replacement passes
			// (DrainingPolicy); only while no discovered endpoint is healthy, in address order too.
			for (EndpointRecord record : this.draining.draining()) {
				healthy.add(record.endpoint());
			}
		}
		List<Endpoint> pickable;
		boolean fallback = false;
		String reason = null;
		if (this.config.ignoreHealth()) {
			pickable = all;
		}
		else if (panic != null) {
			if (!this.panicEpisode) {
				this.panicEpisode = true;
				logger.warn("[{}] {}; picking among all {} discovered endpoints", this.name, panic, all.size());
			}
			pickable = all;
			fallback = true;
			reason = panic;
		}
		else if (!healthy.isEmpty() || all.isEmpty()) {
			if (this.panicEpisode) {
				this.panicEpisode = false;
				logger.info("[{}] {} of {} probed endpoint(s) healthy, not below the panic threshold of {}%; "
						+ "picks use healthy endpoints only", this.name, healthy.size(), probed,
						this.config.panicThreshold());
			}
			if (this.fallbackEpisode) {
				this.fallbackEpisode = false;
				if (!healthy.isEmpty()) {
					logger.info("[{}] {} endpoint(s) healthy again; picks use healthy endpoints only", this.name,
							healthy.size());
				}
			}
			pickable = healthy;
		}
		else if (this.config.allDownPolicy() == AllDownPolicy.ALL) {
			if (!this.fallbackEpisode) {
				this.fallbackEpisode = true;
				logger.warn("[{}] no healthy endpoint among {}; picking among all of them (all-down policy: all)",
						this.name, all.size());
			}
			pickable = all;
			fallback = true;
		}
		else {
			pickable = healthy;
		}
		pickable = this.zones.prefer(pickable);
		List<Endpoint> weighted = this.ramp.weigh(pickable);
		Selection selection = this.current.selection();
		List<@Nullable EndpointRecord> records = records(pickable);
		if (selection.isFallback() == fallback && Objects.equals(selection.fallbackReason(), reason)
				&& selection.endpoints().equals(pickable) && weighted.equals(this.weighted)
				&& this.counters.sameRecords(records)) {
			return selection;
		}
		List<Endpoint> frozen = List.copyOf(pickable);
		this.weighted = (weighted == pickable) ? frozen : List.copyOf(weighted);
		this.counters = InFlightCounters.of(records);
		if (frozen.isEmpty()) {
			return Selection.empty();
		}
		return (reason != null)
				? Selection.of(frozen, this.config.filter().selector(this.weighted, this.counters), reason)
				: Selection.of(frozen, this.config.filter().selector(this.weighted, this.counters), fallback);
	}

	/**
	 * Returns the record behind each pickable endpoint, in order: the discovered one, else the
	 * draining one of that address; their counters are what the filter reads.
	 */
	private List<@Nullable EndpointRecord> records(List<Endpoint> pickable) {
		List<@Nullable EndpointRecord> records = new ArrayList<>(pickable.size());
		for (Endpoint endpoint : pickable) {
			EndpointRecord record = this.table.find(endpoint);
			if (record == null) {
				for (EndpointRecord draining : this.draining.draining()) {
					if (draining.endpoint().equals(endpoint)) {
						record = draining;
						break;
					}
				}
			}
			records.add(record);
		}
		return records;
	}

	private List<EndpointState> states() {
		List<EndpointRecord> records = this.table.records();
		if (!this.pickableChanged && this.draining.isEmpty() && this.shown.length == records.size()) {
			for (EndpointRecord record : this.changed) {
				if (!record.isRemoved()) {
					this.shown[record.position] = record.state();
				}
			}
			this.changed.clear();
			return Arrays.asList(this.shown);
		}
		this.changed.clear();
		if (this.draining.isEmpty()) {
			EndpointState[] states = new EndpointState[records.size()];
			for (EndpointRecord record : records) {
				states[record.position] = record.state();
			}
			this.shown = states;
			return Arrays.asList(states);
		}
		// Draining endpoints are shown with their last state and a cause saying they left
		// discovery, so that every endpoint picks can return is listed; one that discovery
		// found again is shown once, as discovered.
		this.shown = new EndpointState[0];
		List<EndpointRecord> listed = new ArrayList<>(records);
		for (EndpointRecord record : this.draining.draining()) {
			if (!this.table.contains(record.endpoint())) {
				listed.add(record);
			}
		}
		listed.sort((a, b) -> EndpointTable.ADDRESS_ORDER.compare(a.endpoint(), b.endpoint()));
		List<EndpointState> states = new ArrayList<>(listed.size());
		for (EndpointRecord record : listed) {
			states.add(record.state());
		}
		return states;
	}

}
