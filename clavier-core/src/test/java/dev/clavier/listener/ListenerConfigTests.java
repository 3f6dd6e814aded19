package dev.clavier.listener;

import java.time.Duration;

import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.filter.Filters;
import dev.clavier.filter.SlowStart;
import dev.clavier.model.InvalidOptionException;
import dev.clavier.scout.Scouts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link ListenerConfig}: defaults and the checks on each setting.
 */
class ListenerConfigTests {

	private final StaticDiscovery discovery = StaticDiscovery.of(Endpoint.of("127.0.0.1", 80));

	@Test
	void buildShouldApplyDefaults() {
		ListenerConfig config = ListenerConfig.builder(this.discovery).build();
		assertThat(config.interval()).isEqualTo(Duration.ofSeconds(5));
		assertThat(config.timeout()).isEqualTo(Duration.ofSeconds(2));
		assertThat(config.rise()).isEqualTo(2);
		assertThat(config.fall()).isEqualTo(2);
		assertThat(config.scout().model()).isEqualTo("tcp");
		assertThat(config.filter().model()).isEqualTo("round-robin");
		assertThat(config.allDownPolicy()).isEqualTo(AllDownPolicy.FAIL);
		assertThat(config.ignoreHealth()).isFalse();
		assertThat(config.clearOnEmpty()).isFalse();
		assertThat(config.outlierFailures()).isEqualTo(5);
		assertThat(config.maxProbesInFlight()).isEqualTo(512);
		assertThat(config.toBuilder().build()).isEqualTo(config);
		assertThat(config.toBuilder().maxProbesInFlight(8).build().toBuilder().build().maxProbesInFlight()).isEqualTo(8);
	}

	@Test
	void buildWhenTimeoutNotBelowIntervalShouldFail() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ListenerConfig.builder(this.discovery)
				.interval(Duration.ofSeconds(1))
				.timeout(Duration.ofSeconds(1))
				.build())
			.withMessage("timeout: PT1S (expected: < interval PT1S, so that probes never overlap)");
	}

	@Test
	void settersShouldRejectBadValuesAtOnce() {
		ListenerConfig.Builder builder = ListenerConfig.builder(this.discovery);
		assertThatIllegalArgumentException().isThrownBy(() -> builder.interval(Duration.ZERO))
			.withMessage("interval: PT0S (expected: > 0)");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.timeout(Duration.ofSeconds(-1)))
			.withMessage("timeout: PT-1S (expected: > 0)");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.rise(0)).withMessage("rise: 0 (expected: >= 1)");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.fall(0)).withMessage("fall: 0 (expected: >= 1)");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.jitter(0.7))
			.withMessage("jitter: 0.7 (expected: 0...0.5)");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.outlierFailures(-1))
			.withMessageStartingWith("outlierFailures: -1");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxProbesInFlight(0))
			.withMessage("maxProbesInFlight: 0 (expected: >= 1)");
	}

	@Test
	void riseWhenZeroShouldThrowInvalidOptionFromBuilderAndConstructorAlike() {
		assertThatExceptionOfType(InvalidOptionException.class).isThrownBy(() -> ListenerConfig.builder().rise(0))
			.satisfies(ListenerConfigTests::isRiseZero);
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> new ListenerConfig(this.discovery, Scouts.none(), Filters.roundRobin(),
					ListenerConfig.DEFAULT_INTERVAL, ListenerConfig.DEFAULT_TIMEOUT, ListenerConfig.DEFAULT_JITTER, 0,
					ListenerConfig.DEFAULT_FALL, false, AllDownPolicy.FAIL, false,
					ListenerConfig.DEFAULT_DISCOVERY_TIMEOUT, ListenerConfig.DEFAULT_DISCOVERY_RETRY_MIN,
					ListenerConfig.DEFAULT_DISCOVERY_RETRY_MAX, ListenerConfig.DEFAULT_OUTLIER_FAILURES,
					ListenerConfig.DEFAULT_MAX_PROBES_IN_FLIGHT))
			.satisfies(ListenerConfigTests::isRiseZero);
	}

	@Test
	void buildWhenRulesBetweenSettingsBrokenShouldNameTheOption() {
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> ListenerConfig.builder(this.discovery)
				.interval(Duration.ofSeconds(1))
				.timeout(Duration.ofSeconds(1))
				.build())
			.satisfies((ex) -> {
				assertThat(ex.option()).isEqualTo("timeout");
				assertThat(ex.value()).isEqualTo("PT1S");
				assertThat(ex.expected()).startsWith("< interval PT1S");
			});
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> ListenerConfig.builder(this.discovery)
				.discoveryRetry(Duration.ofSeconds(10), Duration.ofSeconds(1))
				.build())
			.extracting(InvalidOptionException::option)
			.isEqualTo("discoveryRetryMin");
	}

	@Test
	void buildWhenRetryMinAboveMaxShouldFail() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ListenerConfig.builder(this.discovery)
				.discoveryRetry(Duration.ofSeconds(10), Duration.ofSeconds(1))
				.build())
			.withMessage("discoveryRetryMin: PT10S (expected: <= discoveryRetryMax PT1S)");
	}

	@Test
	void buildWithoutDiscoveryShouldFail() {
		assertThatIllegalStateException().isThrownBy(() -> ListenerConfig.builder().build())
			.withMessageStartingWith("discovery: not set");
	}

	private static void isRiseZero(InvalidOptionException ex) {
		assertThat(ex.option()).isEqualTo("rise");
		assertThat(ex.value()).isEqualTo("0");
		assertThat(ex.expected()).isEqualTo(">= 1");
		assertThat(ex).hasMessage("rise: 0 (expected: >= 1)");
	}

	@Test
	void buildShouldDeriveFastAndDownIntervalsFromTheInterval() {
		ListenerConfig config = ListenerConfig.builder(this.discovery).build();
		assertThat(config.fastInterval()).isEqualTo(Duration.ofMillis(1250));
		assertThat(config.downInterval()).isEqualTo(Duration.ofSeconds(5));
		ListenerConfig shorter = ListenerConfig.builder(this.discovery)
			.interval(Duration.ofSeconds(1))
			.timeout(Duration.ofMillis(500))
			.build();
		assertThat(shorter.fastInterval()).isEqualTo(Duration.ofMillis(250));
		assertThat(shorter.downInterval()).isEqualTo(Duration.ofSeconds(1));
		assertThat(ListenerConfig.defaultFastInterval(Duration.ofNanos(3))).isEqualTo(Duration.ofNanos(3));
	}

	@Test
	void toBuilderWhenIntervalChangesShouldKeepSetIntervalsAndMoveDefaultOnes() {
		ListenerConfig derived = ListenerConfig.builder(this.discovery).build();
		ListenerConfig moved = derived.toBuilder().interval(Duration.ofSeconds(20)).build();
		assertThat(moved.fastInterval()).isEqualTo(Duration.ofSeconds(5));
		assertThat(moved.downInterval()).isEqualTo(Duration.ofSeconds(20));
		ListenerConfig set = ListenerConfig.builder(this.discovery)
			.fastInterval(Duration.ofMillis(300))
			.downInterval(Duration.ofSeconds(30))
			.build();
		assertThat(set.toBuilder().build()).isEqualTo(set);
		ListenerConfig kept = set.toBuilder().interval(Duration.ofSeconds(20)).build();
		assertThat(kept.fastInterval()).isEqualTo(Duration.ofMillis(300));
		assertThat(kept.downInterval()).isEqualTo(Duration.ofSeconds(30));
		assertThat(set.toBuilder().fastInterval(null).downInterval(null).build().fastInterval())
			.isEqualTo(Duration.ofMillis(1250));
	}

	@Test
	void constructorWithoutStateDependentIntervalsShouldUseTheirDefaults() {
		ListenerConfig config = new ListenerConfig(this.discovery, Scouts.none(), Filters.roundRobin(),
				Duration.ofSeconds(2), Duration.ofSeconds(1), 0, 2, 2, false, AllDownPolicy.FAIL, false,
				ListenerConfig.DEFAULT_DISCOVERY_TIMEOUT, ListenerConfig.DEFAULT_DISCOVERY_RETRY_MIN,
				ListenerConfig.DEFAULT_DISCOVERY_RETRY_MAX, 0, 1);
		assertThat(config.fastInterval()).isEqualTo(Duration.ofMillis(500));
		assertThat(config.downInterval()).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void buildWithZoneAndSlowStartShouldKeepThemThroughToBuilder() {
		ListenerConfig config = ListenerConfig.builder(this.discovery)
			.zone(" eu-1 ")
			.slowStart(SlowStart.of(Duration.ofSeconds(30)))
			.build();
		assertThat(config.zone()).isEqualTo("eu-1");
		assertThat(config.slowStart()).isEqualTo(SlowStart.of(Duration.ofSeconds(30)));
		ListenerConfig copy = config.toBuilder().build();
		assertThat(copy.zone()).isEqualTo("eu-1");
		assertThat(copy.slowStart()).isEqualTo(config.slowStart());
		ListenerConfig defaults = ListenerConfig.builder(this.discovery).build();
		assertThat(defaults.zone()).isNull();
		assertThat(defaults.slowStart()).isEqualTo(SlowStart.OFF);
	}

	@Test
	void zoneWhenBlankShouldThrowInvalidOption() {
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> ListenerConfig.builder(this.discovery).zone("  "))
			.withMessage("zone: '  ' (expected: a zone name such as eu-west-1a, or no zone at all)")
			.extracting(InvalidOptionException::option)
			.isEqualTo("zone");
	}

	@Test
	void stateDependentIntervalSettersShouldRejectBadValuesAtOnce() {
		ListenerConfig.Builder builder = ListenerConfig.builder(this.discovery);
		assertThatIllegalArgumentException().isThrownBy(() -> builder.fastInterval(Duration.ZERO))
			.withMessage("fastInterval: PT0S (expected: > 0)");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.downInterval(Duration.ofSeconds(-1)))
			.withMessage("downInterval: PT-1S (expected: > 0)");
	}

	@Test
	void buildWhenFastIntervalAboveIntervalShouldFail() {
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> ListenerConfig.builder(this.discovery).fastInterval(Duration.ofSeconds(6)).build())
			.withMessage("fastInterval: PT6S (expected: <= interval PT5S)")
			.extracting(InvalidOptionException::option)
			.isEqualTo("fastInterval");
	}

	@Test
	void buildWhenFastIntervalNotAboveTimeoutShouldPass() {
		ListenerConfig config = ListenerConfig.builder(this.discovery).fastInterval(Duration.ofMillis(500)).build();
		assertThat(config.fastInterval()).isLessThan(config.timeout());
	}

	@Test
	void buildWhenDownIntervalNotAboveTimeoutShouldFail() {
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> ListenerConfig.builder(this.discovery).downInterval(Duration.ofSeconds(2)).build())
			.withMessage("downInterval: PT2S (expected: > timeout PT2S, so that probes never overlap)")
			.extracting(InvalidOptionException::option)
			.isEqualTo("downInterval");
		assertThat(ListenerConfig.builder(this.discovery).downInterval(Duration.ofSeconds(30)).build().downInterval())
			.isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void buildShouldApplyOutlierDetectionDefaultsAndNoPanicThreshold() {
		ListenerConfig config = ListenerConfig.builder(this.discovery).build();
		assertThat(config.outlierDetection()).isEqualTo(new OutlierDetection(Duration.ofSeconds(30),
				Duration.ofSeconds(300), 50, 0, 50, Duration.ofSeconds(10)));
		assertThat(config.outlierDetection().failurePercentageEnabled()).isFalse();
		assertThat(config.panicThreshold()).isZero();
		ListenerConfig set = config.toBuilder()
			.baseEjectionTime(Duration.ofSeconds(1))
			.maxEjectionTime(Duration.ofSeconds(4))
			.maxEjectionPercent(20)
			.failurePercentage(80, 10, Duration.ofSeconds(5))
			.panicThreshold(30)
			.build();
		assertThat(set.toBuilder().build()).isEqualTo(set);
		assertThat(set.outlierDetection().failurePercentageEnabled()).isTrue();
		assertThat(set.panicThreshold()).isEqualTo(30);
	}

	@Test
	void outlierDetectionSettersShouldRejectBadValuesNamingTheirOption() {
		ListenerConfig.Builder builder = ListenerConfig.builder(this.discovery);
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> builder.baseEjectionTime(Duration.ZERO))
			.withMessage("baseEjectionTime: PT0S (expected: > 0)");
		assertThatExceptionOfType(InvalidOptionException.class).isThrownBy(() -> builder.maxEjectionPercent(101))
			.withMessage("maxEjectionPercent: 101 (expected: 0...100)");
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> builder.failurePercentage(101, 10, Duration.ofSeconds(1)))
			.satisfies((ex) -> assertThat(ex.option()).isEqualTo("failurePercentageThreshold"));
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> builder.failurePercentage(50, 0, Duration.ofSeconds(1)))
			.satisfies((ex) -> assertThat(ex.option()).isEqualTo("failurePercentageMinimumCalls"));
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> builder.failurePercentage(50, 10, Duration.ZERO))
			.satisfies((ex) -> assertThat(ex.option()).isEqualTo("failurePercentageWindow"));
		assertThatExceptionOfType(InvalidOptionException.class).isThrownBy(() -> builder.panicThreshold(-1))
			.withMessage("panicThreshold: -1 (expected: 0...100, 0 turns it off)");
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> ListenerConfig.builder(this.discovery)
				.baseEjectionTime(Duration.ofSeconds(60))
				.maxEjectionTime(Duration.ofSeconds(30))
				.build())
			.withMessage("maxEjectionTime: PT30S (expected: >= baseEjectionTime PT1M)");
	}

	@Test
	void ejectionTimeShouldGrowWithTimesUpToTheMaximum() {
		OutlierDetection detection = new OutlierDetection(Duration.ofSeconds(7), Duration.ofSeconds(20), 50, 0, 1,
				Duration.ofSeconds(1));
		assertThat(detection.ejectionTime(1)).isEqualTo(Duration.ofSeconds(7));
		assertThat(detection.ejectionTime(2)).isEqualTo(Duration.ofSeconds(14));
		assertThat(detection.ejectionTime(3)).isEqualTo(Duration.ofSeconds(20));
		assertThat(detection.ejectionTime(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(20));
	}

	@Test
	void buildShouldLeaveSubsettingOffByDefault() {
		ListenerConfig config = ListenerConfig.builder(this.discovery).build();
		assertThat(config.subsetSize()).isZero();
		assertThat(config.isSubsetting()).isFalse();
	}

	@Test
	void subsetShouldKeepSizeAndIdThroughToBuilder() {
		ListenerConfig config = ListenerConfig.builder(this.discovery).subset(10, "orders-7").build();
		assertThat(config.isSubsetting()).isTrue();
		assertThat(config.toBuilder().build()).isEqualTo(config);
		assertThat(config.subsetInstanceId()).isEqualTo("orders-7");
	}

	@Test
	void subsetWhenSizeNegativeOrIdBlankShouldNameTheOption() {
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> ListenerConfig.builder(this.discovery).subset(-1, "orders-7"))
			.extracting(InvalidOptionException::option)
			.isEqualTo("subsetSize");
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> ListenerConfig.builder(this.discovery).subset(10, " "))
			.extracting(InvalidOptionException::option)
			.isEqualTo("subsetInstanceId");
		assertThat(ListenerConfig.builder(this.discovery).subset(0, "").build().isSubsetting()).isFalse();
	}

}
