package dev.clavier.internal.listener;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CallWindow}, with explicit times.
 */
class CallWindowTests {

	@Test
	void exceedsWhenEnoughCallsFailedWithinTheWindowShouldBeTrue() {
		CallWindow window = new CallWindow(Duration.ofSeconds(10));
		for (int i = 0; i < 5; i++) {
			window.record(1_000_000 + i, true);
			window.record(1_000_000 + i, false);
		}
		assertThat(window.exceeds(1_000_010, 50, 10)).isTrue();
		assertThat(window.exceeds(1_000_010, 51, 10)).isFalse();
		assertThat(window.exceeds(1_000_010, 50, 11)).isFalse();
	}

	@Test
	void exceedsWhenCallsAreOlderThanTheWindowShouldForgetThem() {
		CallWindow window = new CallWindow(Duration.ofSeconds(10));
		for (int i = 0; i < 10; i++) {
			window.record(1_000_000, true);
		}
		assertThat(window.exceeds(1_005_000, 100, 10)).isTrue();
		assertThat(window.exceeds(1_010_000, 100, 10)).isFalse();
		// A bucket reused after a whole window starts again from zero.
		window.record(1_010_000, true);
		assertThat(window.exceeds(1_010_000, 100, 1)).isTrue();
		assertThat(window.exceeds(1_010_000, 100, 2)).isFalse();
	}

	@Test
	void clearShouldForgetEveryCall() {
		CallWindow window = new CallWindow(Duration.ofSeconds(1));
		window.record(5_000, true);
		window.clear();
		assertThat(window.exceeds(5_000, 1, 1)).isFalse();
	}

}
