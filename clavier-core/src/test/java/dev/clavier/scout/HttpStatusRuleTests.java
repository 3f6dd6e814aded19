package dev.clavier.scout;

import java.time.Duration;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.test.TestHttpBackend;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HttpStatusRule}: the verdict on a status alone, then on what real HTTP servers
 * on loopback answer, probed with a context of the test's own making.
 */
class HttpStatusRuleTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final Duration WAIT = Duration.ofSeconds(10);

	@RegisterExtension
	final Closeables closeables = new Closeables();

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "100, true", "200, true", "302, true", "404, true", "499, true", "500, false", "503, false",
			"599, false" })
	void judgeWhenDefaultRuleShouldPassBelow500(int code, boolean healthy) {
		assertThat(HttpStatusRule.BELOW_500.judge(code, null)).isEqualTo(new ProbeResult(healthy, "HTTP " + code));
	}

	@Test
	void judgeWhenExpectedStatusesSetShouldPassOnlyThemAndSayWhatWasExpected() {
		HttpStatusRule rule = HttpStatusRule.of(StatusRanges.parse("200-299, 304"));
		assertThat(rule.judge(204, null)).isEqualTo(ProbeResult.passed("HTTP 204"));
		assertThat(rule.judge(304, null)).isEqualTo(ProbeResult.passed("HTTP 304"));
		assertThat(rule.judge(404, null)).isEqualTo(ProbeResult.failed("HTTP 404 (expected: 200-299,304)"));
		assertThat(rule.judge(503, null)).isEqualTo(ProbeResult.failed("HTTP 503 (expected: 200-299,304)"));
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "0", "99", "600", "20000", "-1" })
	void judgeWhenStatusOutside100To599ShouldFailAsMalformedWhateverTheRule(int code) {
		ProbeResult malformed = ProbeResult.failed("malformed response: status code " + code + " (expected: 100...599)");
		assertThat(HttpStatusRule.BELOW_500.judge(code, null)).isEqualTo(malformed);
		assertThat(HttpStatusRule.of(StatusRanges.parse("100-599")).judge(code, null)).isEqualTo(malformed);
	}

	@Test
	void judgeWhenRedirectedShouldNameTheLocationEscaped() {
		assertThat(HttpStatusRule.BELOW_500.judge(302, "/login"))
			.isEqualTo(ProbeResult.passed("HTTP 302 (redirect to '/login' not followed)"));
		assertThat(HttpStatusRule.of(StatusRanges.parse("200")).judge(301, "/a\r\nb"))
			.isEqualTo(ProbeResult.failed("HTTP 301 (expected: 200; redirect to '/a\\r\\nb' not followed)"));
	}

	@Test
	void judgeWhenResponseIsNotARedirectShouldIgnoreItsLocation() {
		HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CREATED);
		response.headers().set(HttpHeaderNames.LOCATION, "/created/1");
		assertThat(HttpStatusRule.BELOW_500.judge(response)).isEqualTo(ProbeResult.passed("HTTP 201"));
		response.setStatus(HttpResponseStatus.SEE_OTHER);
		assertThat(HttpStatusRule.BELOW_500.judge(response))
			.isEqualTo(ProbeResult.passed("HTTP 303 (redirect to '/created/1' not followed)"));
	}

	@Test
	void toStringShouldShowTheHealthyStatuses() {
		assertThat(HttpStatusRule.BELOW_500).hasToString("<500");
		assertThat(HttpStatusRule.of(null)).isSameAs(HttpStatusRule.BELOW_500);
		assertThat(HttpStatusRule.of(StatusRanges.parse("200-299,304"))).hasToString("200-299,304");
	}

	@ParameterizedTest(name = "{0} with expected-statuses={1}")
	@CsvSource(delimiter = '|', textBlock = """
			200 | <500    | HTTP 200                         | true
			404 | <500    | HTTP 404                         | true
			503 | <500    | HTTP 503                         | false
			404 | 200-299 | HTTP 404 (expected: 200-299)     | false
			503 | 503     | HTTP 503                         | true
			""")
	void probeWhenServerAnswersShouldApplyTheRule(int status, String expected, String detail, boolean healthy)
			throws Exception {
		TestHttpBackend backend = TestHttpBackend.start("127.0.0.1", 0).healthStatus(status);
		this.closeables.add(backend);
		HttpScout.Builder builder = HttpScout.builder().path(TestHttpBackend.DEFAULT_HEALTH_PATH);
		if (!expected.equals("<500")) {
			builder.expectedStatuses(expected);
		}
		assertThat(probe(builder.build(), backend)).isEqualTo(new ProbeResult(healthy, detail));
	}

	@Test
	void probeWhenServerRedirectsShouldJudgeTheRedirectItself() throws Exception {
		TestHttpBackend backend = TestHttpBackend.start("127.0.0.1", 0).healthRedirect("/elsewhere");
		this.closeables.add(backend);
		HttpScout scout = HttpScout.builder().path(TestHttpBackend.DEFAULT_HEALTH_PATH).expectedStatuses("302").build();
		assertThat(probe(scout, backend)).isEqualTo(ProbeResult.passed("HTTP 302 (redirect to '/elsewhere' not followed)"));
		assertThat(backend.requests()).isZero();
	}

	private ProbeResult probe(HttpScout scout, TestHttpBackend backend) throws Exception {
		OwnScoutContext context = new OwnScoutContext(TIMEOUT);
		this.closeables.add(context);
		ScoutSession session = scout.open(context);
		this.closeables.add(session);
		Endpoint endpoint = Endpoint.of(backend.host(), backend.port());
		return TcpScoutTests.result(EngineDeadline.apply(session.probe(endpoint), TIMEOUT), WAIT);
	}

}
