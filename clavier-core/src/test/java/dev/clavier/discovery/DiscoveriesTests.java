package dev.clavier.discovery;

import java.time.Duration;
import java.util.Map;

import dev.clavier.discovery.dns.DnsDiscovery;
import dev.clavier.discovery.dns.DnsRecordType;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.model.InvalidOptionException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Discoveries}.
 */
class DiscoveriesTests {

	@Test
	void modelsShouldListBuiltIns() {
		assertThat(Discoveries.models()).contains("dns", "static");
	}

	@Test
	void createWhenStaticShouldParseEndpoints() {
		Discovery discovery = Discoveries.create("static",
				Map.of("endpoints", "127.0.10.1:8080, [::1]:9090,127.0.10.2", "port", "7070"));
		assertThat(discovery).isInstanceOfSatisfying(StaticDiscovery.class,
				(fixed) -> assertThat(fixed.endpoints()).extracting(Endpoint::address)
					.containsExactly("127.0.10.1:8080", "[::1]:9090", "127.0.10.2:7070"));
		assertThat(discovery.model()).isEqualTo("static");
	}

	@Test
	void createWhenStaticWithoutEndpointsShouldThrow() {
		assertThatIllegalArgumentException().isThrownBy(() -> Discoveries.create("static", Map.of()))
			.withMessageStartingWith("static option 'endpoints': missing");
	}

	@Test
	void createWhenStaticEntryHasNoPortShouldThrowNamingIt() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Discoveries.create("static", Map.of("endpoints", "127.0.10.1:8080,127.0.10.2")))
			.withMessageStartingWith("static option 'endpoints': endpoints[1]: endpoint: '127.0.10.2'");
	}

	@Test
	void createWhenDnsShouldApplyEveryOption() {
		Discovery discovery = Discoveries.create("dns",
				Map.of("name", "_http._tcp.backend.svc.test", "record-type", "srv", "servers",
						"127.0.0.1:5353, [::1]:5353", "min-ttl", "500ms", "max-ttl", "30s", "query-timeout", "PT1S"));
		assertThat(discovery).isInstanceOfSatisfying(DnsDiscovery.class, (dns) -> {
			assertThat(dns.name()).isEqualTo("_http._tcp.backend.svc.test");
			assertThat(dns.recordType()).isEqualTo(DnsRecordType.SRV);
			assertThat(dns.port()).isZero();
			assertThat(dns.servers()).containsExactly("127.0.0.1:5353", "[::1]:5353");
			assertThat(dns.minTtl()).isEqualTo(Duration.ofMillis(500));
			assertThat(dns.maxTtl()).isEqualTo(Duration.ofSeconds(30));
			assertThat(dns.queryTimeout()).isEqualTo(Duration.ofSeconds(1));
		});
	}

	@Test
	void createWhenDnsWithPortShouldUseDefaults() {
		Discovery discovery = Discoveries.create("dns", Map.of("port", "8080", "record-type", "a-aaaa"));
		assertThat(discovery).isInstanceOfSatisfying(DnsDiscovery.class, (dns) -> {
			assertThat(dns.name()).isNull();
			assertThat(dns.port()).isEqualTo(8080);
			assertThat(dns.recordType()).isEqualTo(DnsRecordType.A_AAAA);
			assertThat(dns.servers()).isEmpty();
		});
	}

	@Test
	void createWhenDnsOptionUnknownShouldThrow() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Discoveries.create("dns", Map.of("port", "8080", "ttl", "5s")))
			.withMessage("unknown dns option(s) [ttl]");
	}

	@Test
	void createWhenDnsOptionInvalidShouldThrowNamingIt() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Discoveries.create("dns", Map.of("port", "0")))
			.withMessage("dns option 'port': port: 0 (expected: 1...65535)");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Discoveries.create("dns", Map.of("port", "80", "servers", "127.0.0.1,nope:abc")))
			.withMessageStartingWith("dns option 'servers': servers[1]: 'nope:abc'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Discoveries.create("dns", Map.of("port", "80", "record-type", "MX")))
			.withMessage("dns option 'record-type': 'MX' (expected: one of A, AAAA, A_AAAA, SRV)");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Discoveries.create("dns", Map.of("port", "80", "min-ttl", "soon")))
			.withMessageStartingWith("dns option 'min-ttl': 'soon'");
	}

	@Test
	void createWhenOptionInvalidShouldNameTheOptionAsWritten() {
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> Discoveries.create("dns", Map.of("port", "80", "query-timeout", "0s")))
			.satisfies((ex) -> {
				assertThat(ex.option()).isEqualTo("query-timeout");
				assertThat(ex.value()).isEqualTo("PT0S");
				assertThat(ex.expected()).isEqualTo("> 0");
			});
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> Discoveries.create("static", Map.of("endpoints", "127.0.10.1:8080,127.0.10.2")))
			.satisfies((ex) -> {
				assertThat(ex.option()).isEqualTo("endpoints");
				assertThat(ex.value()).isEqualTo("127.0.10.2");
			});
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> Discoveries.create("static", Map.of()))
			.extracting(InvalidOptionException::option)
			.isEqualTo("endpoints");
	}

	@Test
	void createWhenDnsMinTtlAboveMaxTtlShouldThrow() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Discoveries.create("dns", Map.of("port", "80", "min-ttl", "2m", "max-ttl", "1m")))
			.withMessage("dns options: minTtl: PT2M (expected: <= maxTtl PT1M)");
	}

	@Test
	void createWhenModelUnknownShouldListModels() {
		assertThatIllegalArgumentException().isThrownBy(() -> Discoveries.create("consul", Map.of()))
			.withMessageStartingWith("unknown discovery model 'consul' (expected one of: ")
			.withMessageContaining("dns")
			.withMessageContaining("static");
	}

}
