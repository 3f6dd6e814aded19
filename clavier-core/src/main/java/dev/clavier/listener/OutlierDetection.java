package dev.clavier.listener;

import java.time.Duration;
import java.util.Objects;

import dev.clavier.model.InvalidOptionException;

/**
 * How long passive outlier detection keeps an endpoint out of rotation, how much of a listener
 * it may take out, and its optional failure-percentage rule, as in Envoy's and gRPC's outlier
 * detection. The consecutive-failures rule is {@link ListenerConfig#outlierFailures()}. Set
 * through {@link ListenerConfig.Builder}; immutable and thread-safe.
 * <p>
 * An ejected endpoint returns after {@code baseEjectionTime} times the number of times it was
 * ejected, at most {@code maxEjectionTime}, or sooner when a probe passes. The count loses one
 * for each {@code baseEjectionTime} the endpoint then stays in rotation. Calls may eject
 * endpoints while no more than {@code maxEjectionPercent} of the discovered ones are ejected,
 * and always one, as Envoy does.
 *
 * @param baseEjectionTime how long the first ejection lasts; each further one lasts this times
 * the ejection count
 * @param maxEjectionTime the longest an ejection lasts; at least {@code baseEjectionTime}
 * @param maxEjectionPercent the most of a listener's discovered endpoints that calls may keep
 * ejected at once, in percent, 0 to 100; one endpoint may always be ejected
 * @param failurePercentageThreshold the share of failed calls within the window, in percent, at
 * which an endpoint is ejected, 1 to 100; 0 turns the rule off
 * @param failurePercentageMinimumCalls the fewest calls within the window for the share to count
 * @param failurePercentageWindow the time over which calls are counted for the share
 */
public record OutlierDetection(Duration baseEjectionTime, Duration maxEjectionTime, int maxEjectionPercent,
		int failurePercentageThreshold, int failurePercentageMinimumCalls, Duration failurePercentageWindow) {

	/** Default base ejection time: 30 seconds, as Envoy and gRPC. */
	public static final Duration DEFAULT_BASE_EJECTION_TIME = Duration.ofSeconds(30);

	/** Default longest ejection: 300 seconds, as Envoy and gRPC. */
	public static final Duration DEFAULT_MAX_EJECTION_TIME = Duration.ofSeconds(300);

	/**
	 * Default most of a listener calls may eject: 50%. Envoy's 10% suits clusters of many hosts;
	 * a client-side listener has a handful (on 3 endpoints 10% is one), and its probes, not
	 * calls, remain the main way dead endpoints leave. Half keeps most of a listener against a
	 * client-side bug that fails every call, yet lets calls eject two of four.
	 */
	public static final int DEFAULT_MAX_EJECTION_PERCENT = 50;

	/** Default failure-percentage threshold: 0, the rule is off. */
	public static final int DEFAULT_FAILURE_PERCENTAGE_THRESHOLD = 0;

	/** Default fewest calls for the failure percentage to count: 50, as Envoy's and gRPC's request volume. */
	public static final int DEFAULT_FAILURE_PERCENTAGE_MINIMUM_CALLS = 50;

	/** Default window of the failure percentage: 10 seconds, Envoy's and gRPC's interval. */
	public static final Duration DEFAULT_FAILURE_PERCENTAGE_WINDOW = Duration.ofSeconds(10);

	private static final OutlierDetection DEFAULTS = new OutlierDetection(DEFAULT_BASE_EJECTION_TIME,
			DEFAULT_MAX_EJECTION_TIME, DEFAULT_MAX_EJECTION_PERCENT, DEFAULT_FAILURE_PERCENTAGE_THRESHOLD,
			DEFAULT_FAILURE_PERCENTAGE_MINIMUM_CALLS, DEFAULT_FAILURE_PERCENTAGE_WINDOW);

	/**
	 * Creates settings, checking every rule.
	 * @throws InvalidOptionException naming the first option that breaks a rule
	 */
	public OutlierDetection {
		checkPositive("baseEjectionTime", baseEjectionTime);
		checkPositive("maxEjectionTime", maxEjectionTime);
		if (maxEjectionTime.compareTo(baseEjectionTime) < 0) {
			throw new InvalidOptionException("maxEjectionTime", maxEjectionTime,
					">= baseEjectionTime " + baseEjectionTime);
		}
		checkPercent("maxEjectionPercent", maxEjectionPercent, "0...100");
		checkPercent("failurePercentageThreshold", failurePercentageThreshold, "0...100, 0 turns it off");
		if (failurePercentageMinimumCalls < 1) {
			throw new InvalidOptionException("failurePercentageMinimumCalls", failurePercentageMinimumCalls, ">= 1");
		}
		checkPositive("failurePercentageWindow", failurePercentageWindow);
	}

	/**
	 * Returns the default settings.
	 * @return the defaults
	 */
	public static OutlierDetection defaults() {
		return DEFAULTS;
	}

	/**
	 * Returns whether the failure-percentage rule is on.
	 * @return {@code true} when its threshold is above 0
	 */
	public boolean failurePercentageEnabled() {
		return this.failurePercentageThreshold > 0;
	}

	/**
	 * Returns how long an ejection lasts: the base time times the count, at most the maximum.
	 * @param times how many times the endpoint has been ejected, this time included, 1 or more
	 * @return the ejection time
	 */
	public Duration ejectionTime(int times) {
		Duration max = this.maxEjectionTime;
		// Compared before multiplying, so that a large count cannot overflow.
		if (times > max.dividedBy(this.baseEjectionTime)) {
			return max;
		}
		return this.baseEjectionTime.multipliedBy(Math.max(times, 1));
	}

	static Duration checkPositive(String option, Duration value) {
		Objects.requireNonNull(value, option);
		if (value.isNegative() || value.isZero()) {
			throw new InvalidOptionException(option, value, "> 0");
		}
		return value;
	}

	static int checkPercent(String option, int value, String expected) {
		if (value < 0 || value > 100) {
			throw new InvalidOptionException(option, value, expected);
		}
		return value;
	}

}
