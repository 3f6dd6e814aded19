package dev.clavier.listener;

import java.time.Duration;
import java.util.Objects;

import dev.clavier.discovery.Discovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.filter.Filter;
import dev.clavier.filter.Filters;
import dev.clavier.filter.SlowStart;
import dev.clavier.model.InvalidOptionException;
import dev.clavier.scout.Scout;
import dev.clavier.scout.TcpScout;
import org.jspecify.annotations.Nullable;

/**
 * How one listener discovers, probes and picks. Immutable and thread-safe; made with
 * {@link #builder(Discovery)}:
 * <pre>{@code
 * ListenerConfig config = ListenerConfig.builder(DnsDiscovery.builder().port(8080).build())
 *         .scout(HttpScout.builder().path("/health").build())
 *         .interval(Duration.ofSeconds(2))
 *         .timeout(Duration.ofSeconds(1))
 *         .build();
 * }</pre>
 *
 * @param discovery how endpoints are found
 * @param scout how endpoints are probed
 * @param filter how one endpoint is picked
 * @param interval time between two probes of one healthy endpoint (HAProxy's {@code inter})
 * @param fastInterval time between two probes of an endpoint between states: a healthy one whose
 * last probe failed, an unhealthy one whose last probe passed (HAProxy's {@code fastinter}); at most
 * {@code interval}
 * @param downInterval time between two probes of an unhealthy endpoint (HAProxy's {@code downinter});
 * above {@code timeout}
 * @param timeout how long a probe may take before it fails; below {@code interval} and {@code downInterval}
 * @param jitter fraction of each wait (interval, fast or down interval) by which it varies at random, in [0, 0.5]
 * @param rise consecutive successes that make an unhealthy endpoint healthy
 * @param fall consecutive failures that make a healthy endpoint unhealthy
 * @param ignoreHealth whether picks ignore health and use every discovered endpoint (the original's StatusJump)
 * @param allDownPolicy what picks do when endpoints are discovered but none is healthy
 * @param clearOnEmpty whether an empty discovery answer empties a non-empty set
 * @param discoveryTimeout how long one discovery attempt may take
 * @param discoveryRetryMin first wait after a failed discovery attempt; doubles per attempt
 * @param discoveryRetryMax longest wait between failed discovery attempts
 * @param outlierFailures consecutive failed real calls that take an endpoint out of rotation until
 * its next passing probe (passive outlier detection); 0 turns it off
 * @param maxProbesInFlight most probes of the listener running at once; probes that fall due beyond
 * it wait for a free slot, in order, their timeout not running yet
 * @param outlierDetection how long ejections last, how much of the listener calls may eject, and
 * the failure-percentage rule beside {@code outlierFailures}
 * @param panicThreshold the share of discovered endpoints, in percent, below which picks are made
 * among all of them as too few are healthy (Envoy's panic threshold); 0 turns it off
 * @param subsetSize how many of the discovered endpoints this application instance probes and
 * picks (deterministic subsetting); 0 turns subsetting off
 * @param subsetInstanceId the id of this application instance that chooses its subset, such as
 * {@code orders-7}; blank while subsetting is off
 * @param zone the listener's own zone: while a pickable endpoint has this zone (its attribute
 * {@value Endpoint#ZONE_ATTRIBUTE}, compared ignoring case) only those are picked, otherwise all
 * pickable ones; {@code null} picks regardless of zone
 * @param slowStart how the weight of an endpoint that becomes healthy after the first probe
 * round ramps up; {@link SlowStart#OFF} by default
 */
public record ListenerConfig(Discovery discovery, Scout scout, Filter filter, Duration interval,
		Duration fastInterval, Duration downInterval, Duration timeout, double jitter, int rise, int fall,
		boolean ignoreHealth, AllDownPolicy allDownPolicy, boolean clearOnEmpty, Duration discoveryTimeout,
		Duration discoveryRetryMin, Duration discoveryRetryMax, int outlierFailures, int maxProbesInFlight,
		OutlierDetection outlierDetection, int panicThreshold, int subsetSize, String subsetInstanceId,
		@Nullable String zone, SlowStart slowStart) {

	/** Default time between probes of one endpoint: 5 seconds, as in the original. */
	public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

	/**
	 * What the default fast interval is of the interval: a quarter, so 1.25 s for the default
	 * 5 s. A healthy endpoint is still probed every interval, so the steady probe rate does not
	 * change; the extra probes are at most {@code fall - 1} per failure and {@code rise - 1} per
	 * recovery. With fall 2 the second, confirming, probe comes a quarter interval after the
	 * first failed one instead of a whole interval: detection takes 0 to 1.25 intervals instead
	 * of 1 to 2 (measured in docs/benchmarks.md, part 4), while a blip shorter than a quarter
	 * interval still fails one probe only and does not take the endpoint out.
	 */
	public static final int DEFAULT_FAST_INTERVAL_DIVISOR = 4;

	/** Default probe timeout: 2 seconds, as the original's TCP and HTTP checks. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

	/** Default jitter: 10% of the interval. */
	public static final double DEFAULT_JITTER = 0.1;

	/** Default rise: 2 consecutive successes. */
	public static final int DEFAULT_RISE = 2;

	/** Default fall: 2 consecutive failures. */
	public static final int DEFAULT_FALL = 2;

	/** Default discovery timeout: 5 seconds. */
	public static final Duration DEFAULT_DISCOVERY_TIMEOUT = Duration.ofSeconds(5);

	/** Default first retry delay after a failed discovery: 1 second. */
	public static final Duration DEFAULT_DISCOVERY_RETRY_MIN = Duration.ofSeconds(1);

	/** Default longest retry delay after failed discoveries: 30 seconds. */
	public static final Duration DEFAULT_DISCOVERY_RETRY_MAX = Duration.ofSeconds(30);

	/** Default consecutive failed real calls that eject an endpoint: 5, as Envoy's consecutive-5xx default. */
	public static final int DEFAULT_OUTLIER_FAILURES = 5;

	/**
	 * Default most probes in flight per listener: 512. Far above what a healthy set needs
	 * (10,000 endpoints probed every 5 s in 10 ms each keep 20 in flight; 1,280 endpoints that
	 * never answer, each holding a slot for the 2 s timeout every 5 s, fill it), and few enough
	 * that a first round of 1,000 HTTP probes from a cold JVM passes: with 1,024 at once they
	 * timed out on two cores (docs/benchmarks.md).
	 */
	public static final int DEFAULT_MAX_PROBES_IN_FLIGHT = 512;

	/**
	 * Creates a configuration, checking every rule the builder checks.
	 * @throws InvalidOptionException naming the first option that breaks a rule
	 */
	public ListenerConfig {
		Objects.requireNonNull(discovery, "discovery");
		Objects.requireNonNull(scout, "scout");
		Objects.requireNonNull(filter, "filter");
		Objects.requireNonNull(allDownPolicy, "allDownPolicy");
		checkPositive("interval", interval);
		checkPositive("fastInterval", fastInterval);
		checkPositive("downInterval", downInterval);
		checkPositive("timeout", timeout);
		if (timeout.compareTo(interval) >= 0) {
			throw new InvalidOptionException("timeout", timeout,
					"< interval " + interval + ", so that probes never overlap");
		}
		if (fastInterval.compareTo(interval) > 0) {
			throw new InvalidOptionException("fastInterval", fastInterval, "<= interval " + interval);
		}
		if (downInterval.compareTo(timeout) <= 0) {
			throw new InvalidOptionException("downInterval", downInterval,
					"> timeout " + timeout + ", so that probes never overlap");
		}
		checkJitter(jitter);
		checkAtLeast("rise", rise, 1, ">= 1");
		checkAtLeast("fall", fall, 1, ">= 1");
		checkPositive("discoveryTimeout", discoveryTimeout);
		checkPositive("discoveryRetryMin", discoveryRetryMin);
		checkPositive("discoveryRetryMax", discoveryRetryMax);
		if (discoveryRetryMin.compareTo(discoveryRetryMax) > 0) {
			throw new InvalidOptionException("discoveryRetryMin", discoveryRetryMin,
					"<= discoveryRetryMax " + discoveryRetryMax);
		}
		checkAtLeast("outlierFailures", outlierFailures, 0, ">= 0, 0 turns it off");
		checkAtLeast("maxProbesInFlight", maxProbesInFlight, 1, ">= 1");
		Objects.requireNonNull(outlierDetection, "outlierDetection");
		OutlierDetection.checkPercent("panicThreshold", panicThreshold, "0...100, 0 turns it off");
		checkSubset(subsetSize, subsetInstanceId);
		zone = checkZone(zone);
		Objects.requireNonNull(slowStart, "slowStart");
	}

	/**
	 * Creates a configuration with the default outlier detection timing, no panic threshold, no
	 * subsetting, no zone and no slow start, checking every rule the builder checks. The
	 * constructor of the configurations before timed ejection, subsetting, zones and slow start.
	 * @param discovery how endpoints are found
	 * @param scout how endpoints are probed
	 * @param filter how one endpoint is picked
	 * @param interval time between two probes of one healthy endpoint
	 * @param fastInterval time between two probes of an endpoint between states
	 * @param downInterval time between two probes of an unhealthy endpoint
	 * @param timeout how long a probe may take before it fails
	 * @param jitter fraction of each wait by which it varies at random, in [0, 0.5]
	 * @param rise consecutive successes that make an unhealthy endpoint healthy
	 * @param fall consecutive failures that make a healthy endpoint unhealthy
	 * @param ignoreHealth whether picks ignore health and use every discovered endpoint
	 * @param allDownPolicy what picks do when endpoints are discovered but none is healthy
	 * @param clearOnEmpty whether an empty discovery answer empties a non-empty set
	 * @param discoveryTimeout how long one discovery attempt may take
	 * @param discoveryRetryMin first wait after a failed discovery attempt
	 * @param discoveryRetryMax longest wait between failed discovery attempts
	 * @param outlierFailures consecutive failed real calls that eject an endpoint; 0 turns it off
	 * @param maxProbesInFlight most probes of the listener running at once
	 * @throws InvalidOptionException naming the first option that breaks a rule
	 */
	public ListenerConfig(Discovery discovery, Scout scout, Filter filter, Duration interval, Duration fastInterval,
			Duration downInterval, Duration timeout, double jitter, int rise, int fall, boolean ignoreHealth,
			AllDownPolicy allDownPolicy, boolean clearOnEmpty, Duration discoveryTimeout, Duration discoveryRetryMin,
			Duration discoveryRetryMax, int outlierFailures, int maxProbesInFlight) {
		this(discovery, scout, filter, interval, fastInterval, downInterval, timeout, jitter, rise, fall, ignoreHealth,
				allDownPolicy, clearOnEmpty, discoveryTimeout, discoveryRetryMin, discoveryRetryMax, outlierFailures,
				maxProbesInFlight, OutlierDetection.defaults(), 0, 0, "", null, SlowStart.OFF);
	}

	/**
	 * Creates a configuration with the default fast and down intervals for {@code interval}
	 * ({@link #defaultFastInterval}, and {@code interval} itself), checking every rule the
	 * builder checks. The constructor of the configurations without state-dependent intervals.
	 * @param discovery how endpoints are found
	 * @param scout how endpoints are probed
	 * @param filter how one endpoint is picked
	 * @param interval time between two probes of one endpoint
	 * @param timeout how long a probe may take before it fails; below {@code interval}
	 * @param jitter fraction of each wait by which it varies at random, in [0, 0.5]
	 * @param rise consecutive successes that make an unhealthy endpoint healthy
	 * @param fall consecutive failures that make a healthy endpoint unhealthy
	 * @param ignoreHealth whether picks ignore health and use every discovered endpoint
	 * @param allDownPolicy what picks do when endpoints are discovered but none is healthy
	 * @param clearOnEmpty whether an empty discovery answer empties a non-empty set
	 * @param discoveryTimeout how long one discovery attempt may take
	 * @param discoveryRetryMin first wait after a failed discovery attempt
	 * @param discoveryRetryMax longest wait between failed discovery attempts
	 * @param outlierFailures consecutive failed real calls that eject an endpoint; 0 turns it off
	 * @param maxProbesInFlight most probes of the listener running at once
	 * @throws InvalidOptionException naming the first option that breaks a rule
	 */
	public ListenerConfig(Discovery discovery, Scout scout, Filter filter, Duration interval, Duration timeout,
			double jitter, int rise, int fall, boolean ignoreHealth, AllDownPolicy allDownPolicy, boolean clearOnEmpty,
			Duration discoveryTimeout, Duration discoveryRetryMin, Duration discoveryRetryMax, int outlierFailures,
			int maxProbesInFlight) {
		this(discovery, scout, filter, interval, defaultFastInterval(checkPositive("interval", interval)), interval,
				timeout, jitter, rise, fall, ignoreHealth, allDownPolicy, clearOnEmpty, discoveryTimeout,
				discoveryRetryMin, discoveryRetryMax, outlierFailures, maxProbesInFlight);
	}

	/**
	 * Returns whether this application instance probes and picks a subset of the discovered
	 * endpoints ({@code subsetSize} above 0).
	 * @return {@code true} if subsetting is on
	 */
	public boolean isSubsetting() {
		return this.subsetSize > 0;
	}

	/**
	 * Returns the fast interval used when none is set: a quarter of the interval
	 * ({@link #DEFAULT_FAST_INTERVAL_DIVISOR}), 1.25 s for the default 5 s.
	 * @param interval the interval, more than zero
	 * @return the default fast interval, more than zero
	 */
	public static Duration defaultFastInterval(Duration interval) {
		Duration fast = interval.dividedBy(DEFAULT_FAST_INTERVAL_DIVISOR);
		return fast.isZero() ? interval : fast;
	}

	/**
	 * Returns a builder for a listener that discovers with the given model.
	 * @param discovery how endpoints are found
	 * @return the builder
	 */
	public static Builder builder(Discovery discovery) {
		return new Builder().discovery(discovery);
	}

	/**
	 * Returns a builder without a discovery; {@link Builder#discovery} must be called.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns a builder that starts from this configuration. A fast or down interval equal to
	 * its default stays a default: it follows the interval if the builder changes it.
	 * @return the builder
	 */
	public Builder toBuilder() {
		return new Builder().discovery(this.discovery)
			.scout(this.scout)
			.filter(this.filter)
			.interval(this.interval)
			.fastInterval(this.fastInterval.equals(defaultFastInterval(this.interval)) ? null : this.fastInterval)
			.downInterval(this.downInterval.equals(this.interval) ? null : this.downInterval)
			.timeout(this.timeout)
			.jitter(this.jitter)
			.rise(this.rise)
			.fall(this.fall)
			.ignoreHealth(this.ignoreHealth)
			.allDownPolicy(this.allDownPolicy)
			.clearOnEmpty(this.clearOnEmpty)
			.discoveryTimeout(this.discoveryTimeout)
			.discoveryRetry(this.discoveryRetryMin, this.discoveryRetryMax)
			.outlierFailures(this.outlierFailures)
			.maxProbesInFlight(this.maxProbesInFlight)
			.outlierDetection(this.outlierDetection)
			.panicThreshold(this.panicThreshold)
			.subset(this.subsetSize, this.subsetInstanceId)
			.zone(this.zone)
			.slowStart(this.slowStart);
	}

	// Each rule once: the record's constructor and the builder's setters call these.

	private static Duration checkPositive(String option, Duration value) {
		Objects.requireNonNull(value, option);
		if (value.isNegative() || value.isZero()) {
			throw new InvalidOptionException(option, value, "> 0");
		}
		return value;
	}

	private static double checkJitter(double jitter) {
		if (!(jitter >= 0 && jitter <= 0.5)) {
			throw new InvalidOptionException("jitter", jitter, "0...0.5");
		}
		return jitter;
	}

	private static void checkSubset(int size, String instanceId) {
		checkAtLeast("subsetSize", size, 0, ">= 0, 0 turns subsetting off");
		Objects.requireNonNull(instanceId, "subsetInstanceId");
		if (size > 0 && instanceId.isBlank()) {
			throw new InvalidOptionException("subsetInstanceId", instanceId,
					"the id of this application instance, such as orders-7, when subsetSize > 0");
		}
	}

	// A zone is a name: surrounding blanks are dropped, and a blank one is a mistake, not "no zone".
	private static @Nullable String checkZone(@Nullable String zone) {
		if (zone == null) {
			return null;
		}
		String trimmed = zone.trim();
		if (trimmed.isEmpty()) {
			throw InvalidOptionException.quoted("zone", zone, "a zone name such as eu-west-1a, or no zone at all", null);
		}
		return trimmed;
	}

	private static int checkAtLeast(String option, int value, int min, String expected) {
		if (value < min) {
			throw new InvalidOptionException(option, value, expected);
		}
		return value;
	}

	/**
	 * Builds a {@link ListenerConfig}. Each setter checks its argument at once; {@link #build()}
	 * checks the rules between them. Not thread-safe.
	 */
	public static final class Builder {

		private @Nullable Discovery discovery;

		private @Nullable Scout scout;

		private Filter filter = Filters.roundRobin();

		private Duration interval = DEFAULT_INTERVAL;

		private @Nullable Duration fastInterval;

		private @Nullable Duration downInterval;

		private Duration timeout = DEFAULT_TIMEOUT;

		private double jitter = DEFAULT_JITTER;

		private int rise = DEFAULT_RISE;

		private int fall = DEFAULT_FALL;

		private boolean ignoreHealth;

		private AllDownPolicy allDownPolicy = AllDownPolicy.FAIL;

		private boolean clearOnEmpty;

		private Duration discoveryTimeout = DEFAULT_DISCOVERY_TIMEOUT;

		private Duration discoveryRetryMin = DEFAULT_DISCOVERY_RETRY_MIN;

		private Duration discoveryRetryMax = DEFAULT_DISCOVERY_RETRY_MAX;

		private int outlierFailures = DEFAULT_OUTLIER_FAILURES;

		private int maxProbesInFlight = DEFAULT_MAX_PROBES_IN_FLIGHT;

		private Duration baseEjectionTime = OutlierDetection.DEFAULT_BASE_EJECTION_TIME;

		private Duration maxEjectionTime = OutlierDetection.DEFAULT_MAX_EJECTION_TIME;

		private int maxEjectionPercent = OutlierDetection.DEFAULT_MAX_EJECTION_PERCENT;

		private int failurePercentageThreshold = OutlierDetection.DEFAULT_FAILURE_PERCENTAGE_THRESHOLD;

		private int failurePercentageMinimumCalls = OutlierDetection.DEFAULT_FAILURE_PERCENTAGE_MINIMUM_CALLS;

		private Duration failurePercentageWindow = OutlierDetection.DEFAULT_FAILURE_PERCENTAGE_WINDOW;

		private int panicThreshold;

		private int subsetSize;

		private String subsetInstanceId = "";

		private @Nullable String zone;

		private SlowStart slowStart = SlowStart.OFF;

		Builder() {
		}

		/**
		 * Sets how endpoints are found. Required.
		 * @param discovery the discovery model
		 * @return this builder
		 */
		public Builder discovery(Discovery discovery) {
			this.discovery = Objects.requireNonNull(discovery, "discovery");
			return this;
		}

		/**
		 * Sets how endpoints are probed. Default: a plain TCP connect ({@link TcpScout}).
		 * @param scout the scout model
		 * @return this builder
		 */
		public Builder scout(Scout scout) {
			this.scout = Objects.requireNonNull(scout, "scout");
			return this;
		}

		/**
		 * Sets how one endpoint is picked. Default: round robin.
		 * @param filter the filter model
		 * @return this builder
		 */
		public Builder filter(Filter filter) {
			this.filter = Objects.requireNonNull(filter, "filter");
			return this;
		}

		/**
		 * Sets the time between two probes of one healthy endpoint (HAProxy's {@code inter}), the
		 * steady probe rate. Default: 5 s.
		 * @param interval the interval, more than zero
		 * @return this builder
		 */
		public Builder interval(Duration interval) {
			this.interval = checkPositive("interval", interval);
			return this;
		}

		/**
		 * Sets the time between two probes of an endpoint between states (HAProxy's
		 * {@code fastinter}): a healthy endpoint whose last probe failed, until it passes again or
		 * falls, and an unhealthy one whose last probe passed, until it rises or fails again. At
		 * most {@code fall - 1} and {@code rise - 1} probes come this soon in a row, so the steady
		 * probe rate stays that of the interval. It may be shorter than the timeout: a probe that
		 * outlives it is followed by the next as soon as it ends, never alongside. Default: a
		 * quarter of the interval ({@link ListenerConfig#defaultFastInterval}); at most the interval.
		 * @param fastInterval the fast interval, more than zero, or {@code null} for the default
		 * @return this builder
		 */
		public Builder fastInterval(@Nullable Duration fastInterval) {
			this.fastInterval = (fastInterval != null) ? checkPositive("fastInterval", fastInterval) : null;
			return this;
		}

		/**
		 * Sets the time between two probes of an unhealthy endpoint (HAProxy's {@code downinter}),
		 * which bounds how long a recovered endpoint waits for its first passing probe. Longer
		 * than the interval spares dead endpoints, shorter brings them back sooner. Default: the
		 * interval; must stay above the timeout.
		 * @param downInterval the down interval, more than zero, or {@code null} for the default
		 * @return this builder
		 */
		public Builder downInterval(@Nullable Duration downInterval) {
			this.downInterval = (downInterval != null) ? checkPositive("downInterval", downInterval) : null;
			return this;
		}

		/**
		 * Sets how long a probe may take before it fails. Default: 2 s; must stay below the interval
		 * and the down interval.
		 * @param timeout the timeout, more than zero
		 * @return this builder
		 */
		public Builder timeout(Duration timeout) {
			this.timeout = checkPositive("timeout", timeout);
			return this;
		}

		/**
		 * Sets the fraction of each wait (interval, fast or down interval) by which it varies at
		 * random, so that probes of many endpoints spread out. Default: 0.1.
		 * @param jitter the fraction, 0 to 0.5
		 * @return this builder
		 */
		public Builder jitter(double jitter) {
			this.jitter = checkJitter(jitter);
			return this;
		}

		/**
		 * Sets how many consecutive successes make an unhealthy endpoint healthy. Default: 2.
		 * An endpoint that has never been healthy needs one.
		 * @param rise the threshold, 1 or more
		 * @return this builder
		 */
		public Builder rise(int rise) {
			this.rise = checkAtLeast("rise", rise, 1, ">= 1");
			return this;
		}

		/**
		 * Sets how many consecutive failures make a healthy endpoint unhealthy. Default: 2.
		 * A newly discovered endpoint needs one (its first probe decides).
		 * @param fall the threshold, 1 or more
		 * @return this builder
		 */
		public Builder fall(int fall) {
			this.fall = checkAtLeast("fall", fall, 1, ">= 1");
			return this;
		}

		/**
		 * Sets whether picks ignore health and use every discovered endpoint (the original's
		 * StatusJump). Probes still run and are still shown. Default: {@code false}.
		 * @param ignoreHealth whether to ignore health
		 * @return this builder
		 */
		public Builder ignoreHealth(boolean ignoreHealth) {
			this.ignoreHealth = ignoreHealth;
			return this;
		}

		/**
		 * Sets what picks do when endpoints are discovered but none is healthy. Default: {@link AllDownPolicy#FAIL}.
		 * @param allDownPolicy the policy
		 * @return this builder
		 */
		public Builder allDownPolicy(AllDownPolicy allDownPolicy) {
			this.allDownPolicy = Objects.requireNonNull(allDownPolicy, "allDownPolicy");
			return this;
		}

		/**
		 * Sets whether an empty discovery answer (NXDOMAIN included) empties a non-empty set.
		 * Default: {@code false}, the last non-empty set is kept and the empty answer logged.
		 * @param clearOnEmpty whether an empty answer clears the set
		 * @return this builder
		 */
		public Builder clearOnEmpty(boolean clearOnEmpty) {
			this.clearOnEmpty = clearOnEmpty;
			return this;
		}

		/**
		 * Sets how long one discovery attempt may take before it counts as failed. Default: 5 s.
		 * @param discoveryTimeout the timeout, more than zero
		 * @return this builder
		 */
		public Builder discoveryTimeout(Duration discoveryTimeout) {
			this.discoveryTimeout = checkPositive("discoveryTimeout", discoveryTimeout);
			return this;
		}

		/**
		 * Sets the back-off after failed discovery attempts: the first retry waits {@code min},
		 * each further one twice as long up to {@code max}, each with 20% jitter. Default: 1 s to 30 s.
		 * @param min the first delay
		 * @param max the longest delay
		 * @return this builder
		 */
		public Builder discoveryRetry(Duration min, Duration max) {
			checkPositive("discoveryRetryMin", min);
			checkPositive("discoveryRetryMax", max);
			this.discoveryRetryMin = min;
			this.discoveryRetryMax = max;
			return this;
		}

		/**
		 * Sets how many consecutive failed real calls, reported through
		 * {@link Listener#reportCall}, take an endpoint out of rotation for the
		 * {@linkplain #baseEjectionTime ejection time} or until its next passing probe.
		 * Default: 5; 0 turns passive outlier detection off, the failure-percentage rule included.
		 * @param outlierFailures the threshold, 0 or more
		 * @return this builder
		 */
		public Builder outlierFailures(int outlierFailures) {
			this.outlierFailures = checkAtLeast("outlierFailures", outlierFailures, 0, ">= 0, 0 turns it off");
			return this;
		}

		/**
		 * Sets how many probes of the listener may run at once. Probes that fall due beyond it
		 * wait, in the order they fell due, and start as running ones end; their timeout starts
		 * when they do. So when the engine or the machine cannot keep up, endpoints are probed
		 * less often than every interval instead of failing probes that were never sent. Default: 512.
		 * @param maxProbesInFlight the bound, 1 or more
		 * @return this builder
		 */
		public Builder maxProbesInFlight(int maxProbesInFlight) {
			this.maxProbesInFlight = checkAtLeast("maxProbesInFlight", maxProbesInFlight, 1, ">= 1");
			return this;
		}

		/**
		 * Sets how long an endpoint's first ejection by failed calls lasts; each further one
		 * lasts this times the number of times it was ejected, up to the
		 * {@linkplain #maxEjectionTime maximum}. A passing probe ends an ejection sooner; with
		 * the scout {@code none} only this time does. Default: 30 s, as Envoy and gRPC.
		 * @param baseEjectionTime the time, more than zero
		 * @return this builder
		 */
		public Builder baseEjectionTime(Duration baseEjectionTime) {
			this.baseEjectionTime = OutlierDetection.checkPositive("baseEjectionTime", baseEjectionTime);
			return this;
		}

		/**
		 * Sets the longest an ejection lasts, however many times the endpoint was ejected.
		 * Default: 300 s, as Envoy and gRPC; at least the base ejection time.
		 * @param maxEjectionTime the time, more than zero
		 * @return this builder
		 */
		public Builder maxEjectionTime(Duration maxEjectionTime) {
			this.maxEjectionTime = OutlierDetection.checkPositive("maxEjectionTime", maxEjectionTime);
			return this;
		}

		/**
		 * Sets the most of the listener's discovered endpoints that failed calls may keep ejected
		 * at once, in percent. One endpoint may always be ejected, as in Envoy, so a listener of
		 * two can lose one to calls. Default: 50.
		 * @param maxEjectionPercent the share, 0 to 100
		 * @return this builder
		 */
		public Builder maxEjectionPercent(int maxEjectionPercent) {
			this.maxEjectionPercent = OutlierDetection.checkPercent("maxEjectionPercent", maxEjectionPercent,
					"0...100");
			return this;
		}

		/**
		 * Sets the failure-percentage rule, beside consecutive failures: an endpoint whose calls
		 * within the last {@code window} are at least {@code minimumCalls} and failed at least
		 * {@code threshold} percent of the time is ejected. Default: off (threshold 0), 50 calls,
		 * 10 s.
		 * @param threshold the share of failed calls, 1 to 100, or 0 to turn the rule off
		 * @param minimumCalls the fewest calls within the window for the share to count, 1 or more
		 * @param window the time over which calls are counted, more than zero
		 * @return this builder
		 */
		public Builder failurePercentage(int threshold, int minimumCalls, Duration window) {
			this.failurePercentageThreshold = OutlierDetection.checkPercent("failurePercentageThreshold", threshold,
					"0...100, 0 turns it off");
			this.failurePercentageMinimumCalls = checkAtLeast("failurePercentageMinimumCalls", minimumCalls, 1,
					">= 1");
			this.failurePercentageWindow = OutlierDetection.checkPositive("failurePercentageWindow", window);
			return this;
		}

		/**
		 * Sets every outlier detection timing and cap at once, as another configuration has them.
		 * @param outlierDetection the settings
		 * @return this builder
		 */
		public Builder outlierDetection(OutlierDetection outlierDetection) {
			Objects.requireNonNull(outlierDetection, "outlierDetection");
			this.baseEjectionTime = outlierDetection.baseEjectionTime();
			this.maxEjectionTime = outlierDetection.maxEjectionTime();
			this.maxEjectionPercent = outlierDetection.maxEjectionPercent();
			this.failurePercentageThreshold = outlierDetection.failurePercentageThreshold();
			this.failurePercentageMinimumCalls = outlierDetection.failurePercentageMinimumCalls();
			this.failurePercentageWindow = outlierDetection.failurePercentageWindow();
			return this;
		}

		/**
		 * Sets the panic threshold (Envoy's {@code healthy_panic_threshold}): while fewer than this
		 * share of the probed endpoints are healthy, picks are made among every discovered
		 * endpoint, healthy or not, as spreading calls over all of them beats overloading the few
		 * left. Endpoints not probed yet count on neither side. It takes precedence over the
		 * all-down policy, which then matters only while it is off. Default: 0, off.
		 * @param panicThreshold the share in percent, 0 to 100
		 * @return this builder
		 */
		public Builder panicThreshold(int panicThreshold) {
			this.panicThreshold = OutlierDetection.checkPercent("panicThreshold", panicThreshold,
					"0...100, 0 turns it off");
			return this;
		}

		/**
		 * Sets deterministic subsetting: this application instance probes and picks only
		 * {@code size} of the discovered endpoints, chosen from its id as the Google SRE book
		 * describes (chapter "Load Balancing in the Datacenter"). Where the id ends in an ordinal
		 * ({@code orders-7}, as StatefulSet pods are named, alone or as the host part of
		 * {@code orders-7:orders:8080}), instances {@code 0...n-1} share the endpoints exactly
		 * evenly; other ids are hashed to an ordinal. Subsets change little when endpoints come
		 * and go, and endpoints that stay in the subset keep their health. Endpoints outside it
		 * are still listed, neither probed nor picked; an unhealthy member never widens the
		 * subset: the all-down policy applies within it. Default: off.
		 * @param size how many endpoints, 0 to turn subsetting off
		 * @param instanceId the id of this application instance; not blank when {@code size > 0}
		 * @return this builder
		 */
		public Builder subset(int size, String instanceId) {
			checkSubset(size, instanceId);
			this.subsetSize = size;
			this.subsetInstanceId = instanceId;
			return this;
		}

		/**
		 * Sets the listener's own zone, as Spring Cloud's {@code ZonePreferenceServiceInstanceListSupplier}
		 * uses it: while at least one pickable endpoint (healthy, or picked by the all-down policy)
		 * is in this zone, only those are picked; when none is, all pickable ones are. An
		 * endpoint's zone is its attribute {@value Endpoint#ZONE_ATTRIBUTE} (a {@code DiscoveryClient}
		 * instance's metadata {@code zone}, or {@code ;zone=} on a static entry), compared ignoring
		 * case. Default: none, picks ignore zones.
		 * @param zone the zone, not blank, or {@code null} for none
		 * @return this builder
		 */
		public Builder zone(@Nullable String zone) {
			this.zone = checkZone(zone);
			return this;
		}

		/**
		 * Sets how the weight of an endpoint that becomes healthy after the listener's first
		 * probe round (a recovery, or an endpoint that joined later) ramps up. Default:
		 * {@link SlowStart#OFF}.
		 * @param slowStart the slow start
		 * @return this builder
		 */
		public Builder slowStart(SlowStart slowStart) {
			this.slowStart = Objects.requireNonNull(slowStart, "slowStart");
			return this;
		}

		/**
		 * Returns the configuration.
		 * @return the configuration
		 * @throws IllegalStateException if no discovery was set
		 * @throws InvalidOptionException if the settings contradict each other (timeout not below interval...)
		 */
		public ListenerConfig build() {
			if (this.discovery == null) {
				throw new IllegalStateException("discovery: not set (expected: a Discovery such as DnsDiscovery or StaticDiscovery)");
			}
			Scout scout = (this.scout != null) ? this.scout : TcpScout.builder().build();
			Duration fastInterval = (this.fastInterval != null) ? this.fastInterval
					: defaultFastInterval(this.interval);
			Duration downInterval = (this.downInterval != null) ? this.downInterval : this.interval;
			return new ListenerConfig(this.discovery, scout, this.filter, this.interval, fastInterval, downInterval,
					this.timeout, this.jitter, this.rise, this.fall, this.ignoreHealth, this.allDownPolicy, this.clearOnEmpty, this.discoveryTimeout,
					this.discoveryRetryMin, this.discoveryRetryMax, this.outlierFailures, this.maxProbesInFlight,
					new OutlierDetection(this.baseEjectionTime, this.maxEjectionTime, this.maxEjectionPercent,
							this.failurePercentageThreshold, this.failurePercentageMinimumCalls,
							this.failurePercentageWindow),
					this.panicThreshold, this.subsetSize, this.subsetInstanceId, this.zone,
					this.slowStart);
		}

	}

}
