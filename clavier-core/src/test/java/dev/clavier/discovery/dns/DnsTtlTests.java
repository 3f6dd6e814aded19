package dev.clavier.discovery.dns;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DnsTtl}.
 */
class DnsTtlTests {

	private static final Duration MIN = Duration.ofSeconds(1);

	private static final Duration MAX = Duration.ofSeconds(60);

	@Test
	void clampWhenTtlWithinBoundsShouldKeepTtl() {
		assertThat(DnsTtl.clamp(7, MIN, MAX)).isEqualTo(Duration.ofSeconds(7));
		assertThat(DnsTtl.clamp(1, MIN, MAX)).isEqualTo(MIN);
		assertThat(DnsTtl.clamp(60, MIN, MAX)).isEqualTo(MAX);
	}

	@Test
	void clampWhenTtlZeroShouldUseMinTtl() {
		assertThat(DnsTtl.clamp(0, MIN, MAX)).isEqualTo(MIN);
	}

	@Test
	void clampWhenNoTtlSeenShouldUseMinTtl() {
		assertThat(DnsTtl.clamp(-1, MIN, MAX)).isEqualTo(MIN);
	}

	@Test
	void clampWhenTtlAboveMaxShouldUseMaxTtl() {
		assertThat(DnsTtl.clamp(86_400, MIN, MAX)).isEqualTo(MAX);
		assertThat(DnsTtl.clamp(Integer.MAX_VALUE * 2L, MIN, MAX)).isEqualTo(MAX);
	}

	@Test
	void clampWhenMinIsSubSecondShouldKeepSubSecondMin() {
		Duration min = Duration.ofMillis(200);
		assertThat(DnsTtl.clamp(0, min, MAX)).isEqualTo(min);
		assertThat(DnsTtl.clamp(2, min, MAX)).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void clampWhenMinEqualsMaxShouldAlwaysUseIt() {
		Duration fixed = Duration.ofSeconds(5);
		assertThat(DnsTtl.clamp(0, fixed, fixed)).isEqualTo(fixed);
		assertThat(DnsTtl.clamp(300, fixed, fixed)).isEqualTo(fixed);
	}

}
