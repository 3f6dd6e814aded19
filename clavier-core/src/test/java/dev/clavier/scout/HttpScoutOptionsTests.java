package dev.clavier.scout;

import java.util.Map;

import dev.clavier.model.InvalidOptionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link HttpScoutOptions}: the {@code http} model's configuration options read into a
 * scout, and how a wrong one is reported. Probing with what they build is in
 * {@link HttpScoutTests}.
 */
class HttpScoutOptionsTests {

	@Test
	void readWhenNoOptionsShouldBuildTheDefaults() {
		HttpScout scout = HttpScoutOptions.read(Map.of());
		assertThat(scout).hasToString("http[GET /, expected-statuses=<500, max-body-bytes=4096]");
		assertThat(scout.requestTemplate().headerNames()).isEmpty();
		assertThat(scout.sslContext()).isNull();
	}

	@Test
	void readWhenEveryOptionGivenShouldUseThem() {
		HttpScout scout = HttpScoutOptions.read(Map.of("path", "/health", "method", "head", "expected-statuses",
				"200-299", "tls", "true", "insecure-trust-all", "true", "max-body-bytes", "0", "reuse-connection",
				"false", "headers.Authorization", "Bearer s3cret"));
		assertThat(scout).hasToString("http[HEAD /health, expected-statuses=200-299, tls (trusting all certificates), "
				+ "max-body-bytes=0, new connection per probe, headers=[Authorization]]");
		assertThat(scout.maxBodyBytes()).isZero();
		assertThat(scout.sslContext()).isNotNull();
		assertThat(scout.statusRule().judge(204, null).healthy()).isTrue();
		assertThat(scout.statusRule().judge(404, null).healthy()).isFalse();
	}

	@Test
	void readWhenHeadersGivenShouldKeepTheirNamesAsWritten() {
		HttpScout scout = HttpScoutOptions.read(Map.of("headers.X-Api-Key", "k", "headers.host", "backend.example"));
		assertThat(scout.requestTemplate().headerNames()).containsExactlyInAnyOrder("X-Api-Key", "host");
		assertThat(scout.requestTemplate().virtualHost(dev.clavier.endpoint.Endpoint.of("127.0.0.1", 443)))
			.isEqualTo("backend.example");
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
			path              | health | path              | 'health' | starting with /
			method            | GE T   | method            | 'GE T'   | an HTTP method such as GET or HEAD
			max-body-bytes    | -1     | maxBodyBytes      | -1       | 0...1048576
			max-body-bytes    | 2097152| maxBodyBytes      | 2097152  | 0...1048576
			expected-statuses | 2xx    | expectedStatuses  | '2xx'    | status codes 100...599 and ranges, separated by commas, such as 200-299,304
			headers.Content-Length | 5 | headers       | 'Content-Length' | a header other than Connection, Content-Length or Transfer-Encoding, which the scout sets
			""")
	void readWhenValueRejectedShouldNameTheOptionAndCarryTheBuildersReason(String key, String value, String option,
			String shown, String expected) {
		assertThatIllegalArgumentException().isThrownBy(() -> HttpScoutOptions.read(Map.of(key, value)))
			.withMessage("http option '%s': %s: %s (expected: %s)", key.startsWith("headers.") ? "headers" : key,
					option, shown, expected)
			.havingCause()
			.isInstanceOfSatisfying(InvalidOptionException.class, (cause) -> {
				assertThat(cause.option()).isEqualTo(option);
				assertThat(cause.value()).isEqualTo(shown);
				assertThat(cause.expected()).isEqualTo(expected);
			});
	}

	@Test
	void readWhenInsecureTrustAllWithoutTlsShouldFailNamingIt() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> HttpScoutOptions.read(Map.of("insecure-trust-all", "true")))
			.withMessage("http option 'insecure-trust-all': insecureTrustAll: true (expected: only together with tls: true)")
			.havingCause()
			.isInstanceOf(InvalidOptionException.class);
	}

	@Test
	void readWhenHeaderValueHasLineBreakShouldFailWithoutQuotingIt() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> HttpScoutOptions.read(Map.of("headers.Authorization", "Bearer s3cret\nX-Evil: 1")))
			.withMessage("http option 'headers': headers: value of 'Authorization' "
					+ "(expected: one line without control characters)")
			.withMessageNotContaining("s3cret")
			.havingCause()
			.isInstanceOfSatisfying(InvalidOptionException.class,
					(cause) -> assertThat(cause.value()).doesNotContain("s3cret"));
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource({ "tls, yes, true or false", "reuse-connection, sometimes, true or false",
			"insecure-trust-all, 1, true or false", "max-body-bytes, lots, an integer" })
	void readWhenValueHasTheWrongTypeShouldFailNamingTheOption(String key, String value, String expected) {
		assertThatIllegalArgumentException().isThrownBy(() -> HttpScoutOptions.read(Map.of(key, value)))
			.withMessage("http option '%s': '%s' (expected: %s)", key, value, expected);
	}

	@Test
	void readWhenOptionUnknownShouldNameEveryOneSorted() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> HttpScoutOptions.read(Map.of("url", "/health", "expected-status", "200")))
			.withMessage("unknown http option(s) [expected-status, url]");
	}

	@Test
	void fromOptionsShouldReadTheOptions() {
		assertThat(HttpScout.fromOptions(Map.of("path", "/ready")))
			.hasToString(HttpScoutOptions.read(Map.of("path", "/ready")).toString());
	}

}
