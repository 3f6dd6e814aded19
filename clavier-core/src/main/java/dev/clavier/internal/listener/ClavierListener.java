package dev.clavier.internal.listener;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import dev.clavier.discovery.DiscoveryContext;
import dev.clavier.discovery.DiscoveryResult;
import dev.clavier.discovery.DiscoverySession;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.endpoint.HealthTransition;
import dev.clavier.internal.Delays;
import dev.clavier.internal.HealthTracker;
import dev.clavier.internal.SchedulerThread;
import dev.clavier.internal.SharedResources;
import dev.clavier.listener.AllDownPolicy;
import dev.clavier.listener.DiscoveryState;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.listener.ListenerObserver;
import dev.clavier.listener.ListenerSnapshot;
import dev.clavier.listener.NoHealthyEndpointException;
import dev.clavier.listener.Selection;
import dev.clavier.model.Durations;
import dev.clavier.model.Failures;
import dev.clavier.scout.ProbeResult;
import dev.clavier.scout.ScoutContext;
import dev.clavier.scout.ScoutSession;
import dev.clavier.scout.Scouts;
import io.netty.channel.EventLoopGroup;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's listener. Mutable state is confined to the engine's single scheduler thread;
 * what other threads read is published through volatile fields holding immutable values
 * ({@link Selection}, entry lists, {@link EndpointState}s).
 * <p>
 * Draining: when discovery replaces endpoints (a DNS answer moving from one address to
 * another), the old ones leave at once and the new ones are UNKNOWN until their first probe,
 * which would leave nothing to pick for a few milliseconds. So endpoints that leave discovery
 * while HEALTHY stay pickable ("draining", never probed again) when without them no discovered
 * endpoint would be healthy while some still await their first probe; they go when one becomes
 * healthy, when none awaits its first probe any more, or one probe timeout after they left.
 * <p>
 * Probes in flight are bounded ({@link ListenerConfig#maxProbesInFlight()}): a probe that falls
 * due beyond the bound waits in {@code waitingForSlot}, in order, and starts when a running one
 * ends. A probe's timeout, here and the scout's own, runs from the call to the scout, so a probe
 * must not be handed over before the engine and the I/O threads can start it: under overload
 * probes would pile up in their queues and time out unsent, every endpoint would go UNHEALTHY
 * for the engine's own backlog, and nothing would be left to pick. Bounded, the probe rate falls
 * instead, and the endpoints keep the health their probes really find.
 */
public final class ClavierListener implements Listener {

	private static final Logger logger = LoggerFactory.getLogger(Listener.class);

	/** Endpoints are kept and shown in this order: host, then port. */
	static final Comparator<Endpoint> ADDRESS_ORDER = Comparator
		.comparing((Endpoint endpoint) -> endpoint.host().toLowerCase(Locale.ROOT))
		.thenComparingInt(Endpoint::port);

	private static final int MAX_TRANSITIONS = 10;

	private static final int MAX_LISTED = 10;

	/** Above this many endpoints, second probes are spread over an interval. */
	private static final int SPREAD_ABOVE = 64;

	private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

	private final String name;

	private final ListenerConfig config;

	private final ScheduledExecutorService scheduler;

	private final SchedulerThread schedulerThread;

	private final Clock clock;

	private final Context context;

	private final boolean probing;

	/** Next probes are due on multiples of this, so that those of one tick start with one wake-up. */
	private final long tickNanos;

	/** Probe outcomes handed over by the I/O threads; drained in order on the scheduler. */
	private final ConcurrentLinkedQueue<Runnable> outcomes = new ConcurrentLinkedQueue<>();

	/** Whether a drain of {@link #outcomes} is scheduled and has not started polling yet. */
	private final AtomicBoolean draining = new AtomicBoolean();

	private final DiscoverySession discovery;

	private final @Nullable ScoutSession scout;

	private final CopyOnWriteArrayList<ListenerObserver> observers = new CopyOnWriteArrayList<>();

	private final CompletableFuture<Void> ready = new CompletableFuture<>();

	// Confined to the scheduler thread.
	private final TreeMap<Endpoint, Entry> entries = new TreeMap<>(ADDRESS_ORDER);

	// Confined to the scheduler thread.
	private final Set<Entry> awaitingFirstProbe = new HashSet<>();

	/** Endpoints that left discovery while healthy and are still picked (see the class Javadoc). */
	// Confined to the scheduler thread.
	private final TreeMap<Endpoint, Entry> drainingEntries = new TreeMap<>(ADDRESS_ORDER);

	/** The discovered endpoints awaiting their first probe while endpoints drain. */
	// Confined to the scheduler thread.
	private final Set<Entry> drainWaitsFor = new HashSet<>();

	// Confined to the scheduler thread.
	private @Nullable ScheduledFuture<?> drainTimer;

	/** Counts draining episodes, so that the timer of an ended one does nothing. */
	// Confined to the scheduler thread.
	private long drainEpisode;

	// Confined to the scheduler thread.
	private @Nullable ScheduledFuture<?> discoveryTask;

	/** Probes handed to the scout whose outcome has not been handled yet. */
	// Confined to the scheduler thread.
	private int probesInFlight;

	/** Endpoints whose probe fell due while {@code maxProbesInFlight} probes ran, in that order. */
	// Confined to the scheduler thread.
	private final ArrayDeque<Entry> waitingForSlot = new ArrayDeque<>();

	// Confined to the scheduler thread.
	private boolean slotsFullLogged;

	// Confined to the scheduler thread.
	private int discoveryAttempts;

	// Confined to the scheduler thread.
	private boolean firstDiscoveryDone;

	// Confined to the scheduler thread.
	private boolean fallbackEpisode;

	// Confined to the scheduler thread.
	private boolean emptyEpisode;

	// Confined to the scheduler thread.
	private boolean selectionPending;

	private volatile Selection selection = Selection.empty();

	private volatile List<Entry> entryList = List.of();

	/** The entries by endpoint, for {@link #reportCall}; replaced whole when the set changes. */
	private volatile Map<Endpoint, Entry> byEndpoint = Map.of();

	private volatile DiscoveryState discoveryState;

	private volatile boolean closed;

	/**
	 * Creates a listener and opens its sessions; {@link #start()} starts it.
	 * @param name the listener's name
	 * @param config its configuration
	 * @param scheduler the engine's scheduler
	 * @param schedulerThread the scheduler's thread
	 * @param resources the engine's shared resources
	 * @param clock the clock for time stamps
	 */
	public ClavierListener(String name, ListenerConfig config, ScheduledExecutorService scheduler,
			SchedulerThread schedulerThread, SharedResources resources, Clock clock) {
		this.name = name;
		this.config = config;
		this.scheduler = scheduler;
		this.schedulerThread = schedulerThread;
		this.clock = clock;
		this.context = new Context(name, config.timeout(), scheduler, resources);
		this.probing = config.scout() != Scouts.none();
		this.tickNanos = Math.min(TimeUnit.MILLISECONDS.toNanos(10), config.interval().toNanos() / 100);
		// Opened on the caller's thread so that a configuration the model rejects fails addListener.
		this.discovery = config.discovery().open(this.context);
		ScoutSession session = null;
		try {
			session = this.probing ? config.scout().open(this.context) : null;
		}
		catch (RuntimeException ex) {
			closeQuietly(this.discovery);
			throw ex;
		}
		this.scout = session;
		this.discoveryState = new DiscoveryState(config.discovery().model(), this.discovery.target(), null, null, null,
				0, null);
	}

	/**
	 * Starts discovery.
	 */
	public void start() {
		this.scheduler.execute(this::refresh);
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
		throw noHealthyEndpoint();
	}

	@Override
	public ListenerSnapshot snapshot() {
		return new ListenerSnapshot(this.name, this.config, this.selection, endpoints(), this.discoveryState,
				this.ready.isDone() && !this.ready.isCompletedExceptionally(), this.closed);
	}

	@Override
	public Selection selection() {
		return this.selection;
	}

	@Override
	public List<EndpointState> endpoints() {
		List<Entry> current = this.entryList;
		List<EndpointState> states = new ArrayList<>(current.size());
		for (Entry entry : current) {
			states.add(entry.state);
		}
		return List.copyOf(states);
	}

	@Override
	public DiscoveryState discoveryState() {
		return this.discoveryState;
	}

	@Override
	public boolean awaitReady(Duration timeout) throws InterruptedException {
		try {
			this.ready.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
			return true;
		}
		catch (TimeoutException | ExecutionException ex) {
			return false;
		}
	}

	@Override
	public CompletableFuture<Void> whenReady() {
		return this.ready.copy();
	}

	@Override
	public void probeNow() {
		if (!this.probing) {
			return;
		}
		execute(() -> {
			for (Entry entry : this.entries.values()) {
				if (entry.inFlight == null && !entry.waitingForSlot) {
					cancel(entry.next);
					probe(entry);
				}
			}
		});
	}

	@Override
	public AutoCloseable subscribe(ListenerObserver observer) {
		java.util.Objects.requireNonNull(observer, "observer");
		this.observers.add(observer);
		return () -> this.observers.remove(observer);
	}

	@Override
	public boolean isClosed() {
		return this.closed;
	}

	/**
	 * Stops discovery and probes and closes the sessions, waiting a bounded time.
	 */
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.selection = Selection.empty();
		this.ready.completeExceptionally(new IllegalStateException("[" + this.name + "] listener closed before it was ready"));
		if (this.schedulerThread.isCurrent()) {
			shutdown();
			return;
		}
		try {
			Future<?> done = this.scheduler.submit(this::shutdown);
			done.get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			shutdown();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn("[{}] listener did not close cleanly", this.name, ex);
		}
	}

	private void shutdown() {
		// Again, on the scheduler: a rebuild that was already past its closed check when close()
		// emptied the selection (an ejection or probe completing at that moment) may have published
		// a non-empty one since, and a removed listener must serve nothing.
		this.selection = Selection.empty();
		cancel(this.discoveryTask);
		for (Entry entry : this.entries.values()) {
			entry.removed = true;
			cancel(entry.next);
			if (entry.inFlight != null) {
				entry.inFlight.cancel(true);
			}
		}
		this.entries.clear();
		this.waitingForSlot.clear();
		// A closed listener serves nothing, draining endpoints included.
		this.drainingEntries.clear();
		this.drainWaitsFor.clear();
		cancel(this.drainTimer);
		this.entryList = List.of();
		this.byEndpoint = Map.of();
		this.awaitingFirstProbe.clear();
		if (this.scout != null) {
			closeQuietly(this.scout);
		}
		closeQuietly(this.discovery);
		logger.debug("[{}] listener closed", this.name);
	}

	// --- discovery (scheduler thread) ---

	private void refresh() {
		if (this.closed) {
			return;
		}
		CompletableFuture<DiscoveryResult> answer;
		try {
			answer = this.discovery.discover();
		}
		catch (RuntimeException ex) {
			answer = CompletableFuture.failedFuture(ex);
		}
		withTimeout(answer, this.config.discoveryTimeout(), "discovery timed out after " + Durations.format(this.config.discoveryTimeout()))
			.whenCompleteAsync(this::discovered, this.scheduler);
	}

	private void discovered(@Nullable DiscoveryResult result, @Nullable Throwable failure) {
		if (this.closed) {
			return;
		}
		Instant now = this.clock.instant();
		DiscoveryState previous = this.discoveryState;
		if (failure != null || result == null) {
			this.discoveryAttempts++;
			String error = Failures.describe(failure);
			Duration delay = Delays.backoff(this.discoveryAttempts, this.config.discoveryRetryMin(),
					this.config.discoveryRetryMax(), ThreadLocalRandom.current().nextDouble());
			logger.warn("[{}] discovery of {} failed: {}; keeping {} endpoint(s), retrying in {} (attempt {})", this.name,
					this.discovery.target(), error, this.entries.size(), Durations.format(delay), this.discoveryAttempts);
			this.discoveryState = new DiscoveryState(previous.model(), previous.target(), previous.lastRefresh(),
					now.plus(delay), error, this.discoveryAttempts, previous.lastNote());
			notifyObservers((observer) -> observer.discovered(this, List.of(), failure));
			this.discoveryTask = this.scheduler.schedule(this::refresh, delay.toNanos(), TimeUnit.NANOSECONDS);
			return;
		}
		this.discoveryAttempts = 0;
		List<Endpoint> found = result.endpoints();
		if (found.isEmpty() && !this.entries.isEmpty() && !this.config.clearOnEmpty()) {
			if (!this.emptyEpisode) {
				logger.warn("[{}] discovery of {} answered no endpoints{}; keeping the {} known endpoint(s)", this.name,
						this.discovery.target(), (result.note() != null) ? " (" + result.note() + ")" : "",
						this.entries.size());
			}
			this.emptyEpisode = true;
		}
		else {
			this.emptyEpisode = false;
			apply(found);
		}
		Duration refreshAfter = result.refreshAfter();
		this.discoveryState = new DiscoveryState(previous.model(), previous.target(), now,
				(refreshAfter != null) ? now.plus(refreshAfter) : null, null, 0, result.note());
		notifyObservers((observer) -> observer.discovered(this, found, null));
		if (refreshAfter != null) {
			this.discoveryTask = this.scheduler.schedule(this::refresh, refreshAfter.toNanos(), TimeUnit.NANOSECONDS);
		}
		if (!this.firstDiscoveryDone) {
			this.firstDiscoveryDone = true;
			checkReady();
		}
	}

	private void apply(List<Endpoint> found) {
		TreeMap<Endpoint, Endpoint> wanted = new TreeMap<>(ADDRESS_ORDER);
		for (Endpoint endpoint : found) {
			wanted.putIfAbsent(endpoint, endpoint);
		}
		List<Endpoint> added = new ArrayList<>();
		List<Endpoint> removed = new ArrayList<>();
		List<Entry> removedHealthy = new ArrayList<>();
		boolean updated = false;
		for (var iterator = this.entries.entrySet().iterator(); iterator.hasNext();) {
			Entry entry = iterator.next().getValue();
			Endpoint replacement = wanted.get(entry.endpoint);
			if (replacement == null) {
				iterator.remove();
				removed.add(entry.endpoint);
				if (entry.tracker.status() == HealthStatus.HEALTHY) {
					removedHealthy.add(entry);
				}
				retire(entry);
			}
			else if (!replacement.equals(entry.endpoint)) {
				// Same address, new weight or attributes: keep its health.
				entry.endpoint = replacement;
				entry.publish();
				updated = true;
			}
		}
		List<Entry> fresh = new ArrayList<>();
		for (Endpoint endpoint : wanted.values()) {
			if (!this.entries.containsKey(endpoint)) {
				Entry entry = new Entry(endpoint, this.config);
				this.entries.put(endpoint, entry);
				added.add(endpoint);
				fresh.add(entry);
			}
		}
		if (added.isEmpty() && removed.isEmpty() && !updated) {
			return;
		}
		if (!added.isEmpty() || !removed.isEmpty()) {
			logger.info("[{}] endpoints changed: added {}, removed {}; now {}", this.name, truncate(added),
					truncate(removed), this.entries.size());
		}
		drain(removedHealthy, fresh);
		publishEntries();
		for (Entry entry : fresh) {
			if (this.probing) {
				if (!this.ready.isDone()) {
					this.awaitingFirstProbe.add(entry);
				}
				probe(entry);
			}
			else {
				entry.tracker.force(HealthStatus.HEALTHY);
				entry.transition(new HealthTransition(entry.endpoint, HealthStatus.UNKNOWN, HealthStatus.HEALTHY,
						"scout is none: healthy when discovered", this.clock.instant()));
				entry.publish();
			}
		}
		rebuildSelection();
	}

	/**
	 * Keeps endpoints that just left discovery while healthy in the selection when, without
	 * them, no discovered endpoint would be healthy while some still await their first probe;
	 * ends the draining when nothing it waits for is left. Before {@link #publishEntries()}.
	 */
	private void drain(List<Entry> removedHealthy, List<Entry> fresh) {
		if (!this.drainingEntries.isEmpty() && this.probing) {
			// The set changed again during the draining: wait for the newcomers' first probes too.
			this.drainWaitsFor.addAll(fresh);
		}
		if (!removedHealthy.isEmpty() && this.probing && !this.config.ignoreHealth() && !this.closed) {
			List<Entry> awaiting = new ArrayList<>();
			boolean healthy = false;
			for (Entry entry : this.entries.values()) {
				if (entry.tracker.status() == HealthStatus.HEALTHY) {
					healthy = true;
					break;
				}
				if (entry.lastCheck == null) {
					awaiting.add(entry);
				}
			}
			if (!healthy && !awaiting.isEmpty()) {
				boolean started = this.drainingEntries.isEmpty();
				for (Entry entry : removedHealthy) {
					entry.draining = true;
					entry.publish();
					this.drainingEntries.put(entry.endpoint, entry);
				}
				this.drainWaitsFor.addAll(awaiting);
				if (started) {
					// The deadline is not moved by later changes: an endpoint is never picked
					// longer than one probe timeout after discovery dropped it.
					long episode = ++this.drainEpisode;
					this.drainTimer = this.scheduler.schedule(() -> {
						if (this.drainEpisode == episode && !this.closed) {
							stopDraining("none passed within " + Durations.format(this.config.timeout()));
						}
					}, this.config.timeout().toNanos(), TimeUnit.NANOSECONDS);
				}
				logger.info("[{}] still picking {} (left discovery, no longer probed) until one of {} passes its "
						+ "first probe, at most {}: no discovered endpoint is healthy yet", this.name,
						truncate(List.copyOf(this.drainingEntries.keySet())), truncate(endpointsOf(this.drainWaitsFor)),
						Durations.format(this.config.timeout()));
				return;
			}
		}
		if (!this.drainingEntries.isEmpty() && this.drainWaitsFor.isEmpty()) {
			stopDraining("none awaits its first probe any more");
		}
	}

	/**
	 * Ends the draining: the endpoints that left discovery are no longer picked.
	 * @param reason why, for the log
	 */
	private void stopDraining(String reason) {
		if (this.drainingEntries.isEmpty()) {
			return;
		}
		List<Endpoint> dropped = List.copyOf(this.drainingEntries.keySet());
		this.drainingEntries.clear();
		this.drainWaitsFor.clear();
		cancel(this.drainTimer);
		this.drainTimer = null;
		this.drainEpisode++;
		logger.info("[{}] no longer picking {}, which left discovery: {}", this.name, truncate(dropped), reason);
		publishEntries();
		rebuildSelection();
	}

	private static List<Endpoint> endpointsOf(Set<Entry> entries) {
		List<Endpoint> endpoints = new ArrayList<>(entries.size());
		for (Entry entry : entries) {
			endpoints.add(entry.endpoint);
		}
		endpoints.sort(ADDRESS_ORDER);
		return endpoints;
	}

	private void publishEntries() {
		if (this.drainingEntries.isEmpty()) {
			this.entryList = List.copyOf(this.entries.values());
		}
		else {
			// Draining endpoints are shown with their last state and a cause saying they left
			// discovery, so that every endpoint picks can return is listed; one that discovery
			// found again is shown once, as discovered.
			List<Entry> shown = new ArrayList<>(this.entries.values());
			for (Entry entry : this.drainingEntries.values()) {
				if (!this.entries.containsKey(entry.endpoint)) {
					shown.add(entry);
				}
			}
			shown.sort(Comparator.comparing((Entry entry) -> entry.endpoint, ADDRESS_ORDER));
			this.entryList = List.copyOf(shown);
		}
		Map<Endpoint, Entry> index = new java.util.HashMap<>();
		for (Entry entry : this.entries.values()) {
			index.put(entry.endpoint, entry);
		}
		this.byEndpoint = Map.copyOf(index);
	}

	@Override
	public void reportCall(Endpoint endpoint, boolean success, @Nullable String error) {
		int threshold = this.config.outlierFailures();
		if (threshold == 0) {
			return;
		}
		Entry entry = this.byEndpoint.get(endpoint);
		if (entry == null) {
			return;
		}
		if (success) {
			// Read before write: the common case (no failures) then costs no contended store.
			if (entry.callFailures.get() != 0) {
				entry.callFailures.set(0);
			}
			return;
		}
		if (entry.callFailures.incrementAndGet() == threshold) {
			execute(() -> eject(entry, threshold, error));
		}
	}

	private void eject(Entry entry, int failures, @Nullable String error) {
		if (this.closed || entry.removed || !entry.tracker.eject()) {
			return;
		}
		entry.callFailures.set(0);
		HealthTransition transition = new HealthTransition(entry.endpoint, HealthStatus.HEALTHY, HealthStatus.UNHEALTHY,
				failures + " consecutive call(s) failed" + ((error != null) ? ": " + error : "")
						+ "; out of rotation until a probe passes",
				this.clock.instant());
		entry.transition(transition);
		entry.publish();
		logger.info("[{}] {} is {} ({})", this.name, entry.endpoint, HealthStatus.UNHEALTHY, transition.cause());
		notifyObservers((observer) -> observer.transitioned(this, transition));
		rebuildSelection();
	}

	private void retire(Entry entry) {
		entry.removed = true;
		cancel(entry.next);
		if (entry.inFlight != null) {
			entry.inFlight.cancel(true);
		}
		this.awaitingFirstProbe.remove(entry);
		this.drainWaitsFor.remove(entry);
		if (this.scout != null) {
			try {
				this.scout.release(entry.endpoint);
			}
			catch (RuntimeException ex) {
				logger.warn("[{}] scout failed to release {}", this.name, entry.endpoint, ex);
			}
		}
		checkReady();
	}

	// --- probes (scheduler thread) ---

	private void probe(Entry entry) {
		if (this.closed || entry.removed || entry.inFlight != null || entry.waitingForSlot || this.scout == null) {
			return;
		}
		if (this.probesInFlight >= this.config.maxProbesInFlight()) {
			// Not handed over yet, so its timeout does not run while it waits (see the class Javadoc).
			entry.waitingForSlot = true;
			this.waitingForSlot.addLast(entry);
			if (!this.slotsFullLogged) {
				this.slotsFullLogged = true;
				logger.info("[{}] {} probes in flight, the most allowed (maxProbesInFlight); more wait for one to end, "
						+ "so endpoints may be probed less often than every {}", this.name, this.probesInFlight,
						Durations.format(this.config.interval()));
			}
			return;
		}
		this.probesInFlight++;
		long start = System.nanoTime();
		CompletableFuture<ProbeResult> result;
		try {
			result = this.scout.probe(entry.endpoint);
			if (result == null) {
				result = CompletableFuture.failedFuture(new IllegalStateException("scout returned no result"));
			}
		}
		catch (RuntimeException ex) {
			result = CompletableFuture.failedFuture(ex);
		}
		CompletableFuture<ProbeResult> guarded = withTimeout(result, this.config.timeout(),
				"timed out after " + Durations.format(this.config.timeout()));
		entry.inFlight = guarded;
		guarded.whenComplete((outcome, failure) -> {
			long end = System.nanoTime();
			onScheduler(() -> probed(entry, guarded, start, end, outcome, failure));
		});
	}

	/**
	 * Starts the probes that wait for a slot, oldest first, while slots are free. Endpoints
	 * removed meanwhile are skipped.
	 */
	private void startWaiting() {
		while (this.probesInFlight < this.config.maxProbesInFlight() && !this.waitingForSlot.isEmpty()) {
			Entry next = this.waitingForSlot.pollFirst();
			next.waitingForSlot = false;
			probe(next);
		}
	}

	/**
	 * Runs a probe outcome on the scheduler. Outcomes that arrive while a drain is pending share
	 * it: thousands of probes a second cost far fewer thread wake-ups than one hand-over each.
	 */
	private void onScheduler(Runnable outcome) {
		this.outcomes.add(outcome);
		if (this.draining.compareAndSet(false, true)) {
			execute(this::drainOutcomes);
		}
	}

	private void drainOutcomes() {
		// Cleared before polling: an outcome added after the last poll schedules another drain.
		this.draining.set(false);
		Runnable outcome;
		while ((outcome = this.outcomes.poll()) != null) {
			try {
				outcome.run();
			}
			catch (RuntimeException ex) {
				logger.warn("[{}] failed to handle a probe outcome", this.name, ex);
			}
		}
	}

	/**
	 * Returns a delay rounded up to the next multiple of the tick, so that the probes falling
	 * due within one tick (a hundredth of the interval, at most 10 ms) start together.
	 */
	private long onTick(long delayNanos) {
		long tick = this.tickNanos;
		if (tick <= 1) {
			return delayNanos;
		}
		long now = System.nanoTime();
		long due = now + delayNanos;
		long rest = Math.floorMod(due, tick);
		return (rest == 0) ? delayNanos : delayNanos + (tick - rest);
	}

	private void probed(Entry entry, CompletableFuture<ProbeResult> attempt, long start, long end,
			@Nullable ProbeResult outcome, @Nullable Throwable failure) {
		if (entry.inFlight == attempt) {
			entry.inFlight = null;
		}
		// Every probe handed over ends here once, removed endpoints' and timed-out ones included.
		this.probesInFlight--;
		startWaiting();
		if (this.closed || entry.removed) {
			return;
		}
		Duration latency = Duration.ofNanos(end - start);
		boolean passed = failure == null && outcome != null && outcome.healthy();
		String detail = (failure != null) ? Failures.describe(failure) : (outcome != null) ? outcome.detail() : null;
		String error = passed ? null : ((detail != null) ? detail : "failed");
		if (logger.isDebugEnabled()) {
			logger.debug("[{}] probe of {} {} in {} ms{}", this.name, entry.endpoint, passed ? "passed" : "failed",
					latency.toMillis(), (detail != null) ? ": " + detail : "");
		}
		boolean first = entry.lastCheck == null;
		HealthStatus before = entry.tracker.status();
		HealthStatus after = entry.tracker.record(passed);
		Instant now = this.clock.instant();
		entry.lastCheck = now;
		entry.latency = latency;
		entry.lastError = error;
		HealthTransition transition = null;
		if (after != null) {
			transition = new HealthTransition(entry.endpoint, before, after, cause(before, after, entry, detail), now);
			entry.transition(transition);
			logger.info("[{}] {} is {} ({})", this.name, entry.endpoint, after, transition.cause());
		}
		entry.publish();
		Endpoint endpoint = entry.endpoint;
		notifyObservers((observer) -> observer.probed(this, endpoint, passed, latency, error));
		if (transition != null) {
			HealthTransition done = transition;
			notifyObservers((observer) -> observer.transitioned(this, done));
			rebuildSelectionSoon();
		}
		if (this.awaitingFirstProbe.remove(entry)) {
			checkReady();
		}
		if (!this.drainingEntries.isEmpty()) {
			if (after == HealthStatus.HEALTHY) {
				stopDraining(endpoint + " is healthy");
			}
			else if (this.drainWaitsFor.remove(entry) && this.drainWaitsFor.isEmpty()) {
				stopDraining("no endpoint that awaited its first probe passed it");
			}
		}
		Duration wait = Delays.jittered(this.config.interval(), this.config.jitter(), ThreadLocalRandom.current().nextDouble())
			.minus(latency);
		if (first && this.entries.size() > SPREAD_ABOVE) {
			// Many endpoints discovered together (ten thousand at start-up) would otherwise be
			// probed in one burst every interval: push each one's second probe a random part of an
			// interval later (never sooner), so that they run at an even rate.
			wait = wait.plusNanos((long) (this.config.interval().toNanos() * ThreadLocalRandom.current().nextDouble()));
		}
		entry.next = this.scheduler.schedule(() -> probe(entry), onTick(Math.max(0, wait.toNanos())),
				TimeUnit.NANOSECONDS);
	}

	private String cause(HealthStatus before, HealthStatus after, Entry entry, @Nullable String detail) {
		String suffix = (detail != null) ? ": " + detail : "";
		if (before == HealthStatus.UNKNOWN) {
			return ((after == HealthStatus.HEALTHY) ? "first probe passed" : "first probe failed") + suffix;
		}
		if (after == HealthStatus.HEALTHY) {
			return entry.tracker.successes() + " consecutive probe(s) passed" + suffix;
		}
		return entry.tracker.failures() + " consecutive probe(s) failed" + suffix;
	}

	private void checkReady() {
		if (this.firstDiscoveryDone && this.awaitingFirstProbe.isEmpty() && !this.ready.isDone()) {
			if (this.selectionPending) {
				// Ready means picks see the first probes' outcome.
				rebuildSelection();
			}
			this.ready.complete(null);
			logger.debug("[{}] ready", this.name);
		}
	}

	// --- selection (scheduler thread) ---

	/**
	 * Rebuilds the selection once within a short window (1 us per endpoint: 3 us for 3, 10 ms
	 * for 10,000), so that a burst of transitions (ten thousand first probes, a network blip)
	 * costs a few O(n) rebuilds instead of one per transition, and rebuilds take at most a few
	 * percent of the scheduler thread.
	 */
	private void rebuildSelectionSoon() {
		if (this.selectionPending) {
			return;
		}
		this.selectionPending = true;
		try {
			this.scheduler.schedule(() -> {
				if (this.selectionPending && !this.closed) {
					rebuildSelection();
				}
			}, this.entries.size() * 1_000L, TimeUnit.NANOSECONDS);
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// The engine is closing.
		}
	}

	private void rebuildSelection() {
		this.selectionPending = false;
		List<Endpoint> all = new ArrayList<>(this.entries.size());
		List<Endpoint> healthy = new ArrayList<>(this.entries.size());
		for (Entry entry : this.entries.values()) {
			all.add(entry.endpoint);
			if (entry.tracker.status() == HealthStatus.HEALTHY) {
				healthy.add(entry.endpoint);
			}
		}
		if (healthy.isEmpty() && !this.drainingEntries.isEmpty()) {
			// Endpoints that left discovery while healthy, picked until a replacement passes
			// (drain); only while no discovered endpoint is healthy, in address order too.
			healthy.addAll(this.drainingEntries.keySet());
		}
		List<Endpoint> pickable;
		boolean fallback = false;
		if (this.config.ignoreHealth()) {
			pickable = all;
		}
		else if (!healthy.isEmpty() || all.isEmpty()) {
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
		Selection current = this.selection;
		if (current.isFallback() == fallback && current.endpoints().equals(pickable)) {
			return;
		}
		List<Endpoint> frozen = List.copyOf(pickable);
		this.selection = frozen.isEmpty() ? Selection.empty()
				: Selection.of(frozen, this.config.filter().selector(frozen), fallback);
		notifyObservers((observer) -> observer.selectionChanged(this, frozen));
	}

	NoHealthyEndpointException noHealthyEndpoint() {
		List<Entry> current = this.entryList;
		StringBuilder message = new StringBuilder("[").append(this.name).append("] no healthy endpoint: ");
		if (current.isEmpty()) {
			DiscoveryState state = this.discoveryState;
			message.append("none discovered by ").append(state.model()).append(' ').append(state.target());
			if (state.lastError() != null) {
				message.append(" (last error: ").append(state.lastError()).append(')');
			}
			else if (state.lastNote() != null) {
				message.append(" (last answer: ").append(state.lastNote()).append(')');
			}
			else if (state.lastRefresh() == null) {
				message.append(" (discovery has not answered yet)");
			}
			return new NoHealthyEndpointException(this.name, message.toString());
		}
		Map<HealthStatus, Integer> counts = new EnumMap<>(HealthStatus.class);
		for (HealthStatus status : HealthStatus.values()) {
			counts.put(status, 0);
		}
		List<String> errors = new ArrayList<>();
		for (Entry entry : current) {
			EndpointState state = entry.state;
			counts.merge(state.status(), 1, Integer::sum);
			if (state.lastError() != null && errors.size() < 3) {
				errors.add(state.endpoint() + ": " + state.lastError());
			}
		}
		message.append(current.size()).append(" discovered (");
		message.append(counts.get(HealthStatus.HEALTHY)).append(" HEALTHY, ");
		message.append(counts.get(HealthStatus.UNHEALTHY)).append(" UNHEALTHY, ");
		message.append(counts.get(HealthStatus.UNKNOWN)).append(" UNKNOWN)");
		if (!errors.isEmpty()) {
			message.append("; last errors: ").append(String.join("; ", errors));
		}
		return new NoHealthyEndpointException(this.name, message.toString());
	}

	// --- helpers ---

	private <T> CompletableFuture<T> withTimeout(CompletableFuture<T> future, Duration timeout, String message) {
		if (future.isDone()) {
			return future;
		}
		CompletableFuture<T> result = new CompletableFuture<>();
		ScheduledFuture<?> timer = this.scheduler.schedule(() -> {
			if (result.completeExceptionally(new TimeoutException(message))) {
				future.cancel(true);
			}
		}, timeout.toNanos(), TimeUnit.NANOSECONDS);
		future.whenComplete((value, failure) -> {
			timer.cancel(false);
			if (failure != null) {
				result.completeExceptionally(failure);
			}
			else {
				result.complete(value);
			}
		});
		// Cancelling the guarded future (removal, close) cancels the plug-in's work too.
		result.whenComplete((value, failure) -> {
			if (failure instanceof CancellationException) {
				future.cancel(true);
			}
		});
		return result;
	}

	private void execute(Runnable task) {
		try {
			this.scheduler.execute(task);
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// The engine is closing.
		}
	}

	private void notifyObservers(Consumer<ListenerObserver> call) {
		for (ListenerObserver observer : this.observers) {
			try {
				call.accept(observer);
			}
			catch (RuntimeException ex) {
				logger.warn("[{}] observer {} failed", this.name, observer, ex);
			}
		}
	}

	private static String truncate(List<Endpoint> endpoints) {
		if (endpoints.size() <= MAX_LISTED) {
			return endpoints.toString();
		}
		return endpoints.subList(0, MAX_LISTED) + " (+" + (endpoints.size() - MAX_LISTED) + " more)";
	}

	private static void cancel(@Nullable Future<?> future) {
		if (future != null) {
			future.cancel(false);
		}
	}

	private void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			logger.warn("[{}] failed to close {}", this.name, closeable, ex);
		}
	}

	@Override
	public String toString() {
		return "Listener[" + this.name + ", " + this.config.discovery().model() + " " + this.discovery.target() + ", "
				+ this.selection + "]";
	}

	/**
	 * One discovered endpoint and its health. Fields without {@code volatile} are confined to
	 * the scheduler thread; {@code state} is read by any thread.
	 */
	private static final class Entry {

		Endpoint endpoint;

		final HealthTracker tracker;

		final ArrayDeque<HealthTransition> recent = new ArrayDeque<>();

		List<HealthTransition> transitions = List.of();

		@Nullable Instant lastCheck;

		@Nullable Duration latency;

		@Nullable String lastError;

		@Nullable ScheduledFuture<?> next;

		@Nullable CompletableFuture<ProbeResult> inFlight;

		boolean removed;

		/** Whether it left discovery and is still picked (see the class Javadoc). */
		boolean draining;

		/** Whether its probe is due and waits for a slot in {@code waitingForSlot}. */
		boolean waitingForSlot;

		final java.util.concurrent.atomic.AtomicInteger callFailures = new java.util.concurrent.atomic.AtomicInteger();

		volatile EndpointState state;

		Entry(Endpoint endpoint, ListenerConfig config) {
			this.endpoint = endpoint;
			this.tracker = new HealthTracker(config.rise(), config.fall());
			this.state = new EndpointState(endpoint, HealthStatus.UNKNOWN, null, null, 0, 0, null, "discovered, not probed yet",
					List.of());
		}

		void transition(HealthTransition transition) {
			if (this.recent.size() == MAX_TRANSITIONS) {
				this.recent.removeFirst();
			}
			this.recent.addLast(transition);
			this.transitions = List.copyOf(this.recent);
		}

		void publish() {
			String cause;
			if (this.draining) {
				cause = "left discovery; still picked, no longer probed, until a new endpoint passes its first probe";
			}
			else {
				cause = this.recent.isEmpty() ? "discovered, not probed yet" : this.recent.getLast().cause();
			}
			this.state = new EndpointState(this.endpoint, this.tracker.status(), this.lastCheck, this.latency,
					this.tracker.successes(), this.tracker.failures(), this.lastError, cause, this.transitions);
		}

	}

	/**
	 * The context handed to this listener's discovery and scout sessions.
	 */
	private record Context(String listenerName, Duration timeout, ScheduledExecutorService executor,
			SharedResources resources) implements DiscoveryContext, ScoutContext {

		@Override
		public EventLoopGroup eventLoop() {
			return this.resources.eventLoop();
		}

		@Override
		public <T extends AutoCloseable> T shared(Object key, Class<T> type, java.util.function.Supplier<T> factory) {
			return this.resources.shared(key, type, factory);
		}

	}

}
