package dev.clavier.filter;

import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static dev.clavier.filter.Picks.counts;
import static dev.clavier.filter.Picks.weighted;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RandomFilter}: weighted random picks. Counts are checked against bounds many
 * standard deviations wide, so that they fail only when the weights are ignored.
 */
class RandomFilterTests {

	@Test
	void selectWhenWeightsOneAndNineShouldPickInProportion() {
		// 100,000 picks at 10%: standard deviation about 95, the bounds are 10 of them.
		int[] counts = counts(Filters.random().selector(weighted(1, 9)), 2, 100_000);
		assertThat(counts[0]).isBetween(9_000, 11_000);
		assertThat(counts[1]).isBetween(89_000, 91_000);
	}

	@Test
	void selectWhenWeightZeroAmongPositiveShouldRarelyPickIt() {
		// Weights 1 and 0: 1 in 101 picks, about 1,000 of 101,000 (standard deviation about 31).
		int[] counts = counts(Filters.random().selector(weighted(1, 0)), 2, 101_000);
		assertThat(counts[1]).isBetween(700, 1_300);
	}

	@Test
	void selectWhenEveryWeightZeroShouldPickUniformly() {
		int[] counts = counts(Filters.random().selector(weighted(0, 0, 0, 0)), 4, 100_000);
		assertThat(IntStream.of(counts).boxed().toList()).allSatisfy((count) -> assertThat(count).isBetween(23_500, 26_500));
	}

	@Test
	void selectWhenWeightsEqualShouldPickUniformly() {
		int[] counts = counts(Filters.random().selector(weighted(3, 3)), 2, 100_000);
		assertThat(IntStream.of(counts).boxed().toList()).allSatisfy((count) -> assertThat(count).isBetween(48_500, 51_500));
	}

}
