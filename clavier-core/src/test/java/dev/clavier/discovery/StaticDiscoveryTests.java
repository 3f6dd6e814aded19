package dev.clavier.discovery;

import java.util.List;

import dev.clavier.Endpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link StaticDiscovery}.
 */
class StaticDiscoveryTests {

	@Test
	void parseShouldReadEveryEntry() {
		StaticDiscovery discovery = StaticDiscovery.parse(80, List.of("127.0.0.1:8080", "[::1]:9090", "localhost"));
		assertThat(discovery.endpoints()).containsExactly(Endpoint.of("127.0.0.1", 8080), Endpoint.of("::1", 9090),
				Endpoint.of("localhost", 80));
		assertThat(discovery.model()).isEqualTo("static");
	}

	@Test
	void parseWhenEntryBadShouldNameItsIndex() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> StaticDiscovery.parse(0, List.of("127.0.0.1:8080", "127.0.0.2")))
			.withMessage("endpoints[1]: endpoint: '127.0.0.2' (expected: host:port, the port is missing)");
	}

	@Test
	void ofWhenAddressListedTwiceShouldFail() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> StaticDiscovery.of(Endpoint.of("127.0.0.1", 80), Endpoint.of("127.0.0.1", 80)))
			.withMessage("endpoints: 127.0.0.1:80 is listed twice");
	}

	@Test
	void discoverShouldAnswerTheListOnceAndForAll() {
		StaticDiscovery discovery = StaticDiscovery.of(Endpoint.of("127.0.0.1", 80));
		DiscoveryResult result = discovery.open(null).discover().join();
		assertThat(result.endpoints()).containsExactly(Endpoint.of("127.0.0.1", 80));
		assertThat(result.refreshAfter()).isNull();
	}

}
