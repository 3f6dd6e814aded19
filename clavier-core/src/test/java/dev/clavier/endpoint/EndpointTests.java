package dev.clavier.endpoint;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Endpoint}: parsing, IPv6 formatting and validation.
 */
class EndpointTests {

	@Test
	void addressWhenIpv6ShouldUseBrackets() {
		Endpoint endpoint = Endpoint.of("::1", 8080);
		assertThat(endpoint.address()).isEqualTo("[::1]:8080");
		assertThat(endpoint.uriHost()).isEqualTo("[::1]");
		assertThat(endpoint.isIpv6()).isTrue();
		assertThat(endpoint).hasToString("[::1]:8080");
	}

	@Test
	void ofWhenHostHasBracketsShouldStripThem() {
		assertThat(Endpoint.of("[::1]", 80).host()).isEqualTo("::1");
	}

	@Test
	void parseShouldReadHostPortForms() {
		assertThat(Endpoint.parse("127.0.10.1:8080", 0)).isEqualTo(Endpoint.of("127.0.10.1", 8080));
		assertThat(Endpoint.parse(" [::1]:9090 ", 0)).isEqualTo(Endpoint.of("::1", 9090));
		assertThat(Endpoint.parse("backend", 80)).isEqualTo(Endpoint.of("backend", 80));
		assertThat(Endpoint.parse("::1", 80)).isEqualTo(Endpoint.of("::1", 80));
		assertThat(Endpoint.parse("[fe80::1]", 443)).isEqualTo(Endpoint.of("fe80::1", 443));
	}

	@Test
	void parseWhenBadShouldNameTheProblem() {
		assertThatIllegalArgumentException().isThrownBy(() -> Endpoint.parse("backend", 0))
			.withMessage("endpoint: 'backend' (expected: host:port, the port is missing)");
		assertThatIllegalArgumentException().isThrownBy(() -> Endpoint.parse("backend:http", 0))
			.withMessage("endpoint: 'backend:http' (expected: host:port, 'http' is not a port)");
		assertThatIllegalArgumentException().isThrownBy(() -> Endpoint.parse("backend:70000", 0))
			.withMessage("endpoint: 'backend:70000' (expected: a port in 1...65535)");
		assertThatIllegalArgumentException().isThrownBy(() -> Endpoint.parse("[::1:80", 0))
			.withMessageContaining("missing ']'");
		assertThatIllegalArgumentException().isThrownBy(() -> Endpoint.parse(":80", 0))
			.withMessageContaining("the host is empty");
	}

	@Test
	void constructorShouldCheckPortAndWeight() {
		assertThatIllegalArgumentException().isThrownBy(() -> Endpoint.of("h", 0))
			.withMessage("port: 0 (expected: 1...65535)");
		assertThatIllegalArgumentException().isThrownBy(() -> new Endpoint("h", 1, -1, Map.of()))
			.withMessage("weight: -1 (expected: >= 0)");
	}

	@Test
	void sameAddressShouldIgnoreWeightAndHostCase() {
		assertThat(Endpoint.of("Host", 80).sameAddress(new Endpoint("host", 80, 5, Map.of("a", "b")))).isTrue();
		assertThat(Endpoint.of("host", 80).sameAddress(Endpoint.of("host", 81))).isFalse();
	}

}
