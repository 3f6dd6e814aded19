package dev.clavier.filter;

import java.util.List;

import dev.clavier.endpoint.Endpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Weights}.
 */
class WeightsTests {

	@Test
	void ofWhenWeightsShareADivisorShouldReduceThem() {
		Weights weights = Weights.of(new int[] { 20, 40, 60 });
		assertThat(weights.total()).isEqualTo(6);
		assertThat(new long[] { weights.weight(0), weights.weight(1), weights.weight(2) }).containsExactly(1, 2, 3);
		assertThat(weights.isUniform()).isFalse();
	}

	@Test
	void ofWhenWeightsEqualShouldBeUniformOnes() {
		Weights weights = Weights.of(new int[] { 7, 7, 7 });
		assertThat(weights.isUniform()).isTrue();
		assertThat(weights.total()).isEqualTo(3);
	}

	@Test
	void ofWhenEveryWeightZeroShouldGiveEqualShares() {
		Weights weights = Weights.of(new int[] { 0, 0, 0 });
		assertThat(weights.isUniform()).isTrue();
		assertThat(weights.total()).isEqualTo(3);
	}

	@Test
	void ofWhenSomeWeightZeroShouldGiveItOneHundredthOfWeightOne() {
		// 1 and 3 count 100 and 300, each 0 counts 1: the period is 100 * 4 + 2.
		Weights weights = Weights.of(new int[] { 1, 0, 3, 0 });
		assertThat(weights.total()).isEqualTo(402);
		assertThat(new long[] { weights.weight(0), weights.weight(1), weights.weight(2), weights.weight(3) })
			.containsExactly(100, 1, 300, 1);
	}

	@Test
	void ofWhenLargestSrvWeightsShouldNotOverflow() {
		int[] raw = new int[1000];
		java.util.Arrays.fill(raw, 65535);
		raw[0] = 0;
		raw[1] = 65534;
		Weights weights = Weights.of(raw);
		assertThat(weights.total()).isEqualTo(998L * 65535 * 100 + 65534 * 100 + 1);
	}

	@Test
	void smoothSequenceShouldMatchNginxForFiveOneOne() {
		assertThat(Weights.of(new int[] { 5, 1, 1 }).smoothSequence()).containsExactly(0, 0, 1, 0, 2, 0, 0);
	}

	@Test
	void smoothSequenceWhenWeightsEqualShouldRotate() {
		assertThat(Weights.of(List.of(Endpoint.of("a", 1), Endpoint.of("b", 1), Endpoint.of("c", 1))).smoothSequence())
			.containsExactly(0, 1, 2);
	}

	@Test
	void ownerShouldFindTheEndpointOfEachPoint() {
		long[] cumulative = Weights.of(new int[] { 2, 1, 3 }).cumulative();
		assertThat(cumulative).containsExactly(2, 3, 6);
		int[] owners = new int[6];
		for (int point = 0; point < 6; point++) {
			owners[point] = Weights.owner(cumulative, point);
		}
		assertThat(owners).containsExactly(0, 0, 1, 2, 2, 2);
	}

}
