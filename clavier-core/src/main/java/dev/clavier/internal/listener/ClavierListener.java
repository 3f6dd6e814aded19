package dev.clavier.internal.listener;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.clavier.discovery.DiscoverySession;
import dev.clavier.endpoint.Ejection;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.endpoint.HealthTransition;
import dev.clavier.internal.SchedulerThread;
import dev.clavier.internal.SharedResources;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.listener.ListenerObserver;
import dev.clavier.listener.ListenerSnapshot;
import dev.clavier.listener.NoHealthyEndpointException;
import dev.clavier.listener.Pick;
import dev.clavier.listener.Selection;
import dev.clavier.scout.ScoutSession;
import dev.clavier.scout.Scouts;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's listener: wires the parts of the pipeline and is the face users see. Data flows
 * one way: the {@link DiscoveryRefresher}'s answers go to the {@link EndpointTable} (diff), whose
 * {@link EndpointRecord}s the {@link ProbeScheduler}'s outcomes and the {@link OutlierEjector}'s
 * ejections update; the {@link DrainingPolicy} keeps endpoints that left discovery pickable for a
 * while; the {@link SlowStartRamp} ramps up the weight of endpoints that become healthy later; the
 * {@link SnapshotPublisher} turns it all, narrowed to the listener's zone ({@link ZonePreference}),
 * into the one {@link ListenerSnapshot} picks, dashboards, health and meters read.
 * <p>
 * Mutable state is confined to the engine's single scheduler thread; other threads read the
 * snapshot, published through one volatile field.
 */
public final class ClavierListener implements Listener {

	private static final Logger logger = LoggerFactory.getLogger(Listener.class);

	private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

	private final String name;

	private final ListenerConfig config;

	private final ScheduledExecutorService scheduler;

	private final SchedulerThread schedulerThread;

	private final Clock clock;

	private final ListenerObservers observers;

	private final EndpointTable table;

	private final DiscoveryRefresher refresher;

	private final @Nullable ProbeScheduler probes;

	private final DrainingPolicy draining;

	private final SubsetPolicy subset;

	private final OutlierEjector ejector;

	private final Readiness readiness;

	private final SlowStartRamp ramp;

	private final SnapshotPublisher publisher;

	private volatile ListenerSnapshot snapshot;

	/**
	 * The snapshot's selection, written with it, for picks alone: one dependent load less on the
	 * hot path (docs/benchmarks.md). Readers of anything else read {@link #snapshot}.
	 */
	private volatile Selection selection = Selection.empty();

	/**
	 * The snapshot's selection with its records' calls-in-flight counters, written with it, for
	 * {@link #pick()}: one read gives both, always of one moment.
	 */
	private volatile Picks picks = Picks.EMPTY;

	private volatile boolean closed;

	/**
	 * Health carried over from the listener this one replaces, by address, until the first
	 * discovery answer has used it; confined to the scheduler thread.
	 */
	private @Nullable Map<Endpoint, EndpointState> seeds;

	/**
	 * Creates a listener and opens its sessions; {@link #start()} starts it.
	 * @param name the listener's name
	 * @param config its configuration
	 * @param scheduler the engine's scheduler
	 * @param schedulerThread the scheduler's thread
	 * @param resources the engine's shared resources
	 * @param clock the clock for time stamps
	 * @throws IllegalArgumentException if a model rejects the configuration for this listener
	 */
	public ClavierListener(String name, ListenerConfig config, ScheduledExecutorService scheduler,
			SchedulerThread schedulerThread, SharedResources resources, Clock clock) {
		this(name, config, scheduler, schedulerThread, resources, clock, List.of());
	}

	/**
	 * Creates a listener that replaces another of the same name, and opens its sessions;
	 * {@link #start()} starts it. Endpoints of its first discovery answer whose address had a
	 * probed status in {@code previous} start from that status instead of UNKNOWN, and do not hold
	 * up readiness.
	 * @param name the listener's name
	 * @param config its configuration
	 * @param scheduler the engine's scheduler
	 * @param schedulerThread the scheduler's thread
	 * @param resources the engine's shared resources
	 * @param clock the clock for time stamps
	 * @param previous the endpoints of the listener it replaces, or empty
	 * @throws IllegalArgumentException if a model rejects the configuration for this listener
	 */
	public ClavierListener(String name, ListenerConfig config, ScheduledExecutorService scheduler,
			SchedulerThread schedulerThread, SharedResources resources, Clock clock, List<EndpointState> previous) {
		this.seeds = seeds(previous);
		this.name = name;
		this.config = config;
		this.scheduler = scheduler;
		this.schedulerThread = schedulerThread;
		this.clock = clock;
		ListenerContext context = new ListenerContext(name, config.timeout(), scheduler, resources);
		// Opened on the caller's thread so that a configuration the model rejects fails addListener.
		DiscoverySession discovery = config.discovery().open(context);
		ScoutSession scout = null;
		try {
			scout = (config.scout() != Scouts.none()) ? config.scout().open(context) : null;
		}
		catch (RuntimeException ex) {
			discovery.close();
			throw ex;
		}
		this.observers = new ListenerObservers(name);
		this.table = new EndpointTable(config.rise(), config.fall());
		this.refresher = new DiscoveryRefresher(name, config, discovery, scheduler, clock, this.table::size,
				new DiscoverySink());
		this.probes = (scout != null)
				? new ProbeScheduler(name, config, scout, scheduler, this.table::size, new ProbeSink(), clock) : null;
		this.draining = new DrainingPolicy(name, config, this.probes != null, scheduler, this::publishNow);
		this.subset = new SubsetPolicy(name, config);
		this.ejector = new OutlierEjector(name, config.outlierFailures(), config.outlierDetection(), this.probes != null,
				this.table, scheduler, clock, new EjectionSink());
		// Ready means picks see the first probes' outcome: the snapshot saying so is published first.
		this.readiness = new Readiness(name, this::publishReady);
		this.ramp = new SlowStartRamp(name, config.slowStart(), scheduler, clock, this.readiness::isReady,
				this::publishNow);
		this.publisher = new SnapshotPublisher(name, config, scheduler, this.table, this.draining,
				this.refresher::state, this.readiness::isReady, this.observers, this::publish,
				new ZonePreference(name, config.zone(), this.readiness::isReady), this.ramp);
	}

	/**
	 * Starts discovery.
	 */
	public void start() {
		execute(this.refresher::refresh);
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public ListenerConfig config() {
		return this.config;
	}

	@Override
	public Endpoint getEndpoint() {
		Selection current = this.selection;
		if (!current.isEmpty()) {
			return current.next();
		}
		if (this.closed) {
			throw new IllegalStateException("[" + this.name + "] listener is closed");
		}
		throw NoHealthyEndpointException.of(this.snapshot);
	}

	@Override
	public Pick pick() {
		Picks current = this.picks;
		Selection selection = current.selection();
		if (!selection.isEmpty()) {
			int index = selection.nextIndex();
			return new CountedPick(this, selection.get(index), current.counters().counter(index));
		}
		if (this.closed) {
			throw new IllegalStateException("[" + this.name + "] listener is closed");
		}
		throw NoHealthyEndpointException.of(this.snapshot);
	}

	@Override
	public Pick start(Endpoint endpoint) {
		Objects.requireNonNull(endpoint, "endpoint");
		EndpointRecord record = this.table.find(endpoint);
		return new CountedPick(this, endpoint, (record != null) ? record.callsInFlight : null);
	}

	@Override
	public int callsInFlight(Endpoint endpoint) {
		EndpointRecord record = this.table.find(endpoint);
		return (record != null) ? record.callsInFlight.get() : 0;
	}

	@Override
	public Selection selection() {
		return this.selection;
	}

	@Override
	public ListenerSnapshot snapshot() {
		return this.snapshot;
	}

	@Override
	public boolean awaitReady(Duration timeout) throws InterruptedException {
		try {
			this.readiness.future().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
			return true;
		}
		catch (TimeoutException | ExecutionException ex) {
			return false;
		}
	}

	@Override
	public CompletableFuture<Void> whenReady() {
		return this.readiness.future().copy();
	}

	@Override
	public void probeNow() {
		ProbeScheduler probes = this.probes;
		if (probes != null) {
			execute(() -> probes.probeNow(this.table.records()));
		}
	}

	@Override
	public void reportCall(Endpoint endpoint, boolean success, @Nullable String error) {
		this.ejector.report(endpoint, success, error);
	}

	@Override
	public AutoCloseable subscribe(ListenerObserver observer) {
		return this.observers.subscribe(observer);
	}

	@Override
	public boolean isClosed() {
		return this.closed;
	}

	/**
	 * Stops discovery and probes and closes the sessions, waiting a bounded time. Idempotent.
	 */
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		ListenerSnapshot last = this.snapshot;
		this.selection = Selection.empty();
		this.picks = Picks.EMPTY;
		this.snapshot = new ListenerSnapshot(this.name, this.config, Selection.empty(), last.endpoints(),
				last.discovery(), last.ready(), true);
		this.readiness.close();
		if (this.schedulerThread.isCurrent()) {
			shutdown();
			return;
		}
		try {
			Future<?> done = this.scheduler.submit(this::shutdown);
			done.get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			shutdown();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn("[{}] listener did not close cleanly", this.name, ex);
		}
	}

	/**
	 * Ends every part, on the scheduler. A publish that was already past its closed check when
	 * {@link #close()} emptied the snapshot (an ejection or probe completing at that moment) may
	 * have published a non-empty one since: the closed snapshot is published again last, as a
	 * removed listener must serve nothing.
	 */
	private void shutdown() {
		List<EndpointRecord> records = this.table.clear();
		if (this.probes != null) {
			this.probes.close(records);
		}
		this.refresher.close();
		this.draining.close();
		this.ramp.close();
		this.observers.clear();
		this.publisher.closed(List.of());
		logger.debug("[{}] listener closed", this.name);
	}

	private void publish(ListenerSnapshot next) {
		if (!this.closed || next.closed()) {
			// Null while the publisher publishes its first, empty snapshot from its constructor.
			SnapshotPublisher publisher = this.publisher;
			this.picks = new Picks(next.selection(),
					(publisher != null) ? publisher.counters(next.selection()) : InFlightCounters.EMPTY);
			this.selection = next.selection();
			this.snapshot = next;
		}
	}

	/**
	 * Publishes the snapshot that says the listener is ready, as it becomes ready.
	 */
	private void publishReady() {
		this.publisher.publishNow(false);
	}

	/**
	 * Publishes now a change of what picks may be made from.
	 */
	private void publishNow() {
		this.publisher.publishNow(true);
	}

	// --- the pipeline's steps, on the scheduler thread ---

	/**
	 * Applies a discovered set: retires what left, probes what came, publishes at once.
	 */
	private void found(List<Endpoint> endpoints) {
		EndpointTable.Change change = this.table.apply(endpoints);
		if (change.isEmpty()) {
			return;
		}
		if (!change.added().isEmpty() || !change.removed().isEmpty()) {
			logger.info("[{}] endpoints changed: added {}, removed {}; now {}", this.name,
					Endpoints.truncate(change.addedEndpoints()), Endpoints.truncate(change.removedEndpoints()),
					this.table.size());
		}
		for (EndpointRecord record : change.removed()) {
			if (this.probes != null) {
				this.probes.release(record);
			}
			this.readiness.done(record);
			this.ramp.removed(record);
		}
		// Before draining, which waits for the first probes of the subset's newcomers only. A
		// change of weights alone moves nothing: subsets follow addresses.
		SubsetPolicy.Change moved = (change.added().isEmpty() && change.removed().isEmpty())
				? SubsetPolicy.Change.NONE : this.subset.apply(this.table.records(), change.added());
		for (EndpointRecord record : moved.left()) {
			if (this.probes != null) {
				this.probes.release(record);
			}
			this.readiness.done(record);
		}
		this.draining.tableChanged(change, this.table);
		for (EndpointRecord record : moved.entered()) {
			if (this.probes != null) {
				this.probes.probe(record);
			}
			else {
				record.healthyUnprobed("scout is none: healthy when discovered", this.clock.instant());
			}
		}
		Map<Endpoint, EndpointState> carried = this.seeds;
		this.seeds = null;
		for (EndpointRecord record : change.added()) {
			if (!record.inSubset()) {
				continue;
			}
			EndpointState seed = (carried != null) ? carried.get(record.endpoint()) : null;
			if (seed != null) {
				record.seed(seed);
			}
			if (this.probes != null) {
				if (seed == null) {
					this.readiness.awaitFirstProbe(record);
				}
				this.probes.probe(record);
			}
			else {
				HealthTransition healthy = record.healthyUnprobed("scout is none: healthy when discovered",
						this.clock.instant());
				this.ramp.transitioned(record, healthy);
			}
		}
		publishNow();
	}

	private void probed(EndpointRecord record, boolean passed, Duration latency, @Nullable String detail) {
		HealthTransition transition = record.probed(passed, latency, detail, this.clock.instant());
		recorded(record, transition, passed, latency);
	}

	private void pushed(EndpointRecord record, boolean passed, Duration latency, @Nullable String detail) {
		HealthTransition transition = record.pushed(passed, latency, detail, this.clock.instant());
		recorded(record, transition, passed, latency);
	}

	private void reconnecting(EndpointRecord record) {
		Endpoint endpoint = record.endpoint();
		this.observers.queue((observer, snapshot) -> observer.watchReconnected(snapshot, endpoint));
		this.publisher.publishSoon(record, false);
	}

	/**
	 * Tells observers, readers and the draining policy what a probe outcome did.
	 */
	private void recorded(EndpointRecord record, @Nullable HealthTransition transition, boolean passed,
			Duration latency) {
		String error = record.state().lastError();
		Endpoint endpoint = record.endpoint();
		this.observers.queue((observer, snapshot) -> observer.probed(snapshot, endpoint, passed, latency, error));
		HealthStatus after = null;
		if (transition != null) {
			after = transition.to();
			this.ramp.transitioned(record, transition);
			logTransition(transition);
			this.observers.queue((observer, snapshot) -> observer.transitioned(snapshot, transition));
		}
		// Before readiness and draining, which may publish at once: then with this outcome.
		this.publisher.publishSoon(record, transition != null);
		this.readiness.done(record);
		this.draining.probed(record, after);
	}

	private void ejected(EndpointRecord record, HealthTransition transition, Ejection ejection) {
		if (this.closed) {
			return;
		}
		this.ramp.transitioned(record, transition);
		logTransition(transition);
		Endpoint endpoint = record.endpoint();
		this.observers.queue((observer, snapshot) -> observer.transitioned(snapshot, transition));
		this.observers.queue((observer, snapshot) -> observer.ejected(snapshot, endpoint, ejection));
		if (this.probes != null) {
			this.probes.ejected(record);
		}
		publishNow();
	}

	private void ejectionEnded(@Nullable HealthTransition transition) {
		if (this.closed) {
			return;
		}
		if (transition != null) {
			logTransition(transition);
			this.observers.queue((observer, snapshot) -> observer.transitioned(snapshot, transition));
		}
		publishNow();
	}

	private void logTransition(HealthTransition transition) {
		// Back in rotation is good news; leaving it (failed probes, ejection) is what operators look for.
		if (transition.to() == HealthStatus.HEALTHY) {
			logger.info("[{}] {} is {} ({})", this.name, transition.endpoint(), transition.to(), transition.cause());
		}
		else {
			logger.warn("[{}] {} is {} ({})", this.name, transition.endpoint(), transition.to(), transition.cause());
		}
	}

	/**
	 * The probed states of a replaced listener, by address (weight and attributes may differ).
	 */
	private static @Nullable Map<Endpoint, EndpointState> seeds(List<EndpointState> previous) {
		Map<Endpoint, EndpointState> seeds = new TreeMap<>(EndpointTable.ADDRESS_ORDER);
		for (EndpointState state : previous) {
			if (state.status() != HealthStatus.UNKNOWN) {
				seeds.put(state.endpoint(), state);
			}
		}
		return seeds.isEmpty() ? null : seeds;
	}

	private void execute(Runnable task) {
		try {
			this.scheduler.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// The engine is closing.
		}
	}

	@Override
	public String toString() {
		return "Listener[" + this.name + ", " + this.config.discovery().model() + " " + this.refresher.target() + ", "
				+ this.snapshot.selection() + "]";
	}

	/**
	 * A selection with the calls-in-flight counters of its records, in its order.
	 */
	private record Picks(Selection selection, InFlightCounters counters) {

		static final Picks EMPTY = new Picks(Selection.empty(), InFlightCounters.EMPTY);

	}

	/**
	 * Receives discovery's answers.
	 */
	private final class DiscoverySink implements DiscoveryRefresher.Sink {

		@Override
		public void found(List<Endpoint> endpoints) {
			ClavierListener.this.found(endpoints);
		}

		@Override
		public void attempted(List<Endpoint> endpoints, @Nullable Throwable failure) {
			ClavierListener.this.observers
				.queue((observer, snapshot) -> observer.discovered(snapshot, endpoints, failure));
			// What discovery did changed; what picks are made from changed in found(), if at all.
			ClavierListener.this.publisher.publishNow(false);
			// An answer without endpoints (NXDOMAIN, an empty registry) is not ready: nothing could be picked.
			if (failure == null && !endpoints.isEmpty()) {
				ClavierListener.this.readiness.discoveryAnswered();
			}
		}

	}

	/**
	 * Receives ejections and their ends.
	 */
	private final class EjectionSink implements OutlierEjector.Ejections {

		@Override
		public void ejected(EndpointRecord record, HealthTransition transition, Ejection ejection) {
			ClavierListener.this.ejected(record, transition, ejection);
		}

		@Override
		public void ended(EndpointRecord record, @Nullable HealthTransition transition) {
			ClavierListener.this.ejectionEnded(transition);
		}

	}

	/**
	 * Receives probe outcomes.
	 */
	private final class ProbeSink implements ProbeScheduler.Outcomes {

		@Override
		public void probed(EndpointRecord record, boolean passed, Duration latency, @Nullable String detail) {
			ClavierListener.this.probed(record, passed, latency, detail);
		}

		@Override
		public void pushed(EndpointRecord record, boolean passed, Duration latency, @Nullable String detail) {
			ClavierListener.this.pushed(record, passed, latency, detail);
		}

		@Override
		public void scheduled(EndpointRecord record) {
			ClavierListener.this.publisher.publishSoon(record, false);
		}

		@Override
		public void reconnecting(EndpointRecord record) {
			ClavierListener.this.reconnecting(record);
		}

	}

}
