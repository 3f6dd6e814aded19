package dev.clavier.discovery;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.model.InvalidOptionException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.entry;

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
	void parseWhenEntryHasWeightShouldSetIt() {
		StaticDiscovery discovery = StaticDiscovery.parse(80,
				List.of("127.0.0.1:8080;weight=3", "[::1]:9090;weight=0", "[2001:db8::1];weight=65535", "localhost ; weight = 7",
						"127.0.0.2:8080"));
		assertThat(discovery.endpoints()).extracting(Endpoint::address)
			.containsExactly("127.0.0.1:8080", "[::1]:9090", "[2001:db8::1]:80", "localhost:80", "127.0.0.2:8080");
		assertThat(discovery.endpoints()).extracting(Endpoint::weight).containsExactly(3, 0, 65535, 7, 1);
	}

	@Test
	void parseWhenWeightOutOfRangeShouldNameTheEntry() {
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> StaticDiscovery.parse(0, List.of("127.0.0.1:8080", "[::1]:8080;weight=-1")))
			.withMessage("endpoints[1]: weight: -1 (expected: 0...65535)")
			.extracting(InvalidOptionException::option)
			.isEqualTo("endpoints[1]");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> StaticDiscovery.parse(0, List.of("127.0.0.1:8080;weight=65536")))
			.withMessage("endpoints[0]: weight: 65536 (expected: 0...65535)");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> StaticDiscovery.parse(0, List.of("127.0.0.1:8080;weight=heavy")))
			.withMessage("endpoints[0]: weight: 'heavy' (expected: an integer in 0...65535)");
	}

	@Test
	void parseWhenParameterUnknownOrRepeatedShouldFail() {
		assertThatIllegalArgumentException().isThrownBy(() -> StaticDiscovery.parse(0, List.of("127.0.0.1:8080;region=a")))
			.withMessage("endpoints[0]: endpoint: '127.0.0.1:8080;region=a' "
					+ "(expected: host:port, optionally followed by ;weight=<0...65535> and ;zone=<zone>, "
					+ "'region=a' is neither weight=<n> nor zone=<zone>)");
		assertThatIllegalArgumentException().isThrownBy(() -> StaticDiscovery.parse(0, List.of("127.0.0.1:8080;")))
			.withMessageContaining("'' is neither weight=<n> nor zone=<zone>");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> StaticDiscovery.parse(0, List.of("127.0.0.1:8080;weight=1;weight=2")))
			.withMessageEndingWith("weight given twice)");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> StaticDiscovery.parse(0, List.of("127.0.0.1:8080;zone=a;weight=1;zone=b")))
			.withMessageEndingWith("zone given twice)");
	}

	@Test
	void parseWhenEntryHasZoneShouldSetItInEitherOrder() {
		StaticDiscovery discovery = StaticDiscovery.parse(0, List.of("127.0.0.1:8080;zone=eu-1",
				"127.0.0.2:8080;weight=3;zone=eu-2", "[::1]:8080 ; zone = us-1 ; weight = 2", "127.0.0.3:8080"));
		assertThat(discovery.endpoints()).extracting(Endpoint::zone).containsExactly("eu-1", "eu-2", "us-1", null);
		assertThat(discovery.endpoints()).extracting(Endpoint::weight).containsExactly(1, 3, 2, 1);
		assertThat(discovery.endpoints().get(1).attributes()).containsExactly(entry("zone", "eu-2"));
	}

	@Test
	void parseWhenZoneEmptyShouldNameTheEntry() {
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> StaticDiscovery.parse(0, List.of("127.0.0.1:8080;zone=")))
			.withMessage("endpoints[0]: zone: '' (expected: a zone name such as eu-1)")
			.extracting(InvalidOptionException::option)
			.isEqualTo("endpoints[0]");
	}

	@Test
	void parseWhenEntryBadShouldNameItsIndex() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> StaticDiscovery.parse(0, List.of("127.0.0.1:8080", "127.0.0.2")))
			.withMessage("endpoints[1]: endpoint: '127.0.0.2' (expected: host:port, the port is missing)");
	}

	@Test
	void parseWhenEntryBadShouldNameTheEntryAsOption() {
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> StaticDiscovery.parse(0, List.of("127.0.0.1:8080", "127.0.0.2:http")))
			.satisfies((ex) -> {
				assertThat(ex.option()).isEqualTo("endpoints[1]");
				assertThat(ex.value()).isEqualTo("127.0.0.2:http");
				assertThat(ex.expected()).isEqualTo("host:port, 'http' is not a port");
			});
	}

	@Test
	void parseWhenNoEntryShouldFail() {
		assertThatExceptionOfType(InvalidOptionException.class).isThrownBy(() -> StaticDiscovery.parse(0, List.of()))
			.withMessage("endpoints: not set (expected: at least one host:port entry)")
			.extracting(InvalidOptionException::option)
			.isEqualTo("endpoints");
	}

	@Test
	void ofWhenAddressListedTwiceShouldFail() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> StaticDiscovery.of(Endpoint.of("127.0.0.1", 80), Endpoint.of("127.0.0.1", 80)))
			.withMessage("endpoints: 127.0.0.1:80 is listed twice");
	}

	@Test
	void ofWhenHostDiffersOnlyInCaseShouldFailNamingTheSecondEntry() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> StaticDiscovery.of(Endpoint.of("backend.svc.test", 80), Endpoint.of("backend.svc.test", 81),
					Endpoint.of("BACKEND.svc.Test", 80)))
			.withMessage("endpoints: BACKEND.svc.Test:80 is listed twice");
		// Case is compared as String.equalsIgnoreCase does: the Kelvin sign is a 'k'.
		assertThatIllegalArgumentException()
			.isThrownBy(() -> StaticDiscovery.of(Endpoint.of("kube", 80), Endpoint.of("\u212Aube", 80)))
			.withMessage("endpoints: \u212Aube:80 is listed twice");
	}

	@Test
	void ofWhenEndpointNullShouldNameItsIndex() {
		List<Endpoint> endpoints = new ArrayList<>(List.of(Endpoint.of("127.0.0.1", 80), Endpoint.of("127.0.0.1", 81)));
		endpoints.add(null);
		assertThatNullPointerException().isThrownBy(() -> StaticDiscovery.of(endpoints)).withMessage("endpoints[2]");
	}

	@Test
	void ofWhenTwentyThousandEndpointsShouldKeepThemAllInOrderAndFindDuplicates() {
		List<Endpoint> distinct = new ArrayList<>();
		for (int i = 0; i < 20_000; i++) {
			// Host names that differ only in case from another entry's would be duplicates: vary
			// host and port, and mix the case, so that hashing must fold it.
			String host = ((i % 2 == 0) ? "host-" : "HOST-") + (i / 3) + ".svc.test";
			distinct.add(Endpoint.of(host, 8000 + (i % 3)));
		}
		StaticDiscovery discovery = StaticDiscovery.of(distinct);
		assertThat(discovery.endpoints()).containsExactlyElementsOf(distinct);
		assertThat(discovery.open(null).discover().join().endpoints()).hasSize(20_000);

		for (int duplicate : new int[] { 0, 9_999, 19_999 }) {
			Endpoint original = distinct.get(duplicate);
			Endpoint again = Endpoint.of(original.host().toUpperCase(Locale.ROOT), original.port());
			List<Endpoint> withDuplicate = new ArrayList<>(distinct);
			withDuplicate.add(again);
			assertThatIllegalArgumentException().isThrownBy(() -> StaticDiscovery.of(withDuplicate))
				.withMessage("endpoints: " + again + " is listed twice");
		}

		// Several duplicates: the first entry that repeats an earlier one is named.
		List<Endpoint> duplicates = new ArrayList<>(distinct.subList(0, 10_000));
		duplicates.add(distinct.get(42).withWeight(7));
		duplicates.addAll(distinct.subList(10_000, 20_000));
		duplicates.add(distinct.get(10_001));
		assertThatIllegalArgumentException().isThrownBy(() -> StaticDiscovery.of(duplicates))
			.withMessage("endpoints: " + distinct.get(42) + " is listed twice");
	}

	@Test
	void discoverShouldAnswerTheListOnceAndForAll() {
		StaticDiscovery discovery = StaticDiscovery.of(Endpoint.of("127.0.0.1", 80));
		DiscoveryResult result = discovery.open(null).discover().join();
		assertThat(result.endpoints()).containsExactly(Endpoint.of("127.0.0.1", 80));
		assertThat(result.refreshAfter()).isNull();
	}

}
