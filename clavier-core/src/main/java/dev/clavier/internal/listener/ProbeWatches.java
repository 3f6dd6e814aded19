package dev.clavier.internal.listener;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.clavier.endpoint.HealthStatus;
import dev.clavier.endpoint.ProbeMode;
import dev.clavier.internal.Delays;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.model.Durations;
import dev.clavier.model.Failures;
import dev.clavier.scout.HealthWatch;
import dev.clavier.scout.ProbeResult;
import dev.clavier.scout.ScoutSession;
import dev.clavier.scout.WatchSink;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watch streams of a listener whose scout {@linkplain ScoutSession#watches() watches}: one
 * per endpoint, opened when it is discovered, closed when it leaves discovery or the listener
 * closes. What a stream reports becomes a probe outcome, handed to the same
 * {@link ProbeScheduler.Outcomes} as polled probes, on the scheduler thread:
 * <ul>
 * <li>a failing status (gRPC {@code NOT_SERVING}, {@code SERVICE_UNKNOWN}) takes the endpoint
 * out at once, whatever {@code fall} says: it is the endpoint's own word;</li>
 * <li>a passing status ({@code SERVING}) counts as one passed probe; while the endpoint is then
 * still unhealthy (short of {@code rise}, or ejected by real calls), each fast interval (down
 * interval when no passed probe is pending) in which the stream stays open and its last status
 * passing counts as one more: with {@code rise} 2, an endpoint that turns SERVING returns one
 * fast interval later, if it did not fail meanwhile. No extra call is made: the open stream's
 * silence is the confirmation;</li>
 * <li>a stream that breaks, is refused, or does not report its first status within the
 * listener's timeout counts as one failed probe ({@code fall} of them take the endpoint out)
 * and is opened again after a back-off: the fast interval (at most 1 s), doubled per failed
 * attempt up to the down interval, jittered by 20%; the first status resets it;</li>
 * <li>an endpoint whose server cannot be watched (gRPC {@code UNIMPLEMENTED}) is polled from then
 * on, which its {@link ProbeMode} and reason show.</li>
 * </ul>
 * Confined to the engine's scheduler thread, except the sinks' hand-over from I/O threads.
 */
final class ProbeWatches {

	private static final Logger logger = LoggerFactory.getLogger(Listener.class);

	/** The longest first wait before a broken stream is opened again. */
	private static final Duration MAX_FIRST_RETRY = Duration.ofSeconds(1);

	private final String name;

	private final ListenerConfig config;

	private final ScoutSession scout;

	private final ScheduledExecutorService scheduler;

	private final Clock clock;

	private final ProbeScheduler.Outcomes sink;

	private final Consumer<EndpointRecord> poll;

	private final Duration firstRetry;

	private final Duration maxRetry;

	/** Streams opened and not yet ended or closed, for tests and toString. */
	private int open;

	private volatile boolean closed;

	/**
	 * Creates the watches of one listener.
	 * @param name the listener's name
	 * @param config its configuration
	 * @param scout the scout session, which watches
	 * @param scheduler the engine's scheduler
	 * @param clock the clock for time stamps
	 * @param sink receives each outcome, on the scheduler thread
	 * @param poll polls an endpoint that cannot be watched
	 */
	ProbeWatches(String name, ListenerConfig config, ScoutSession scout, ScheduledExecutorService scheduler,
			Clock clock, ProbeScheduler.Outcomes sink, Consumer<EndpointRecord> poll) {
		this.name = name;
		this.config = config;
		this.scout = scout;
		this.scheduler = scheduler;
		this.clock = clock;
		this.sink = sink;
		this.poll = poll;
		this.firstRetry = (config.fastInterval().compareTo(MAX_FIRST_RETRY) < 0) ? config.fastInterval()
				: MAX_FIRST_RETRY;
		this.maxRetry = (config.downInterval().compareTo(this.firstRetry) > 0) ? config.downInterval()
				: this.firstRetry;
	}

	/**
	 * Watches an endpoint, unless it is watched already; one waiting to reconnect reconnects now.
	 * @param record the endpoint
	 * @return {@code false} if the endpoint is polled instead (its server cannot be watched)
	 */
	boolean watch(EndpointRecord record) {
		Stream stream = record.watch;
		if (stream == null) {
			stream = new Stream(record);
			record.watch = stream;
			record.probeMode(ProbeMode.WATCH, null);
		}
		if (stream.polled) {
			return false;
		}
		if (!this.closed && !record.isRemoved() && stream.attempt == null) {
			open(stream);
		}
		return true;
	}

	/**
	 * Re-reads an endpoint's health after real calls ejected it: if its stream says it serves,
	 * that counts as a passed probe after the down interval, as a poll would.
	 * @param record the endpoint
	 */
	void ejected(EndpointRecord record) {
		Stream stream = record.watch;
		if (stream != null && !stream.polled && stream.connected) {
			confirmLater(stream);
		}
	}

	/**
	 * Closes the stream of an endpoint that left discovery.
	 * @param record the endpoint, already marked removed
	 */
	void release(EndpointRecord record) {
		Stream stream = record.watch;
		if (stream != null) {
			stop(stream);
		}
	}

	/**
	 * Closes every stream; nothing is watched after this.
	 * @param records the endpoints there were
	 */
	void close(Collection<EndpointRecord> records) {
		this.closed = true;
		for (EndpointRecord record : records) {
			release(record);
		}
	}

	/**
	 * Returns how many streams are open or being opened.
	 * @return the count
	 */
	int openStreams() {
		return this.open;
	}

	private void open(Stream stream) {
		EndpointRecord record = stream.record;
		Attempt attempt = new Attempt(stream);
		stream.attempt = attempt;
		stream.connected = false;
		stream.last = null;
		stream.openedNanos = System.nanoTime();
		if (stream.opened++ > 0) {
			this.sink.reconnecting(record);
		}
		this.open++;
		try {
			HealthWatch handle = this.scout.watch(record.endpoint(), attempt);
			if (handle == null) {
				throw new IllegalStateException("scout returned no watch");
			}
			stream.handle = handle;
		}
		catch (RuntimeException ex) {
			String error = Failures.describe(ex);
			handOver(() -> ended(attempt, error));
			return;
		}
		Duration timeout = this.config.timeout();
		stream.timer = schedule(() -> {
			if (stream.attempt == attempt && !stream.connected) {
				ended(attempt, "timed out after " + Durations.format(timeout));
			}
		}, timeout);
		nextProbe(record, null);
	}

	private void pushed(Attempt attempt, ProbeResult result) {
		Stream stream = attempt.stream;
		if (!current(attempt)) {
			return;
		}
		if (!stream.connected) {
			stream.connected = true;
			stream.failedAttempts = 0;
			stream.latency = Duration.ofNanos(System.nanoTime() - stream.openedNanos);
			cancelTimer(stream);
		}
		stream.last = result;
		if (logger.isDebugEnabled()) {
			logger.debug("[{}] watch of {} reported {}", this.name, stream.record.endpoint(),
					(result.detail() != null) ? result.detail() : (result.healthy() ? "passed" : "failed"));
		}
		if (result.healthy()) {
			this.sink.probed(stream.record, true, stream.latency, result.detail());
		}
		else {
			this.sink.pushed(stream.record, false, stream.latency, result.detail());
		}
		if (current(attempt)) {
			confirmLater(stream);
		}
	}

	/**
	 * Schedules the next confirmation of a passing status while the endpoint is unhealthy, or
	 * none.
	 */
	private void confirmLater(Stream stream) {
		cancelTimer(stream);
		EndpointRecord record = stream.record;
		ProbeResult last = stream.last;
		Attempt attempt = stream.attempt;
		if (attempt == null || last == null || !last.healthy() || record.status() != HealthStatus.UNHEALTHY) {
			nextProbe(record, null);
			return;
		}
		Duration interval = record.betweenStates() ? this.config.fastInterval() : this.config.downInterval();
		Duration wait = Delays.jittered(interval, this.config.jitter(), ThreadLocalRandom.current().nextDouble());
		stream.timer = schedule(() -> confirm(attempt), wait);
		nextProbe(record, this.clock.instant().plus(wait));
	}

	private void confirm(Attempt attempt) {
		Stream stream = attempt.stream;
		ProbeResult last = stream.last;
		if (!current(attempt) || !stream.connected || last == null || !last.healthy()) {
			return;
		}
		this.sink.probed(stream.record, true, stream.latency, last.detail());
		if (current(attempt)) {
			confirmLater(stream);
		}
	}

	private void ended(Attempt attempt, String error) {
		Stream stream = attempt.stream;
		if (!current(attempt)) {
			return;
		}
		Duration took = stream.connected ? stream.latency : Duration.ofNanos(System.nanoTime() - stream.openedNanos);
		end(stream);
		stream.failedAttempts++;
		if (logger.isDebugEnabled()) {
			logger.debug("[{}] watch of {} ended: {}", this.name, stream.record.endpoint(), error);
		}
		this.sink.probed(stream.record, false, took, error);
		if (this.closed || stream.record.isRemoved() || stream.record.watch != stream) {
			return;
		}
		Duration wait = Delays.backoff(stream.failedAttempts, this.firstRetry, this.maxRetry,
				ThreadLocalRandom.current().nextDouble());
		stream.timer = schedule(() -> {
			if (stream.attempt == null && !stream.polled && stream.record.watch == stream && !this.closed) {
				open(stream);
			}
		}, wait);
		nextProbe(stream.record, this.clock.instant().plus(wait));
	}

	private void nextProbe(EndpointRecord record, @Nullable Instant at) {
		if (record.nextProbe(at)) {
			this.sink.scheduled(record);
		}
	}

	private void unsupported(Attempt attempt, String reason) {
		Stream stream = attempt.stream;
		if (!current(attempt)) {
			return;
		}
		end(stream);
		stream.polled = true;
		logger.info("[{}] {} cannot be watched, polled instead: {}", this.name, stream.record.endpoint(), reason);
		stream.record.probeMode(ProbeMode.POLL, reason);
		this.poll.accept(stream.record);
	}

	private boolean current(Attempt attempt) {
		Stream stream = attempt.stream;
		return !this.closed && stream.attempt == attempt && stream.record.watch == stream
				&& !stream.record.isRemoved();
	}

	/**
	 * Ends the stream's current attempt: cancels its timer and closes its watch.
	 */
	private void end(Stream stream) {
		cancelTimer(stream);
		if (stream.attempt != null) {
			stream.attempt = null;
			this.open--;
		}
		HealthWatch handle = stream.handle;
		stream.handle = null;
		stream.connected = false;
		if (handle != null) {
			try {
				handle.close();
			}
			catch (RuntimeException ex) {
				logger.warn("[{}] failed to close the watch of {}", this.name, stream.record.endpoint(), ex);
			}
		}
	}

	private void stop(Stream stream) {
		end(stream);
		stream.polled = true;
	}

	private @Nullable ScheduledFuture<?> schedule(Runnable task, Duration delay) {
		try {
			return this.scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// The engine is closing.
			return null;
		}
	}

	private static void cancelTimer(Stream stream) {
		ScheduledFuture<?> timer = stream.timer;
		stream.timer = null;
		if (timer != null) {
			timer.cancel(false);
		}
	}

	private void handOver(Runnable task) {
		try {
			this.scheduler.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// The engine is closing.
		}
	}

	@Override
	public String toString() {
		return "ProbeWatches[" + this.name + ", open=" + this.open + "]";
	}

	/**
	 * One endpoint's watch: its current attempt, what it last said, and when to act next.
	 * Confined to the scheduler thread.
	 */
	static final class Stream {

		final EndpointRecord record;

		/** The attempt whose reports count; {@code null} while waiting to reconnect. */
		@Nullable Attempt attempt;

		@Nullable HealthWatch handle;

		/** The first-status deadline, the next confirmation or the reconnect. */
		@Nullable ScheduledFuture<?> timer;

		/** Whether the current attempt reported a status. */
		boolean connected;

		/** The last status of the current attempt. */
		@Nullable ProbeResult last;

		/** Failed attempts since the last status, for the back-off. */
		int failedAttempts;

		/** Attempts made. */
		int opened;

		long openedNanos;

		/** How long the current attempt took to report its first status. */
		Duration latency = Duration.ZERO;

		/** Whether it is polled instead (no watch on its server) or no longer watched. */
		boolean polled;

		Stream(EndpointRecord record) {
			this.record = record;
		}

	}

	/**
	 * One opening of a stream: the sink its watch reports to, handing each report to the
	 * scheduler thread, where reports of an attempt no longer current are dropped.
	 */
	private final class Attempt implements WatchSink {

		final Stream stream;

		Attempt(Stream stream) {
			this.stream = stream;
		}

		@Override
		public void pushed(ProbeResult result) {
			if (result == null) {
				ended("watch reported no result");
				return;
			}
			handOver(() -> ProbeWatches.this.pushed(this, result));
		}

		@Override
		public void ended(String error) {
			String text = (error != null) ? error : "watch ended";
			handOver(() -> ProbeWatches.this.ended(this, text));
		}

		@Override
		public void unsupported(String reason) {
			String text = (reason != null) ? reason : "the endpoint cannot be watched";
			handOver(() -> ProbeWatches.this.unsupported(this, text));
		}

	}

}
