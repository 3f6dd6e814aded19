package dev.clavier.filter;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.model.InvalidOptionException;
import org.junit.jupiter.api.Test;

import static dev.clavier.filter.Picks.counts;
import static dev.clavier.filter.Picks.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link LeastRequestFilter}: the power of two choices over fixed calls in flight.
 * Counts are checked against bounds many standard deviations wide, so that they fail only when
 * the rule is not applied.
 */
class LeastRequestFilterTests {

	@Test
	void selectWhenLoadsEqualShouldSpreadEvenly() {
		int[] inFlight = { 3, 3, 3 };
		int[] counts = counts(Filters.leastRequest().selector(weighted(1, 1, 1), calls(inFlight)), 3, 90_000);
		// 30,000 expected each, standard deviation about 141.
		assertThat(IntStream.of(counts).boxed().toList()).allSatisfy((count) -> assertThat(count).isBetween(28_500, 31_500));
	}

	@Test
	void selectWhenOneEndpointBusyShouldNeverPickIt() {
		int[] inFlight = { 5, 0, 0, 0 };
		int[] counts = counts(Filters.leastRequest().selector(weighted(1, 1, 1, 1), calls(inFlight)), 4, 90_000);
		// Two distinct candidates: the busy one always meets a less loaded one.
		assertThat(counts[0]).isZero();
		assertThat(IntStream.of(counts).skip(1).boxed().toList())
			.allSatisfy((count) -> assertThat(count).isBetween(28_500, 31_500));
	}

	@Test
	void selectWhenTwoChoicesShouldPickTheSecondBusiestOnlyAgainstTheBusiest() {
		int[] inFlight = { 5, 3, 0, 0 };
		int[] counts = counts(Filters.leastRequest().selector(weighted(1, 1, 1, 1), calls(inFlight)), 4, 120_000);
		// Endpoint 1 wins only the pairs {0, 1}: 2 of the 12 ordered pairs, 20,000 expected.
		assertThat(counts[0]).isZero();
		assertThat(counts[1]).isBetween(18_500, 21_500);
	}

	@Test
	void selectWhenChoiceCountThreeShouldCompareThreeDistinctEndpoints() {
		int[] inFlight = { 5, 3, 0, 0 };
		Filter filter = LeastRequestFilter.builder().choiceCount(3).build();
		int[] counts = counts(filter.selector(weighted(1, 1, 1, 1), calls(inFlight)), 4, 100_000);
		// Three of four distinct endpoints always include an idle one.
		assertThat(counts[0]).isZero();
		assertThat(counts[1]).isZero();
		assertThat(counts[2]).isBetween(48_500, 51_500);
	}

	@Test
	void selectWhenChoiceCountExceedsTheSizeShouldCompareThemAll() {
		int[] inFlight = { 2, 1, 3 };
		Filter filter = LeastRequestFilter.builder().choiceCount(10).build();
		assertThat(counts(filter.selector(weighted(1, 1, 1), calls(inFlight)), 3, 1_000)).containsExactly(0, 1_000, 0);
	}

	@Test
	void selectShouldReadTheCountsLiveAtEachPick() {
		int[] inFlight = { 0, 0 };
		EndpointSelector selector = Filters.leastRequest().selector(weighted(1, 1), calls(inFlight));
		inFlight[0] = 1;
		assertThat(counts(selector, 2, 1_000)).containsExactly(0, 1_000);
		inFlight[1] = 2;
		assertThat(counts(selector, 2, 1_000)).containsExactly(1_000, 0);
	}

	@Test
	void selectWhenWeightsDifferAndIdleShouldFollowTheWeights() {
		int[] counts = counts(Filters.leastRequest().selector(weighted(1, 3, 6), calls(new int[3])), 3, 100_000);
		assertThat(counts[0]).isBetween(9_000, 11_000);
		assertThat(counts[1]).isBetween(28_500, 31_500);
		assertThat(counts[2]).isBetween(58_500, 61_500);
	}

	@Test
	void selectWhenLoadFollowsTheWeightsShouldKeepTheWeightsShares() {
		// 1 call in flight for weight 1, 9 for weight 9: equal load per weight, a tie every time.
		int[] counts = counts(Filters.leastRequest().selector(weighted(1, 9), calls(new int[] { 1, 9 })), 2, 100_000);
		assertThat(counts[0]).isBetween(9_000, 11_000);
	}

	@Test
	void selectWhenHeavyEndpointOverloadedShouldSendMoreToTheLightOne() {
		// The light endpoint wins whenever it is drawn: first (10%), or among the nine draws of the
		// second candidate (90% × (1 - 0.9^9)): 65.1%, where its weight says 10%.
		int[] counts = counts(Filters.leastRequest().selector(weighted(1, 9), calls(new int[] { 0, 20 })), 2,
				100_000);
		assertThat(counts[0]).isBetween(64_000, 66_300);
	}

	@Test
	void selectWhenBiasZeroShouldIgnoreTheLoadOfWeightedEndpoints() {
		Filter filter = LeastRequestFilter.builder().activeRequestBias(0).build();
		int[] counts = counts(filter.selector(weighted(1, 9), calls(new int[] { 0, 20 })), 2, 100_000);
		assertThat(counts[0]).isBetween(9_000, 11_000);
	}

	@Test
	void selectWhenBiasTwoShouldWeighTheLoadMoreThanBiasOne() {
		// weight 1 with 2 calls (load 4 at bias 2, 2 at bias 1) against weight 3 with 4 (16/3 and 4/3).
		int[] inFlight = { 2, 4 };
		Filter squared = LeastRequestFilter.builder().activeRequestBias(2).build();
		int[] biasTwo = counts(squared.selector(weighted(1, 3), calls(inFlight)), 2, 100_000);
		int[] biasOne = counts(Filters.leastRequest().selector(weighted(1, 3), calls(inFlight)), 2, 100_000);
		// Bias 2: the light endpoint wins whenever drawn, 25% + 75% × (1 - 0.75^9) = 94.4%; bias 1:
		// it loses whenever compared, which is nearly always.
		assertThat(biasTwo[0]).isBetween(93_500, 95_300);
		assertThat(biasOne[0]).isLessThan(100);
	}

	@Test
	void selectorWithoutCountsShouldBeAWeightedRandomPick() {
		int[] counts = counts(Filters.leastRequest().selector(weighted(1, 9)), 2, 100_000);
		assertThat(counts[0]).isBetween(9_000, 11_000);
	}

	@Test
	void selectWhenOneEndpointShouldAlwaysPickIt() {
		assertThat(counts(Filters.leastRequest().selector(weighted(1), calls(new int[] { 7 })), 1, 100))
			.containsExactly(100);
	}

	@Test
	void builderWhenChoiceCountBelowTwoShouldNameTheOption() {
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> LeastRequestFilter.builder().choiceCount(1))
			.satisfies((ex) -> {
				assertThat(ex.option()).isEqualTo("choiceCount");
				assertThat(ex.getMessage()).contains("2...100");
			});
	}

	@Test
	void builderWhenBiasNegativeOrNotANumberShouldNameTheOption() {
		for (double bias : new double[] { -0.5, Double.NaN, Double.POSITIVE_INFINITY }) {
			assertThatExceptionOfType(InvalidOptionException.class)
				.isThrownBy(() -> LeastRequestFilter.builder().activeRequestBias(bias))
				.satisfies((ex) -> assertThat(ex.option()).isEqualTo("activeRequestBias"));
		}
	}

	@Test
	void createShouldReadTheOptions() {
		Filter filter = Filters.create("least-request", Map.of("choice-count", "3", "active-request-bias", "0.5"));
		assertThat(filter).isEqualTo(LeastRequestFilter.builder().choiceCount(3).activeRequestBias(0.5).build());
		assertThat(Filters.create("least-request", Map.of())).isEqualTo(Filters.leastRequest());
		assertThat(Filters.models()).contains("least-request");
	}

	@Test
	void createWhenAnOptionIsWrongShouldNameItAsWritten() {
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> Filters.create("least-request", Map.of("choice-count", "1")))
			.satisfies((ex) -> assertThat(ex.option()).isEqualTo("choice-count"));
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> Filters.create("least-request", Map.of("active-request-bias", "much")))
			.satisfies((ex) -> assertThat(ex.option()).isEqualTo("active-request-bias"));
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> Filters.create("least-request", Map.of("choices", "2")))
			.satisfies((ex) -> assertThat(ex.option()).isEqualTo("choices"));
	}

	@Test
	void selectorWithCountsOfAFilterThatIgnoresThemShouldDelegate() {
		Filter first = new Filter() {

			@Override
			public String model() {
				return "first";
			}

			@Override
			public EndpointSelector selector(List<Endpoint> endpoints) {
				return () -> 0;
			}

		};
		assertThat(first.selector(weighted(1, 1), calls(new int[] { 9, 0 })).select()).isZero();
	}

	private static CallsInFlight calls(int[] inFlight) {
		return (index) -> inFlight[index];
	}

}
