package dev.clavier.test;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LoopbackAddresses}.
 */
class LoopbackAddressesTests {

	@Test
	void isBindableWhenIpv4LoopbackShouldBeTrue() {
		assertThat(LoopbackAddresses.isBindable("127.0.0.1")).isTrue();
	}

	@Test
	void isBindableWhenNotLoopbackShouldBeFalseWithoutTrying() {
		assertThat(LoopbackAddresses.isBindable("192.0.2.1")).isFalse();
		assertThat(LoopbackAddresses.isBindable("0.0.0.0")).isFalse();
		assertThat(LoopbackAddresses.isBindable("::")).isFalse();
	}

	@Test
	void isBindableWhenNotLiteralShouldBeFalse() {
		assertThat(LoopbackAddresses.isBindable("localhost.invalid")).isFalse();
		assertThat(LoopbackAddresses.isBindable("")).isFalse();
	}

	@Test
	void ipv6AvailableShouldMatchBindabilityOfIpv6Loopback() {
		assertThat(LoopbackAddresses.ipv6Available()).isEqualTo(LoopbackAddresses.isBindable("[::1]"));
	}

}
