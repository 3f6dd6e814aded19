package dev.clavier.filter;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static dev.clavier.filter.Picks.counts;
import static dev.clavier.filter.Picks.weighted;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RoundRobinFilter}: smooth weighted round robin with a position per thread.
 */
class RoundRobinFilterTests {

	private static int[] picks(EndpointSelector selector, int picks) {
		int[] sequence = new int[picks];
		for (int i = 0; i < picks; i++) {
			sequence[i] = selector.select();
		}
		return sequence;
	}

	/**
	 * nginx's smooth weighted round robin as nginx runs it (state carried from pick to pick), the
	 * reference the filter must match.
	 */
	private static int[] nginx(int[] weights, int picks) {
		int total = 0;
		for (int weight : weights) {
			total += weight;
		}
		int[] current = new int[weights.length];
		int[] sequence = new int[picks];
		for (int pick = 0; pick < picks; pick++) {
			int best = -1;
			for (int i = 0; i < weights.length; i++) {
				current[i] += weights[i];
				if (best < 0 || current[i] > current[best]) {
					best = i;
				}
			}
			current[best] -= total;
			sequence[pick] = best;
		}
		return sequence;
	}

	private static int longestRun(int[] sequence) {
		int longest = 0;
		int run = 0;
		for (int i = 0; i < sequence.length; i++) {
			run = (i > 0 && sequence[i] == sequence[i - 1]) ? run + 1 : 1;
			longest = Math.max(longest, run);
		}
		return longest;
	}

	@Test
	void selectWhenWeightsOneAndNineShouldGiveOneHundredAndNineHundredOfOneThousand() {
		assertThat(counts(Filters.roundRobin().selector(weighted(1, 9)), 2, 1000)).containsExactly(100, 900);
	}

	@Test
	void selectWhenWeightsFiveOneOneShouldInterleaveAsNginx() {
		int[] picks = picks(Filters.roundRobin().selector(weighted(5, 1, 1)), 7 * 100);
		int[] reference = nginx(new int[] { 5, 1, 1 }, 7 * 101);
		// Same order as nginx, from wherever this thread's random start put it.
		boolean matched = false;
		for (int offset = 0; offset < 7 && !matched; offset++) {
			matched = java.util.Arrays.equals(picks, java.util.Arrays.copyOfRange(reference, offset, offset + picks.length));
		}
		assertThat(matched).as("picks follow nginx's order").isTrue();
		assertThat(longestRun(picks)).isLessThanOrEqualTo(longestRun(reference));
		assertThat(counts(Filters.roundRobin().selector(weighted(5, 1, 1)), 3, 700)).containsExactly(500, 100, 100);
	}

	@Test
	void selectWhenWeightsEqualShouldBeThePlainRotation() {
		EndpointSelector selector = Filters.roundRobin().selector(weighted(4, 4, 4));
		int first = selector.select();
		for (int i = 1; i < 30; i++) {
			assertThat(selector.select()).isEqualTo((first + i) % 3);
		}
	}

	@Test
	void selectWhenWeightZeroAmongPositiveShouldGiveItOnePickPerPeriod() {
		// Weights 1, 0, 1: 100 + 1 + 100 per period of 201 picks.
		assertThat(counts(Filters.roundRobin().selector(weighted(1, 0, 1)), 3, 201 * 10)).containsExactly(1000, 10, 1000);
	}

	@Test
	void selectWhenEveryWeightZeroShouldRotateEvenly() {
		assertThat(counts(Filters.roundRobin().selector(weighted(0, 0, 0)), 3, 30)).containsExactly(10, 10, 10);
	}

	@Test
	void selectWhenPeriodTooLongToPrecomputeShouldStayExactAndSpread() {
		// 65535 + 65534 + 3: a period of 131072, walked by stride rather than precomputed.
		EndpointSelector selector = Filters.roundRobin().selector(weighted(65535, 65534, 3));
		int[] window = counts(selector, 3, 1000);
		assertThat(window[0]).isBetween(490, 510);
		assertThat(window[1]).isBetween(490, 510);
		int[] rest = counts(selector, 3, 131072 - 1000);
		assertThat(new int[] { window[0] + rest[0], window[1] + rest[1], window[2] + rest[2] })
			.containsExactly(65535, 65534, 3);
	}

	@Test
	void strideShouldBeCoprimeWithThePeriod() {
		for (long period : new long[] { 8193, 131072, 6553501, 1L << 40 }) {
			long stride = RoundRobinFilter.Selector.stride(period);
			assertThat(Weights.gcd(period, stride)).isOne();
			assertThat(stride).isBetween(period / 2, period * 2 / 3);
		}
	}

	@Test
	void selectWhenTwoThreadsPickAtOnceShouldKeepEachThreadsPicksEven() throws Exception {
		EndpointSelector plain = Filters.roundRobin().selector(weighted(1, 1, 1));
		EndpointSelector weighted = Filters.roundRobin().selector(weighted(1, 9));
		CyclicBarrier start = new CyclicBarrier(2);
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			List<CompletableFuture<int[][]>> results = new ArrayList<>();
			for (int t = 0; t < 2; t++) {
				results.add(CompletableFuture.supplyAsync(() -> {
					try {
						start.await(10, TimeUnit.SECONDS);
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
					int[] plainCounts = new int[3];
					int[] weightedCounts = new int[2];
					for (int i = 0; i < 300_000; i++) {
						plainCounts[plain.select()]++;
						if (i < 100_000) {
							weightedCounts[weighted.select()]++;
						}
					}
					return new int[][] { plainCounts, weightedCounts };
				}, threads));
			}
			for (CompletableFuture<int[][]> result : results) {
				int[][] counts = result.get(30, TimeUnit.SECONDS);
				assertThat(counts[0]).containsExactly(100_000, 100_000, 100_000);
				assertThat(counts[1]).containsExactly(10_000, 90_000);
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void selectWhenOnVirtualThreadsShouldWalkTheSamePeriodOnOneSharedCounter() {
		RoundRobinFilter.Selector selector = RoundRobinFilter.Selector.of(Weights.of(weighted(5, 1, 1)));
		int[] counts = new int[3];
		for (int i = 0; i < 700; i++) {
			counts[selector.index(selector.nextShared())]++;
		}
		assertThat(counts).containsExactly(500, 100, 100);
	}

	@Test
	void selectAfterFirstPickShouldNotAllocate() {
		com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		// An array, not a list: an iterator per loop would be the only allocation measured.
		EndpointSelector[] selectors = { Filters.roundRobin().selector(weighted(1, 1, 1)),
				Filters.roundRobin().selector(weighted(5, 1, 1)), Filters.roundRobin().selector(weighted(65535, 65534, 3)),
				Filters.random().selector(weighted(1, 9)) };
		int sum = 0;
		for (EndpointSelector selector : selectors) {
			sum += selector.select();
		}
		long threadId = Thread.currentThread().getId();
		long before = bean.getThreadAllocatedBytes(threadId);
		for (int i = 0; i < 100_000; i++) {
			for (EndpointSelector selector : selectors) {
				sum += selector.select();
			}
		}
		long allocated = bean.getThreadAllocatedBytes(threadId) - before;
		// One small object per pick would be 6 MB; the measurement itself may take a few bytes.
		assertThat(allocated).as("bytes allocated by 400,000 picks").isLessThan(16 * 1024);
		assertThat(sum).isPositive();
	}

}
