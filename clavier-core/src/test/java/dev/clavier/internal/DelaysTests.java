package dev.clavier.internal;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Delays}: jitter bounds and back-off growth, with pinned random draws.
 */
class DelaysTests {

	private static final Duration SECOND = Duration.ofSeconds(1);

	@Test
	void jitteredShouldStayWithinTheFractionEitherWay() {
		assertThat(Delays.jittered(SECOND, 0.1, 0.0)).isEqualTo(Duration.ofMillis(900));
		assertThat(Delays.jittered(SECOND, 0.1, 0.5)).isEqualTo(SECOND);
		assertThat(Delays.jittered(SECOND, 0.1, 0.999999)).isBetween(Duration.ofMillis(1099), Duration.ofMillis(1100));
		assertThat(Delays.jittered(SECOND, 0, 0.9)).isEqualTo(SECOND);
	}

	@Test
	void backoffShouldDoubleFromMinUpToMax() {
		Duration max = Duration.ofSeconds(30);
		assertThat(Delays.backoff(1, SECOND, max, 0.5)).isEqualTo(SECOND);
		assertThat(Delays.backoff(2, SECOND, max, 0.5)).isEqualTo(Duration.ofSeconds(2));
		assertThat(Delays.backoff(5, SECOND, max, 0.5)).isEqualTo(Duration.ofSeconds(16));
		assertThat(Delays.backoff(6, SECOND, max, 0.5)).isEqualTo(max);
		assertThat(Delays.backoff(1000, SECOND, max, 0.5)).isEqualTo(max);
	}

	@Test
	void backoffShouldJitterButNeverExceedMax() {
		Duration max = Duration.ofSeconds(30);
		assertThat(Delays.backoff(1, SECOND, max, 0.0)).isEqualTo(Duration.ofMillis(800));
		assertThat(Delays.backoff(1, SECOND, max, 0.999)).isLessThanOrEqualTo(Duration.ofMillis(1200));
		assertThat(Delays.backoff(100, SECOND, max, 0.999)).isEqualTo(max);
		assertThat(Delays.backoff(100, SECOND, max, 0.0)).isEqualTo(Duration.ofSeconds(24));
	}

}
