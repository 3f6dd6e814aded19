package dev.clavier.internal.listener;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.endpoint.HealthTransition;
import dev.clavier.filter.SlowStart;
import dev.clavier.listener.Listener;
import dev.clavier.model.Durations;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slow start: ramps up the weight of endpoints that become healthy after the listener's first
 * probe round, as {@link SlowStart} says. The ramp moves in steps on the scheduler thread, and
 * only while some endpoint ramps: each step sets the ramping records' factors and has a new
 * selection published, whose selector the filter made over copies of the endpoints that carry
 * the ramped weights. Picks therefore stay what they are, an array read with no lock and no
 * allocation; nothing is worked out at pick time.
 * <p>
 * Endpoints found healthy in the first probe round do not ramp: when every endpoint is new,
 * ramping them all would change nothing but the total. Weights are scaled by {@value #SCALE}
 * so that a ramp moves in steps of 5% of an endpoint's weight: fine enough for a ramp, and coarse
 * enough that round robin's period over a hundred endpoints (at most {@code 20 × 100}) stays short
 * enough to precompute, keeping the pick an array read. The filter's weights divide out their
 * common divisor, so once nothing ramps the scale is gone.
 * <p>
 * Confined to the engine's scheduler thread.
 */
final class SlowStartRamp {

	private static final Logger logger = LoggerFactory.getLogger(Listener.class);

	/** How many weight units one unit of weight is while some endpoint ramps. */
	static final int SCALE = 20;

	/** Most steps over one window; a shorter window steps less often (see {@link #stepNanos}). */
	private static final int STEPS = 100;

	/** Shortest time between two steps: picks' selectors are rebuilt at most this often. */
	private static final Duration MIN_STEP = Duration.ofMillis(50);

	/** Longest time between two steps, so that a long window still ramps smoothly. */
	private static final Duration MAX_STEP = Duration.ofSeconds(1);

	private final String name;

	private final SlowStart slowStart;

	private final ScheduledExecutorService scheduler;

	private final Clock clock;

	private final BooleanSupplier firstRoundOver;

	private final Runnable republish;

	private final long stepNanos;

	/** When each ramping record became healthy, in the clock's milliseconds. */
	private final Map<EndpointRecord, Long> ramping = new LinkedHashMap<>();

	private @Nullable ScheduledFuture<?> next;

	private boolean closed;

	/**
	 * Creates the slow start of one listener.
	 * @param name the listener's name
	 * @param slowStart the ramp's window, curve and floor
	 * @param scheduler the engine's scheduler
	 * @param clock the engine's clock, which times the ramp
	 * @param firstRoundOver whether the listener's first probe round is over (it is ready)
	 * @param republish publishes a new selection at once (on the scheduler)
	 */
	SlowStartRamp(String name, SlowStart slowStart, ScheduledExecutorService scheduler, Clock clock,
			BooleanSupplier firstRoundOver, Runnable republish) {
		this.name = name;
		this.slowStart = slowStart;
		this.scheduler = scheduler;
		this.clock = clock;
		this.firstRoundOver = firstRoundOver;
		this.republish = republish;
		this.stepNanos = stepNanos(slowStart.window());
	}

	/**
	 * Returns the time between two steps of a ramp over the given window: a hundredth of it,
	 * within [50 ms, 1 s].
	 * @param window the window, more than zero
	 * @return the step, in nanoseconds
	 */
	static long stepNanos(Duration window) {
		Duration step = window.dividedBy(STEPS);
		step = (step.compareTo(MIN_STEP) < 0) ? MIN_STEP : step;
		step = (step.compareTo(MAX_STEP) > 0) ? MAX_STEP : step;
		return step.toNanos();
	}

	/**
	 * Returns whether some endpoint ramps up now.
	 * @return {@code true} while one does
	 */
	boolean isRamping() {
		return !this.ramping.isEmpty();
	}

	/**
	 * Starts a record's ramp when it becomes healthy after the first probe round, and ends it
	 * when it leaves healthy. Call before the change is published.
	 * @param record the record
	 * @param transition its transition
	 */
	void transitioned(EndpointRecord record, HealthTransition transition) {
		if (!this.slowStart.enabled() || this.closed) {
			return;
		}
		if (transition.to() != HealthStatus.HEALTHY) {
			stop(record);
			return;
		}
		if (transition.from() == HealthStatus.UNKNOWN && !this.firstRoundOver.getAsBoolean()) {
			// Found healthy in the first probe round: every endpoint is new, none ramps.
			return;
		}
		this.ramping.put(record, this.clock.millis());
		record.rampFactor(this.slowStart.factor(Duration.ZERO));
		logger.debug("[{}] {} ramps up over {}", this.name, record.endpoint(),
				Durations.format(this.slowStart.window()));
		schedule();
	}

	/**
	 * Ends the ramp of a record that left discovery.
	 * @param record the record
	 */
	void removed(EndpointRecord record) {
		stop(record);
	}

	/**
	 * Returns the endpoints a selector is made over: {@code pickable} itself when none of them
	 * ramps, else copies whose weights are scaled by {@value #SCALE} and ramped (at least 1 for
	 * a positive weight, so that a ramping endpoint keeps a share; weight 0 stays 0).
	 * @param pickable the endpoints picks are made from, as the table's records give them
	 * @return the endpoints with the weights picks use, in the same order
	 */
	List<Endpoint> weigh(List<Endpoint> pickable) {
		if (this.ramping.isEmpty()) {
			return pickable;
		}
		// By identity: the pickable list holds the very objects the records return.
		Map<Endpoint, Double> factors = new IdentityHashMap<>();
		for (EndpointRecord record : this.ramping.keySet()) {
			factors.put(record.endpoint(), record.rampFactor());
		}
		List<Endpoint> weighted = new ArrayList<>(pickable.size());
		boolean ramped = false;
		for (Endpoint endpoint : pickable) {
			Double factor = factors.get(endpoint);
			ramped |= (factor != null);
			weighted.add(endpoint.withWeight(scaled(endpoint.weight(), (factor != null) ? factor : 1.0)));
		}
		return ramped ? weighted : pickable;
	}

	/**
	 * Returns a weight scaled by {@value #SCALE} and ramped by a factor.
	 * @param weight the endpoint's weight
	 * @param factor the ramp's factor, in [0, 1]
	 * @return the scaled weight: 0 for weight 0, else at least 1
	 */
	static int scaled(int weight, double factor) {
		if (weight == 0) {
			return 0;
		}
		return (int) Math.max(1, Math.round(weight * (double) SCALE * factor));
	}

	/**
	 * Cancels the next step. Idempotent.
	 */
	void close() {
		this.closed = true;
		ScheduledFuture<?> next = this.next;
		if (next != null) {
			next.cancel(false);
			this.next = null;
		}
		this.ramping.clear();
	}

	private void stop(EndpointRecord record) {
		if (this.ramping.remove(record) != null) {
			record.rampFactor(1.0);
		}
	}

	/**
	 * Moves every ramp one step on, ends those past the window, and has the new weights
	 * published; then schedules the next step while some endpoint still ramps.
	 */
	private void step() {
		this.next = null;
		if (this.closed) {
			return;
		}
		long now = this.clock.millis();
		boolean changed = false;
		for (Iterator<Map.Entry<EndpointRecord, Long>> entries = this.ramping.entrySet().iterator(); entries
			.hasNext();) {
			Map.Entry<EndpointRecord, Long> entry = entries.next();
			EndpointRecord record = entry.getKey();
			Duration elapsed = Duration.ofMillis(now - entry.getValue());
			double before = record.rampFactor();
			if (record.isRemoved() || !this.slowStart.isRamping(elapsed)) {
				entries.remove();
				record.rampFactor(1.0);
				logger.debug("[{}] {} ramped up", this.name, record.endpoint());
			}
			else {
				record.rampFactor(this.slowStart.factor(elapsed));
			}
			changed |= (record.rampFactor() != before);
		}
		if (changed) {
			// Also while the factors sit on the floor: the selector is rebuilt only when they move.
			this.republish.run();
		}
		schedule();
	}

	private void schedule() {
		if (this.next != null || this.ramping.isEmpty() || this.closed) {
			return;
		}
		try {
			this.next = this.scheduler.schedule(this::step, this.stepNanos, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// The engine is closing.
		}
	}

}
