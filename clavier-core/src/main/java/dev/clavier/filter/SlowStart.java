package dev.clavier.filter;

import java.time.Duration;
import java.util.Objects;

import dev.clavier.model.InvalidOptionException;

/**
 * How a newly healthy endpoint's weight ramps up, as Envoy's {@code slow_start_config}: over the
 * {@code window} after it becomes healthy, its weight is scaled by
 * {@code max(minWeightPercent / 100, (time since healthy / window) ^ (1 / aggression))}, then is
 * its full weight. {@code aggression} 1 ramps linearly; above 1 it ramps faster at first, below 1
 * slower. A window of zero turns slow start off ({@link #OFF}, the default).
 * <pre>{@code
 * ListenerConfig config = ListenerConfig.builder(discovery)
 *         .slowStart(SlowStart.of(Duration.ofSeconds(30)))
 *         .build();
 * }</pre>
 * The listener applies it to endpoints that become healthy after its first probe round (a
 * recovery, or an endpoint that joined later), never to those found healthy in that round.
 * Immutable and thread-safe.
 *
 * @param window how long a newly healthy endpoint ramps up; zero turns slow start off
 * @param aggression the ramp's curve: the time factor is raised to {@code 1 / aggression}, more than 0
 * @param minWeightPercent the floor of the ramp, in percent of the weight, 0 to 100
 */
public record SlowStart(Duration window, double aggression, int minWeightPercent) {

	/** Default aggression: 1, a linear ramp (Envoy's default). */
	public static final double DEFAULT_AGGRESSION = 1.0;

	/** Default floor: 10% of the weight (Envoy's default). */
	public static final int DEFAULT_MIN_WEIGHT_PERCENT = 10;

	/** Slow start turned off: every endpoint gets its full weight as soon as it is healthy. */
	public static final SlowStart OFF = new SlowStart(Duration.ZERO, DEFAULT_AGGRESSION, DEFAULT_MIN_WEIGHT_PERCENT);

	/**
	 * Creates a slow start, checking every argument.
	 * @throws InvalidOptionException naming the first argument out of range
	 * ({@code slowStartWindow}, {@code slowStartAggression} or {@code slowStartMinWeightPercent})
	 */
	public SlowStart {
		Objects.requireNonNull(window, "window");
		if (window.isNegative()) {
			throw new InvalidOptionException("slowStartWindow", window, ">= 0, 0 turns slow start off");
		}
		if (!(aggression > 0) || Double.isInfinite(aggression)) {
			throw new InvalidOptionException("slowStartAggression", aggression, "> 0, 1 ramps linearly");
		}
		if (minWeightPercent < 0 || minWeightPercent > 100) {
			throw new InvalidOptionException("slowStartMinWeightPercent", minWeightPercent, "0...100");
		}
	}

	/**
	 * Returns a slow start over the given window with the default aggression (1) and floor (10%).
	 * @param window how long a newly healthy endpoint ramps up; zero turns slow start off
	 * @return the slow start
	 * @throws InvalidOptionException if the window is negative
	 */
	public static SlowStart of(Duration window) {
		return new SlowStart(window, DEFAULT_AGGRESSION, DEFAULT_MIN_WEIGHT_PERCENT);
	}

	/**
	 * Returns whether slow start is on: the window is longer than zero.
	 * @return {@code true} when on
	 */
	public boolean enabled() {
		return !this.window.isZero();
	}

	/**
	 * Returns the share of its weight an endpoint gets some time after it became healthy:
	 * {@code max(minWeightPercent / 100, (elapsed / window) ^ (1 / aggression))} within the window,
	 * 1 from its end on (and always 1 when slow start is off). A negative elapsed time (a clock
	 * set back) counts as zero.
	 * @param elapsed the time since the endpoint became healthy
	 * @return the factor, in {@code [minWeightPercent / 100, 1]}
	 */
	public double factor(Duration elapsed) {
		if (!isRamping(elapsed)) {
			return 1.0;
		}
		double time = Math.max(0, seconds(elapsed)) / seconds(this.window);
		double ramp = (this.aggression == 1.0) ? time : Math.pow(time, 1.0 / this.aggression);
		return Math.min(1.0, Math.max(this.minWeightPercent / 100.0, ramp));
	}

	/**
	 * Returns whether an endpoint that became healthy this long ago still ramps up.
	 * @param elapsed the time since the endpoint became healthy
	 * @return {@code true} while slow start is on and the window has not passed
	 */
	public boolean isRamping(Duration elapsed) {
		return enabled() && elapsed.compareTo(this.window) < 0;
	}

	// Seconds as a double rather than nanoseconds as a long, which overflow at 292 years.
	private static double seconds(Duration duration) {
		return duration.getSeconds() + duration.getNano() / 1e9;
	}

}
