package dev.clavier.internal;

import dev.clavier.endpoint.HealthStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HealthTracker}: the pass rules, step by step.
 */
class HealthTrackerTests {

	@Test
	void recordWhenFirstProbePassesShouldBeHealthyAtOnce() {
		HealthTracker tracker = new HealthTracker(3, 3);
		assertThat(tracker.status()).isEqualTo(HealthStatus.UNKNOWN);
		assertThat(tracker.record(true)).isEqualTo(HealthStatus.HEALTHY);
	}

	@Test
	void recordWhenFirstProbeFailsShouldBeUnhealthyAtOnce() {
		HealthTracker tracker = new HealthTracker(3, 3);
		assertThat(tracker.record(false)).isEqualTo(HealthStatus.UNHEALTHY);
	}

	@Test
	void failNowWhenHealthyShouldBeUnhealthyAtOnceAndNeedRiseToReturn() {
		HealthTracker tracker = new HealthTracker(2, 3);
		tracker.record(true);
		assertThat(tracker.failNow()).isEqualTo(HealthStatus.UNHEALTHY);
		assertThat(tracker.failures()).isEqualTo(1);
		assertThat(tracker.failNow()).isNull();
		assertThat(tracker.record(true)).isNull();
		assertThat(tracker.betweenStates()).isTrue();
		assertThat(tracker.record(true)).isEqualTo(HealthStatus.HEALTHY);
	}

	@Test
	void failNowWhenEjectedShouldNeedRiseToReturn() {
		HealthTracker tracker = new HealthTracker(2, 3);
		tracker.record(true);
		tracker.eject();
		assertThat(tracker.failNow()).isNull();
		assertThat(tracker.record(true)).isNull();
		assertThat(tracker.record(true)).isEqualTo(HealthStatus.HEALTHY);
	}

	@Test
	void recordWhenHealthyShouldNeedFallConsecutiveFailures() {
		HealthTracker tracker = new HealthTracker(2, 3);
		tracker.record(true);
		assertThat(tracker.record(false)).isNull();
		assertThat(tracker.record(false)).isNull();
		assertThat(tracker.record(true)).isNull();
		assertThat(tracker.record(false)).isNull();
		assertThat(tracker.record(false)).isNull();
		assertThat(tracker.record(false)).isEqualTo(HealthStatus.UNHEALTHY);
		assertThat(tracker.failures()).isEqualTo(3);
	}

	@Test
	void recordWhenUnhealthyShouldNeedRiseConsecutiveSuccesses() {
		HealthTracker tracker = new HealthTracker(2, 1);
		tracker.record(true);
		tracker.record(false);
		assertThat(tracker.record(true)).isNull();
		assertThat(tracker.record(false)).isNull();
		assertThat(tracker.record(true)).isNull();
		assertThat(tracker.record(true)).isEqualTo(HealthStatus.HEALTHY);
		assertThat(tracker.successes()).isEqualTo(2);
	}

	@Test
	void recordWhenNeverHealthyShouldNeedOnlyOneSuccess() {
		HealthTracker tracker = new HealthTracker(3, 2);
		assertThat(tracker.record(false)).isEqualTo(HealthStatus.UNHEALTHY);
		assertThat(tracker.record(false)).isNull();
		assertThat(tracker.record(true)).isEqualTo(HealthStatus.HEALTHY);
		tracker.record(false);
		assertThat(tracker.record(false)).isEqualTo(HealthStatus.UNHEALTHY);
		// Once it has been healthy, coming back takes rise successes.
		assertThat(tracker.record(true)).isNull();
		assertThat(tracker.record(true)).isNull();
		assertThat(tracker.record(true)).isEqualTo(HealthStatus.HEALTHY);
	}

	@Test
	void recordWhenRiseAndFallAreOneShouldFlipEachTime() {
		HealthTracker tracker = new HealthTracker(1, 1);
		assertThat(tracker.record(true)).isEqualTo(HealthStatus.HEALTHY);
		assertThat(tracker.record(false)).isEqualTo(HealthStatus.UNHEALTHY);
		assertThat(tracker.record(true)).isEqualTo(HealthStatus.HEALTHY);
	}

	@Test
	void forceShouldSetStatusAndResetCounts() {
		HealthTracker tracker = new HealthTracker(2, 2);
		tracker.record(false);
		tracker.force(HealthStatus.HEALTHY);
		assertThat(tracker.status()).isEqualTo(HealthStatus.HEALTHY);
		assertThat(tracker.failures()).isZero();
	}

	@Test
	void betweenStatesWhenHealthyShouldHoldFromTheFirstFailureUntilItFallsOrPasses() {
		HealthTracker tracker = new HealthTracker(2, 3);
		assertThat(tracker.betweenStates()).isFalse();
		tracker.record(true);
		assertThat(tracker.betweenStates()).isFalse();
		tracker.record(false);
		assertThat(tracker.betweenStates()).isTrue();
		tracker.record(true);
		assertThat(tracker.betweenStates()).isFalse();
		tracker.record(false);
		tracker.record(false);
		assertThat(tracker.betweenStates()).isTrue();
		assertThat(tracker.record(false)).isEqualTo(HealthStatus.UNHEALTHY);
		assertThat(tracker.betweenStates()).isFalse();
	}

	@Test
	void betweenStatesWhenUnhealthyShouldHoldFromTheFirstPassUntilItRisesOrFails() {
		HealthTracker tracker = new HealthTracker(3, 1);
		tracker.record(true);
		tracker.record(false);
		assertThat(tracker.betweenStates()).isFalse();
		tracker.record(true);
		assertThat(tracker.betweenStates()).isTrue();
		tracker.record(false);
		assertThat(tracker.betweenStates()).isFalse();
		tracker.record(true);
		tracker.record(true);
		assertThat(tracker.betweenStates()).isTrue();
		assertThat(tracker.record(true)).isEqualTo(HealthStatus.HEALTHY);
		assertThat(tracker.betweenStates()).isFalse();
	}

	@Test
	void betweenStatesWhenOnePassDecidesShouldNeverHold() {
		HealthTracker neverHealthy = new HealthTracker(3, 1);
		neverHealthy.record(false);
		neverHealthy.record(false);
		assertThat(neverHealthy.betweenStates()).isFalse();
		HealthTracker ejected = new HealthTracker(3, 1);
		ejected.record(true);
		assertThat(ejected.eject()).isTrue();
		assertThat(ejected.betweenStates()).isFalse();
		assertThat(ejected.record(true)).isEqualTo(HealthStatus.HEALTHY);
		assertThat(ejected.betweenStates()).isFalse();
	}

	@Test
	void endEjectionWhenProbesDidNotFailShouldMakeItHealthyAgain() {
		HealthTracker tracker = new HealthTracker(2, 2);
		tracker.record(true);
		assertThat(tracker.eject()).isTrue();
		assertThat(tracker.ejected()).isTrue();
		tracker.record(false);
		assertThat(tracker.endEjection()).isTrue();
		assertThat(tracker.status()).isEqualTo(HealthStatus.HEALTHY);
		assertThat(tracker.ejected()).isFalse();
		assertThat(tracker.endEjection()).isFalse();
	}

	@Test
	void endEjectionWhenProbesFailedFallTimesShouldLeaveItUnhealthyUntilItRises() {
		HealthTracker tracker = new HealthTracker(2, 2);
		tracker.record(true);
		tracker.eject();
		tracker.record(false);
		tracker.record(false);
		assertThat(tracker.endEjection()).isFalse();
		assertThat(tracker.status()).isEqualTo(HealthStatus.UNHEALTHY);
		assertThat(tracker.ejected()).isFalse();
		assertThat(tracker.record(true)).isNull();
		assertThat(tracker.record(true)).isEqualTo(HealthStatus.HEALTHY);
	}

}
