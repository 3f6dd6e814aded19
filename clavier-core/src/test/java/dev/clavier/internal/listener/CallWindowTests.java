package dev.clavier.internal.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
	void recordWhenManyThreadsCountAtOnceShouldLoseNoCall() throws Exception {
		CallWindow window = new CallWindow(Duration.ofSeconds(10));
		int threads = 4;
		int calls = 10_000;
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> started = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			Thread thread = new Thread(() -> {
				try {
					start.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				for (int i = 0; i < calls; i++) {
					window.record(1_000_000, i % 2 == 0);
				}
			}, "clavier-test-window-" + t);
			thread.start();
			started.add(thread);
		}
		start.countDown();
		for (Thread thread : started) {
			thread.join(TimeUnit.SECONDS.toMillis(30));
			assertThat(thread.isAlive()).isFalse();
		}
		// Exactly 40,000 calls, exactly half of them failed.
		assertThat(window.exceeds(1_000_000, 50, threads * calls)).isTrue();
		assertThat(window.exceeds(1_000_000, 50, threads * calls + 1)).isFalse();
		assertThat(window.exceeds(1_000_000, 51, threads * calls)).isFalse();
	}

	@Test
	void clearShouldForgetEveryCall() {
		CallWindow window = new CallWindow(Duration.ofSeconds(1));
		window.record(5_000, true);
		window.clear();
		assertThat(window.exceeds(5_000, 1, 1)).isFalse();
	}

}
