package dev.clavier.internal.listener;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

import dev.clavier.endpoint.HealthStatus;
import dev.clavier.internal.Delays;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.model.Durations;
import dev.clavier.model.Failures;
import dev.clavier.scout.ProbeResult;
import dev.clavier.scout.ScoutSession;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When each endpoint of a listener is probed: at once when discovered, then after a wait chosen
 * by its health ({@link #nextInterval}) with jitter, never twice at once, the second probes of a
 * large set spread over that wait, next probes coalesced on ticks.
 * <p>
 * The wait, as HAProxy's {@code inter}/{@code fastinter}/{@code downinter}: the interval while
 * healthy, the fast interval while between states (a healthy endpoint whose last probe failed,
 * an unhealthy one whose last probe passed), the down interval while unhealthy. Each runs from
 * the start of the previous probe: a probe that outlives it (the fast interval may be shorter
 * than the timeout) is followed by the next as soon as it ends. The state is read when a probe
 * ends, after its outcome is recorded; an ejection by real calls takes effect from the probe
 * after the one already scheduled. Owns each probe's one deadline (the listener's timeout) and the
 * bound on probes in flight; hands each outcome to an {@link Outcomes} on the scheduler thread.
 * <p>
 * Probes in flight are bounded ({@link ListenerConfig#maxProbesInFlight()}): a probe that falls
 * due beyond the bound waits unsent, in order, and starts when a running one ends. A probe's
 * timeout runs from the call to the scout, so a probe must not be handed over before the engine
 * and the I/O threads can start it: under overload probes would pile up in their queues and time
 * out unsent, every endpoint would go UNHEALTHY for the engine's own backlog, and nothing would
 * be left to pick. Bounded, the probe rate falls instead, and endpoints keep the health their
 * probes really find.
 * <p>
 * A scout that {@linkplain ScoutSession#watches() watches} is not polled: its endpoints are
 * handed to {@link ProbeWatches}, whose outcomes reach the same {@link Outcomes}; an endpoint it
 * cannot watch comes back here and is polled.
 * <p>
 * Confined to the engine's scheduler thread, except the hand-over of outcomes from I/O threads.
 */
final class ProbeScheduler {

	private static final Logger logger = LoggerFactory.getLogger(Listener.class);

	/** Above this many endpoints, second probes are spread over an interval. */
	private static final int SPREAD_ABOVE = 64;

	private final String name;

	private final ListenerConfig config;

	private final ScoutSession scout;

	private final ScheduledExecutorService scheduler;

	private final IntSupplier endpointCount;

	private final Outcomes sink;

	private final Clock clock;

	/** The endpoints' watch streams, if the scout watches rather than polls. */
	private final @Nullable ProbeWatches watches;

	/** Next probes are due on multiples of this, so that those of one tick start with one wake-up. */
	private final long tickNanos;

	/** Probe outcomes handed over by the I/O threads; drained in order on the scheduler. */
	private final ConcurrentLinkedQueue<Runnable> outcomes = new ConcurrentLinkedQueue<>();

	/** Whether a drain of {@link #outcomes} is scheduled and has not started polling yet. */
	private final AtomicBoolean drainScheduled = new AtomicBoolean();

	/** Endpoints whose probe fell due while {@code maxProbesInFlight} probes ran, in that order. */
	private final ArrayDeque<EndpointRecord> waitingForSlot = new ArrayDeque<>();

	/** Probes handed to the scout whose outcome has not been handled yet. */
	private int probesInFlight;

	private boolean slotsFullLogged;

	private volatile boolean closed;

	/**
	 * Creates a scheduler.
	 * @param name the listener's name
	 * @param config the listener's configuration
	 * @param scout the scout session, closed by {@link #close()}
	 * @param scheduler the engine's scheduler
	 * @param endpointCount how many endpoints the listener has
	 * @param sink receives each outcome, on the scheduler thread
	 * @param clock the clock for the next probe's time stamp
	 */
	ProbeScheduler(String name, ListenerConfig config, ScoutSession scout, ScheduledExecutorService scheduler,
			IntSupplier endpointCount, Outcomes sink, Clock clock) {
		this.name = name;
		this.config = config;
		this.scout = scout;
		this.scheduler = scheduler;
		this.endpointCount = endpointCount;
		this.sink = sink;
		this.clock = clock;
		this.watches = watches(scout) ? new ProbeWatches(name, config, scout, scheduler, clock, sink, this::poll)
				: null;
		long shortest = Math.min(config.interval().toNanos(),
				Math.min(config.fastInterval().toNanos(), config.downInterval().toNanos()));
		this.tickNanos = Math.min(TimeUnit.MILLISECONDS.toNanos(10), shortest / 100);
	}

	/**
	 * Probes an endpoint now, unless it is being probed or waits for a slot.
	 * @param record the endpoint
	 */
	void probe(EndpointRecord record) {
		if (this.closed || record.isRemoved() || !record.inSubset()) {
			return;
		}
		if (this.watches != null && this.watches.watch(record)) {
			return;
		}
		poll(record);
	}

	/**
	 * Polls an endpoint now (the scout's {@code probe}), unless it is being probed or waits for a slot.
	 * @param record the endpoint
	 */
	private void poll(EndpointRecord record) {
		if (this.closed || record.isRemoved() || !record.inSubset() || record.inFlight != null
				|| record.waitingForSlot) {
			return;
		}
		if (this.probesInFlight >= this.config.maxProbesInFlight()) {
			// Not handed over yet, so its timeout does not run while it waits (see the class Javadoc).
			record.waitingForSlot = true;
			this.waitingForSlot.addLast(record);
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
			result = this.scout.probe(record.endpoint());
			if (result == null) {
				result = CompletableFuture.failedFuture(new IllegalStateException("scout returned no result"));
			}
		}
		catch (RuntimeException ex) {
			result = CompletableFuture.failedFuture(ex);
		}
		Duration timeout = this.config.timeout();
		CompletableFuture<ProbeResult> guarded = Deadline.within(result, timeout,
				"timed out after " + Durations.format(timeout), this.scheduler);
		record.inFlight = guarded;
		guarded.whenComplete((outcome, failure) -> {
			long end = System.nanoTime();
			handOver(() -> ended(record, guarded, end - start, outcome, failure));
		});
	}

	/**
	 * Probes every endpoint now, outside the schedule; those being probed are left to finish.
	 * @param records the endpoints
	 */
	void probeNow(Collection<EndpointRecord> records) {
		for (EndpointRecord record : records) {
			if (record.inFlight == null && !record.waitingForSlot) {
				cancelNext(record);
				probe(record);
			}
		}
	}

	/**
	 * Stops probing an endpoint that left discovery and releases what the scout holds for it.
	 * @param record the endpoint, already marked removed
	 */
	void release(EndpointRecord record) {
		cancelNext(record);
		if (this.watches != null) {
			this.watches.release(record);
		}
		if (record.inFlight != null) {
			record.inFlight.cancel(true);
		}
		try {
			this.scout.release(record.endpoint());
		}
		catch (RuntimeException ex) {
			logger.warn("[{}] scout failed to release {}", this.name, record.endpoint(), ex);
		}
	}

	/**
	 * Cancels every probe and closes the scout session.
	 * @param records the endpoints there were
	 */
	void close(Collection<EndpointRecord> records) {
		this.closed = true;
		if (this.watches != null) {
			this.watches.close(records);
		}
		for (EndpointRecord record : records) {
			cancelNext(record);
			if (record.inFlight != null) {
				record.inFlight.cancel(true);
			}
		}
		this.waitingForSlot.clear();
		try {
			this.scout.close();
		}
		catch (RuntimeException ex) {
			logger.warn("[{}] failed to close {}", this.name, this.scout, ex);
		}
	}

	/**
	 * Tells the watches that real calls ejected an endpoint, so that a watched one is re-read.
	 * @param record the endpoint
	 */
	void ejected(EndpointRecord record) {
		if (this.watches != null && !this.closed && !record.isRemoved()) {
			this.watches.ejected(record);
		}
	}

	/**
	 * Returns how many watch streams are open or being opened.
	 * @return the count, 0 when the scout polls
	 */
	int openWatches() {
		return (this.watches != null) ? this.watches.openStreams() : 0;
	}

	private boolean watches(ScoutSession session) {
		try {
			return session.watches();
		}
		catch (RuntimeException ex) {
			logger.warn("[{}] {} failed to say whether it watches; polled", this.name, session, ex);
			return false;
		}
	}

	private void ended(EndpointRecord record, CompletableFuture<ProbeResult> attempt, long nanos,
			@Nullable ProbeResult outcome, @Nullable Throwable failure) {
		if (record.inFlight == attempt) {
			record.inFlight = null;
		}
		// Every probe handed over ends here once, removed endpoints' and timed-out ones included.
		this.probesInFlight--;
		startWaiting();
		if (this.closed || record.isRemoved() || !record.inSubset()) {
			return;
		}
		Duration latency = Duration.ofNanos(nanos);
		boolean first = !record.probed();
		boolean passed = failure == null && outcome != null && outcome.healthy();
		String detail = (failure != null) ? Failures.describe(failure) : (outcome != null) ? outcome.detail() : null;
		if (logger.isDebugEnabled()) {
			logger.debug("[{}] probe of {} {} in {} ms{}", this.name, record.endpoint(), passed ? "passed" : "failed",
					latency.toMillis(), (detail != null) ? ": " + detail : "");
		}
		this.sink.probed(record, passed, latency, detail);
		scheduleNext(record, latency, first);
	}

	/**
	 * Returns the wait before the next probe of an endpoint whose outcome was just recorded.
	 * @param record the endpoint
	 * @return the fast interval between states, else the down interval while unhealthy, else
	 * the interval
	 */
	private Duration nextInterval(EndpointRecord record) {
		if (record.betweenStates()) {
			return this.config.fastInterval();
		}
		return (record.status() == HealthStatus.UNHEALTHY) ? this.config.downInterval() : this.config.interval();
	}

	private void scheduleNext(EndpointRecord record, Duration latency, boolean first) {
		Duration interval = nextInterval(record);
		Duration wait = Delays.jittered(interval, this.config.jitter(), ThreadLocalRandom.current().nextDouble())
			.minus(latency);
		if (first && this.endpointCount.getAsInt() > SPREAD_ABOVE) {
			// Many endpoints discovered together (ten thousand at start-up) would otherwise be
			// probed in one burst every interval: push each one's second probe a random part of an
			// interval later (never sooner), so that they run at an even rate.
			wait = wait.plusNanos((long) (interval.toNanos() * ThreadLocalRandom.current().nextDouble()));
		}
		long delay = onTick(Math.max(0, wait.toNanos()));
		record.next = this.scheduler.schedule(() -> probe(record), delay, TimeUnit.NANOSECONDS);
		if (record.nextProbe(this.clock.instant().plusNanos(delay))) {
			this.sink.scheduled(record);
		}
	}

	/**
	 * Starts the probes that wait for a slot, oldest first, while slots are free. Endpoints
	 * removed meanwhile are skipped.
	 */
	private void startWaiting() {
		while (this.probesInFlight < this.config.maxProbesInFlight() && !this.waitingForSlot.isEmpty()) {
			EndpointRecord next = this.waitingForSlot.pollFirst();
			next.waitingForSlot = false;
			poll(next);
		}
	}

	/**
	 * Runs a probe outcome on the scheduler. Outcomes that arrive while a drain is pending share
	 * it: thousands of probes a second cost far fewer thread wake-ups than one hand-over each.
	 */
	private void handOver(Runnable outcome) {
		this.outcomes.add(outcome);
		if (this.drainScheduled.compareAndSet(false, true)) {
			try {
				this.scheduler.execute(this::drain);
			}
			catch (RejectedExecutionException ex) {
				// The engine is closing.
			}
		}
	}

	private void drain() {
		// Cleared before polling: an outcome added after the last poll schedules another drain.
		this.drainScheduled.set(false);
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
	 * due within one tick (a hundredth of the shortest interval, at most 10 ms) start together.
	 */
	private long onTick(long delayNanos) {
		long tick = this.tickNanos;
		if (tick <= 1) {
			return delayNanos;
		}
		long due = System.nanoTime() + delayNanos;
		long rest = Math.floorMod(due, tick);
		return (rest == 0) ? delayNanos : delayNanos + (tick - rest);
	}

	private static void cancelNext(EndpointRecord record) {
		if (record.next != null) {
			record.next.cancel(false);
		}
	}

	/**
	 * Receives probe outcomes, on the scheduler thread.
	 */
	interface Outcomes {

		/**
		 * Called when a probe of an endpoint still discovered ended.
		 * @param record the endpoint
		 * @param passed whether it passed
		 * @param latency how long it took
		 * @param detail what the scout saw or why it failed, or {@code null}
		 */
		void probed(EndpointRecord record, boolean passed, Duration latency, @Nullable String detail);

		/**
		 * Called when an endpoint still discovered pushed its status over a watch stream: a
		 * failing one takes it out at once.
		 * @param record the endpoint
		 * @param passed whether it passed
		 * @param latency how long the watch took to report its first status
		 * @param detail what the endpoint said, or {@code null}
		 */
		void pushed(EndpointRecord record, boolean passed, Duration latency, @Nullable String detail);

		/**
		 * Called when an endpoint's next probe was set after its outcome was handed over, so that
		 * readers see it.
		 * @param record the endpoint
		 */
		void scheduled(EndpointRecord record);

		/**
		 * Called when a broken watch stream of an endpoint is opened again.
		 * @param record the endpoint
		 */
		void reconnecting(EndpointRecord record);

	}

}
