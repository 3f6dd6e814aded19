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
	void selectWhenOneEndpointBusyShouldPickItOnlyWhenBothChoicesAreIt() {
		int[] inFlight = { 5, 0, 0, 0 };
		int[] counts = counts(Filters.leastRequest().selector(weighted(1, 1, 1, 1), calls(inFlight)), 4, 100_000);
		// (1/4)^2 = 6.25%: 6,250 expected (standard deviation about 77), where round robin gives 25,000.
		assertThat(counts[0]).isBetween(5_500, 7_000);
		assertThat(counts[1]).isBetween(30_000, 32_500);
	}

	@Test
	void selectWhenChoiceCountThreeShouldPickTheBusyOneEvenLess() {
		int[] inFlight = { 5, 0, 0, 0 };
		Filter filter = LeastRequestFilter.builder().choiceCount(3).build();
		int[] counts = counts(filter.selector(weighted(1, 1, 1, 1), calls(inFlight)), 4, 100_000);
		// (1/4)^3 = 1.6%: 1,560 expected (standard deviation about 39).
		assertThat(counts[0]).isBetween(1_200, 1_950);
	}

	@Test
	void selectShouldReadTheCountsLiveAtEachPick() {
		int[] inFlight = { 0, 0 };
		EndpointSelector selector = Filters.leastRequest().selector(weighted(1, 1), calls(inFlight));
		inFlight[0] = 1;
		int[] counts = counts(selector, 2, 10_000);
		// Endpoint 0 only when both draws are it: a quarter.
		assertThat(counts[0]).isBetween(2_200, 2_800);
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
		// The light endpoint wins whenever it is drawn: 1 - 0.9^2 = 19%, where its weight says 10%.
		int[] counts = counts(Filters.leastRequest().selector(weighted(1, 9), calls(new int[] { 0, 20 })), 2,
				100_000);
		assertThat(counts[0]).isBetween(18_000, 20_000);
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
		// Bias 2: the light endpoint wins whenever drawn, 1 - 0.75^2 = 44%; bias 1: only both draws, 6%.
		assertThat(biasTwo[0]).isBetween(42_000, 45_500);
		assertThat(biasOne[0]).isBetween(5_500, 7_000);
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
