package dev.clavier.scout;

import java.util.List;
import java.util.Locale;

import dev.clavier.endpoint.Endpoint;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HttpRequestTemplate}: the request each probe sends and the virtual host TLS
 * names. What a real server receives is in {@link HttpScoutTests}.
 */
class HttpRequestTemplateTests {

	private static final Endpoint ENDPOINT = Endpoint.of("127.0.0.2", 8080);

	@Test
	void requestWhenDefaultShouldCarryHostUserAgentAndAcceptOnly() {
		FullHttpRequest request = template("GET", "/health?verbose=1", List.of(), false, true).request(ENDPOINT);
		try {
			assertThat(request.method().name()).isEqualTo("GET");
			assertThat(request.uri()).isEqualTo("/health?verbose=1");
			assertThat(request.protocolVersion().text()).isEqualTo("HTTP/1.1");
			assertThat(request.content().readableBytes()).isZero();
			assertThat(names(request.headers())).containsExactlyInAnyOrder("host", "user-agent", "accept");
			assertThat(request.headers().get("Host")).isEqualTo("127.0.0.2:8080");
			assertThat(request.headers().get("User-Agent")).isEqualTo("clavier");
			assertThat(request.headers().get("Accept")).isEqualTo("*/*");
		}
		finally {
			request.release();
		}
	}

	@ParameterizedTest(name = "{0}:{1} tls={2}")
	@CsvSource({ "127.0.0.2, 80, false, 127.0.0.2", "127.0.0.2, 443, false, 127.0.0.2:443",
			"127.0.0.2, 443, true, 127.0.0.2", "127.0.0.2, 80, true, 127.0.0.2:80", "::1, 80, false, [::1]",
			"::1, 8080, false, [::1]:8080", "backend.svc, 8443, true, backend.svc:8443" })
	void requestShouldLeaveTheSchemesDefaultPortOutOfHost(String host, int port, boolean tls, String expected) {
		FullHttpRequest request = template("GET", "/", List.of(), tls, true).request(Endpoint.of(host, port));
		try {
			assertThat(request.headers().get("Host")).isEqualTo(expected);
		}
		finally {
			request.release();
		}
	}

	@Test
	void requestWhenConnectionsNotKeptShouldAskTheServerToClose() {
		FullHttpRequest request = template("GET", "/", List.of(), false, false).request(ENDPOINT);
		try {
			assertThat(request.headers().get("Connection")).isEqualTo("close");
		}
		finally {
			request.release();
		}
	}

	@ParameterizedTest
	@CsvSource({ "POST, 0", "PUT, 0", "PATCH, 0", "GET, ", "HEAD, ", "DELETE, " })
	void requestWhenMethodCarriesABodyShouldSayItIsEmpty(String method, String contentLength) {
		FullHttpRequest request = template(method, "/", List.of(), false, true).request(ENDPOINT);
		try {
			assertThat(request.headers().get("Content-Length")).isEqualTo(contentLength);
		}
		finally {
			request.release();
		}
	}

	@Test
	void requestWhenUserSetsHeadersShouldSendThemAndLetHostReplaceTheDefault() {
		HttpRequestTemplate template = template("GET", "/", List.of(header("Authorization", "Bearer s3cret"),
				header("host", "backend.example"), header("X-Trace", "on")), false, true);
		FullHttpRequest request = template.request(ENDPOINT);
		try {
			assertThat(request.headers().getAll("Host")).containsExactly("backend.example");
			assertThat(request.headers().get("Authorization")).isEqualTo("Bearer s3cret");
			assertThat(request.headers().get("X-Trace")).isEqualTo("on");
		}
		finally {
			request.release();
		}
	}

	@Test
	void requestShouldBeNewForEveryProbe() {
		HttpRequestTemplate template = template("GET", "/", List.of(), false, true);
		FullHttpRequest first = template.request(ENDPOINT);
		FullHttpRequest second = template.request(Endpoint.of("127.0.0.3", 9090));
		try {
			assertThat(second).isNotSameAs(first);
			assertThat(first.headers().get("Host")).isEqualTo("127.0.0.2:8080");
			assertThat(second.headers().get("Host")).isEqualTo("127.0.0.3:9090");
		}
		finally {
			first.release();
			second.release();
		}
	}

	@ParameterizedTest(name = "Host: {0}")
	@CsvSource({ "backend.example, backend.example", "backend.example:8443, backend.example",
			"' backend.example:8443 ', backend.example", "[2001:db8::1]:8443, 2001:db8::1", "[2001:db8::1], 2001:db8::1",
			"2001:db8::1, 2001:db8::1", "10.0.0.1:80, 10.0.0.1" })
	void virtualHostWhenHostHeaderSetShouldBeItsHost(String host, String expected) {
		HttpRequestTemplate template = template("GET", "/", List.of(header("Host", host)), true, true);
		assertThat(template.virtualHost(ENDPOINT)).isEqualTo(expected);
	}

	@Test
	void virtualHostWhenNoHostHeaderShouldBeTheEndpointsHost() {
		HttpRequestTemplate template = template("GET", "/", List.of(header("X-Trace", "on")), true, true);
		assertThat(template.virtualHost(Endpoint.of("backend.svc", 443))).isEqualTo("backend.svc");
		assertThat(template.virtualHost(Endpoint.parse("[::1]:443", 0))).isEqualTo("::1");
	}

	@Test
	void toStringShouldNameHeadersButNeverShowTheirValues() {
		HttpRequestTemplate template = template("HEAD", "/health",
				List.of(header("Authorization", "Bearer s3cret"), header("X-Trace", "on")), false, true);
		assertThat(template).hasToString("HEAD /health [Authorization, X-Trace]");
		assertThat(template.headerNames()).containsExactly("Authorization", "X-Trace");
		assertThat(header("Authorization", "Bearer s3cret")).hasToString("Authorization");
		assertThat(template("GET", "/", List.of(), false, true)).hasToString("GET /");
	}

	private static HttpRequestTemplate template(String method, String path, List<HttpRequestTemplate.Header> headers,
			boolean tls, boolean keepConnection) {
		return new HttpRequestTemplate(method, path, headers, tls, keepConnection);
	}

	private static HttpRequestTemplate.Header header(String name, String value) {
		return new HttpRequestTemplate.Header(name, value);
	}

	private static List<String> names(HttpHeaders headers) {
		return headers.names().stream().map((name) -> name.toLowerCase(Locale.ROOT)).toList();
	}

}
