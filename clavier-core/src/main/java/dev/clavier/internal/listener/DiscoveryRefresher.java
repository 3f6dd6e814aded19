package dev.clavier.internal.listener;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import dev.clavier.discovery.DiscoveryResult;
import dev.clavier.discovery.DiscoverySession;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.internal.Delays;
import dev.clavier.listener.DiscoveryState;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.model.Durations;
import dev.clavier.model.Failures;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks a listener's discovery for its endpoints, again when the answer says to; on failure
 * keeps the last good set and retries with exponential back-off and jitter; an empty answer
 * does not wipe a non-empty set unless the listener says so (keep-last-good). Hands each
 * accepted set to {@link Sink#found} and keeps the {@link DiscoveryState} readers see.
 * <p>
 * Confined to the engine's scheduler thread.
 */
final class DiscoveryRefresher {

	private static final Logger logger = LoggerFactory.getLogger(Listener.class);

	private final String name;

	private final ListenerConfig config;

	private final DiscoverySession session;

	private final ScheduledExecutorService scheduler;

	private final Clock clock;

	private final IntSupplier known;

	private final Sink sink;

	private @Nullable ScheduledFuture<?> next;

	private int attempts;

	private boolean closed;

	private DiscoveryState state;

	private final DiscoveryLog log;

	/**
	 * Creates a refresher; {@link #refresh()} starts it.
	 * @param name the listener's name
	 * @param config the listener's configuration
	 * @param session the discovery session, closed by {@link #close()}
	 * @param scheduler the engine's scheduler
	 * @param clock the clock for time stamps
	 * @param known how many endpoints the listener knows now
	 * @param sink receives the outcome of each attempt
	 */
	DiscoveryRefresher(String name, ListenerConfig config, DiscoverySession session, ScheduledExecutorService scheduler,
			Clock clock, IntSupplier known, Sink sink) {
		this.name = name;
		this.config = config;
		this.session = session;
		this.scheduler = scheduler;
		this.clock = clock;
		this.known = known;
		this.sink = sink;
		this.state = new DiscoveryState(config.discovery().model(), session.target(), null, null, null, 0, null);
		this.log = new DiscoveryLog(name, session.target());
	}

	DiscoveryState state() {
		return this.state;
	}

	String target() {
		return this.session.target();
	}

	/**
	 * Asks discovery now.
	 */
	void refresh() {
		if (this.closed) {
			return;
		}
		CompletableFuture<DiscoveryResult> answer;
		try {
			answer = this.session.discover();
		}
		catch (RuntimeException ex) {
			answer = CompletableFuture.failedFuture(ex);
		}
		Duration timeout = this.config.discoveryTimeout();
		Deadline.within(answer, timeout, "discovery timed out after " + Durations.format(timeout), this.scheduler)
			.whenCompleteAsync(this::answered, this.scheduler);
	}

	private void answered(@Nullable DiscoveryResult result, @Nullable Throwable failure) {
		if (this.closed) {
			return;
		}
		Instant now = this.clock.instant();
		DiscoveryState previous = this.state;
		if (failure != null || result == null) {
			this.attempts++;
			String error = Failures.describe(failure);
			Duration delay = Delays.backoff(this.attempts, this.config.discoveryRetryMin(), this.config.discoveryRetryMax(),
					ThreadLocalRandom.current().nextDouble());
			this.log.failed(error, this.known.getAsInt(), Durations.format(delay), this.attempts);
			this.state = new DiscoveryState(previous.model(), previous.target(), previous.lastRefresh(), now.plus(delay),
					error, this.attempts, previous.lastNote());
			this.sink.attempted(List.of(), failure);
			this.next = this.scheduler.schedule(this::refresh, delay.toNanos(), TimeUnit.NANOSECONDS);
			return;
		}
		this.attempts = 0;
		List<Endpoint> found = result.endpoints();
		Duration refreshAfter = result.refreshAfter();
		this.state = new DiscoveryState(previous.model(), previous.target(), now,
				(refreshAfter != null) ? now.plus(refreshAfter) : null, null, 0, result.note());
		int known = this.known.getAsInt();
		if (found.isEmpty()) {
			this.log.answeredEmpty(result.note(), known, !this.config.clearOnEmpty());
		}
		else {
			this.log.answered(found.size());
		}
		if (!found.isEmpty() || known == 0 || this.config.clearOnEmpty()) {
			this.sink.found(found);
		}
		this.sink.attempted(found, null);
		if (refreshAfter != null) {
			this.next = this.scheduler.schedule(this::refresh, refreshAfter.toNanos(), TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * Stops refreshing and closes the session.
	 */
	void close() {
		this.closed = true;
		if (this.next != null) {
			this.next.cancel(false);
		}
		try {
			this.session.close();
		}
		catch (RuntimeException ex) {
			logger.warn("[{}] failed to close {}", this.name, this.session, ex);
		}
	}

	/**
	 * Receives what discovery answered.
	 */
	interface Sink {

		/**
		 * Called with an endpoint set to apply.
		 * @param endpoints the endpoints found
		 */
		void found(List<Endpoint> endpoints);

		/**
		 * Called after each attempt, after {@link #found} when it found a set.
		 * @param endpoints the endpoints found, empty on failure
		 * @param failure the failure, or {@code null}
		 */
		void attempted(List<Endpoint> endpoints, @Nullable Throwable failure);

	}

}
