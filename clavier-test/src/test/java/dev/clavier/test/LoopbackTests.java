package dev.clavier.test;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Loopback}.
 */
class LoopbackTests {

	@Test
	void hostAndPortWhenIpv4ShouldJoinWithColon() {
		assertThat(Loopback.hostAndPort(Loopback.requireLoopback("127.0.0.2"), 8080)).isEqualTo("127.0.0.2:8080");
	}

	@Test
	void hostAndPortWhenIpv6ShouldCompressAndBracket() throws Exception {
		assertThat(Loopback.hostAndPort(Loopback.requireLoopback("0:0:0:0:0:0:0:1"), 53)).isEqualTo("[::1]:53");
		assertThat(Loopback.literal(InetAddress.getByName("fd00:0:0:1:0:0:0:2"))).isEqualTo("fd00:0:0:1::2");
		assertThat(Loopback.literal(InetAddress.getByName("1:0:0:0:0:0:0:0"))).isEqualTo("1::");
		assertThat(Loopback.literal(InetAddress.getByName("1:2:3:4:5:6:7:8"))).isEqualTo("1:2:3:4:5:6:7:8");
		assertThat(Loopback.literal(InetAddress.getByName("1:0:2:3:4:5:6:7"))).isEqualTo("1:0:2:3:4:5:6:7");
	}

	@Test
	void requireLoopbackWhenNotLoopbackOrNotLiteralShouldFail() {
		assertThatIllegalArgumentException().isThrownBy(() -> Loopback.requireLoopback("192.0.2.1"))
			.withMessage("address: 192.0.2.1 (expected: a loopback address, 127.0.0.0/8 or ::1)");
		assertThatIllegalArgumentException().isThrownBy(() -> Loopback.requireLoopback("localhost"))
			.withMessage("host: localhost (expected: a loopback address literal)");
	}

	@Test
	void requirePortWhenOutOfRangeShouldFail() {
		assertThatIllegalArgumentException().isThrownBy(() -> Loopback.requirePort(65536))
			.withMessage("port: 65536 (expected: 0...65535)");
	}

}
