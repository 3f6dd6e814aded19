package dev.clavier.filter;

import java.time.Duration;

import dev.clavier.model.InvalidOptionException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

/**
 * The ramp's formula, Envoy's: {@code max(minWeightPercent / 100, (elapsed / window) ^ (1 / aggression))}.
 */
class SlowStartTests {

	private static final Duration WINDOW = Duration.ofSeconds(100);

	@Test
	void factorWhenLinearShouldFollowTimeAboveTheFloor() {
		SlowStart slowStart = SlowStart.of(WINDOW);
		assertThat(slowStart.factor(Duration.ZERO)).isEqualTo(0.1);
		assertThat(slowStart.factor(Duration.ofSeconds(5))).isEqualTo(0.1);
		assertThat(slowStart.factor(Duration.ofSeconds(20))).isCloseTo(0.2, within(1e-9));
		assertThat(slowStart.factor(Duration.ofSeconds(50))).isCloseTo(0.5, within(1e-9));
		assertThat(slowStart.factor(Duration.ofMillis(99_999))).isCloseTo(0.99999, within(1e-9));
		assertThat(slowStart.factor(WINDOW)).isEqualTo(1.0);
		assertThat(slowStart.factor(Duration.ofDays(3))).isEqualTo(1.0);
	}

	@Test
	void factorWhenAggressiveShouldRampFasterFirst() {
		SlowStart fast = new SlowStart(WINDOW, 2.0, 10);
		assertThat(fast.factor(Duration.ofSeconds(25))).isCloseTo(0.5, within(1e-9));
		SlowStart slow = new SlowStart(WINDOW, 0.5, 0);
		assertThat(slow.factor(Duration.ofSeconds(50))).isCloseTo(0.25, within(1e-9));
		assertThat(slow.factor(Duration.ZERO)).isEqualTo(0.0);
	}

	@Test
	void factorWhenFloorSetShouldNotGoBelowIt() {
		SlowStart slowStart = new SlowStart(WINDOW, 1.0, 40);
		assertThat(slowStart.factor(Duration.ofSeconds(10))).isCloseTo(0.4, within(1e-9));
		assertThat(slowStart.factor(Duration.ofSeconds(60))).isCloseTo(0.6, within(1e-9));
		assertThat(new SlowStart(WINDOW, 1.0, 100).factor(Duration.ZERO)).isEqualTo(1.0);
	}

	@Test
	void factorWhenClockSetBackShouldCountZero() {
		assertThat(SlowStart.of(WINDOW).factor(Duration.ofSeconds(-30))).isEqualTo(0.1);
	}

	@Test
	void factorWhenOffShouldAlwaysBeOne() {
		assertThat(SlowStart.OFF.enabled()).isFalse();
		assertThat(SlowStart.OFF.factor(Duration.ZERO)).isEqualTo(1.0);
		assertThat(SlowStart.OFF.isRamping(Duration.ZERO)).isFalse();
		assertThat(SlowStart.of(WINDOW).isRamping(Duration.ofSeconds(99))).isTrue();
		assertThat(SlowStart.of(WINDOW).isRamping(WINDOW)).isFalse();
	}

	@Test
	void createWhenOutOfRangeShouldNameTheOption() {
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> SlowStart.of(Duration.ofSeconds(-1)))
			.withMessage("slowStartWindow: PT-1S (expected: >= 0, 0 turns slow start off)");
		assertThatExceptionOfType(InvalidOptionException.class).isThrownBy(() -> new SlowStart(WINDOW, 0, 10))
			.extracting(InvalidOptionException::option)
			.isEqualTo("slowStartAggression");
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> new SlowStart(WINDOW, Double.NaN, 10))
			.extracting(InvalidOptionException::option)
			.isEqualTo("slowStartAggression");
		assertThatExceptionOfType(InvalidOptionException.class).isThrownBy(() -> new SlowStart(WINDOW, 1, 101))
			.withMessage("slowStartMinWeightPercent: 101 (expected: 0...100)");
	}

}
