package dev.clavier.scout;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import dev.clavier.endpoint.Endpoint;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.jspecify.annotations.Nullable;

/**
 * The request the {@code http} scout sends to every endpoint: one method and path, the headers
 * set by the user, {@code Host} (the user's, or else the endpoint's {@code host:port}, without
 * the port when it is the scheme's default), {@code User-Agent: clavier}, an {@code Accept} of any
 * media type, {@code Content-Length: 0} for methods that carry a body, and {@code Connection: close} when
 * connections are not kept. It also names the virtual host that TLS asks for (SNI) and
 * verifies. Header values may be secrets: {@code toString()} shows their names only. Immutable
 * and thread-safe.
 */
final class HttpRequestTemplate {

	private static final Set<String> METHODS_WITH_BODY = Set.of("POST", "PUT", "PATCH");

	private final HttpMethod method;

	private final String path;

	private final List<Header> headers;

	private final @Nullable String hostHeader;

	private final int defaultPort;

	private final boolean closeConnection;

	/**
	 * Creates a template; its parts are checked by {@link HttpScout.Builder}.
	 * @param method the method, upper case, for example {@code GET}
	 * @param path the path, starting with {@code /}
	 * @param headers the user's headers, at most one per name (case-insensitive)
	 * @param tls whether the request goes over TLS (so the default port is 443, not 80)
	 * @param keepConnection whether the connection is kept for the next probe
	 */
	HttpRequestTemplate(String method, String path, List<Header> headers, boolean tls, boolean keepConnection) {
		this.method = HttpMethod.valueOf(Objects.requireNonNull(method, "method"));
		this.path = Objects.requireNonNull(path, "path");
		this.headers = List.copyOf(headers);
		String host = null;
		for (Header header : this.headers) {
			if (header.name().toLowerCase(Locale.ROOT).equals("host")) {
				host = header.value();
			}
		}
		this.hostHeader = host;
		this.defaultPort = tls ? 443 : 80;
		this.closeConnection = !keepConnection;
	}

	/**
	 * Returns a new request for an endpoint, without a body.
	 * @param endpoint the endpoint
	 * @return the request
	 */
	FullHttpRequest request(Endpoint endpoint) {
		FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, this.method, this.path,
				Unpooled.EMPTY_BUFFER);
		HttpHeaders headers = request.headers();
		headers.set(HttpHeaderNames.HOST, defaultHost(endpoint));
		headers.set(HttpHeaderNames.USER_AGENT, "clavier");
		headers.set(HttpHeaderNames.ACCEPT, "*/*");
		if (this.closeConnection) {
			headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
		}
		if (METHODS_WITH_BODY.contains(this.method.name())) {
			headers.set(HttpHeaderNames.CONTENT_LENGTH, 0);
		}
		for (Header header : this.headers) {
			// A user-given Host replaces the default.
			headers.set(header.name(), header.value());
		}
		return request;
	}

	/**
	 * Returns the host that the request addresses and TLS names (SNI) and verifies: the host of
	 * a user-given {@code Host} header, which names the virtual host, or else the endpoint's host.
	 * @param endpoint the endpoint
	 * @return the host, IPv6 without brackets
	 */
	String virtualHost(Endpoint endpoint) {
		String host = this.hostHeader;
		if (host == null || host.isBlank()) {
			return endpoint.host();
		}
		host = host.trim();
		if (host.startsWith("[")) {
			int close = host.indexOf(']');
			return (close > 0) ? host.substring(1, close) : host;
		}
		int colon = host.indexOf(':');
		return (colon >= 0 && host.indexOf(':', colon + 1) < 0) ? host.substring(0, colon) : host;
	}

	/**
	 * Returns the method, for example {@code GET}.
	 * @return the method
	 */
	String method() {
		return this.method.name();
	}

	/**
	 * Returns the path, with its query if any.
	 * @return the path
	 */
	String path() {
		return this.path;
	}

	/**
	 * Returns the names of the user's headers, in the order set; never their values.
	 * @return the names
	 */
	List<String> headerNames() {
		List<String> names = new ArrayList<>(this.headers.size());
		for (Header header : this.headers) {
			names.add(header.name());
		}
		return names;
	}

	private String defaultHost(Endpoint endpoint) {
		return (endpoint.port() == this.defaultPort) ? endpoint.uriHost() : endpoint.address();
	}

	/**
	 * Returns the method, the path and the names of the user's headers.
	 * @return the text
	 */
	@Override
	public String toString() {
		return this.method.name() + " " + this.path + (this.headers.isEmpty() ? "" : " " + headerNames());
	}

	/**
	 * One request header; {@code toString()} shows the name only, as the value may be a secret.
	 *
	 * @param name the name, as given
	 * @param value the value
	 */
	record Header(String name, String value) {

		@Override
		public String toString() {
			return this.name;
		}

	}

}
