package dev.clavier.scout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLException;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.model.ModelOptions;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code http} scout: sends one HTTP/1.1 request to each endpoint and judges the status
 * code. By default an endpoint is healthy iff the status is below 500 (the original's rule, so a
 * 404 or a 302 is healthy); {@link Builder#expectedStatuses(String)} sets the healthy codes
 * instead. Redirects are never followed: a 3xx is judged by the same rule, and the result
 * names its {@code Location}.
 * <pre>{@code
 * Scout scout = HttpScout.builder()
 *         .path("/health")
 *         .expectedStatuses("200-299")
 *         .header("Authorization", "Bearer " + token)
 *         .build();
 * }</pre>
 * <p>
 * Probes run on the engine's shared Netty event loop. A probe sends the request, reads the
 * response head and at most {@link Builder#maxBodyBytes(int) maxBodyBytes} of the body. By default
 * the connection is kept for the endpoint's next probe when the answer was healthy, its body was
 * read to the end and the server keeps the connection open (as Envoy's {@code reuse_connection}
 * does): at thousands of endpoints a new TCP (and TLS) handshake per probe costs more CPU than the
 * probe itself, and a kept connection is what the endpoint's real clients use too. Every other
 * outcome closes the connection, so a failing endpoint is probed on a new connection each time.
 * A kept connection that turns out closed before any answer (the server's idle timeout expired
 * just then) is retried once on a new connection within the same timeout.
 * {@link Builder#reuseConnection(boolean) reuseConnection(false)} sends {@code Connection: close}
 * and opens a new connection per probe instead, as the original did. At most one connection per
 * endpoint is kept; it is closed when the endpoint leaves discovery or the listener closes. An
 * endpoint given by host name is looked up before every probe, as without kept connections, and
 * its kept connection is used only while it leads to the address the name gives.
 * <p>
 * The status line decides: once it is in, a slow, cut or broken body no longer changes the
 * result. The whole probe completes within the listener's timeout; cancelling the returned future
 * closes the connection. Results read {@code HTTP 200}, {@code HTTP 503},
 * {@code timed out after 1s}, {@code connection refused} or {@code malformed response: ...}.
 * <p>
 * The JDK's {@code java.net.http.HttpClient} is deliberately not used: on Java 17 each client
 * starts its own selector thread that stops only when the client is garbage collected, which
 * breaks the engine's bounded thread count and clean shutdown, and it refuses a {@code Host}
 * header, which virtual-hosted health endpoints need.
 * <p>
 * Header values are treated as secrets (an {@code Authorization} header, say): they appear in no
 * log, {@code toString()} or result. Instances are immutable and thread-safe, and so are their
 * sessions.
 */
public final class HttpScout implements Scout {

	/** The default path: {@code /}, as the original had no default health path. */
	public static final String DEFAULT_PATH = "/";

	/** The default method: {@code GET}. */
	public static final String DEFAULT_METHOD = "GET";

	/** The default bound on the body bytes read: 4096. */
	public static final int DEFAULT_MAX_BODY_BYTES = 4096;

	/** The largest {@code maxBodyBytes}: 1 MiB. */
	public static final int MAX_BODY_BYTES_LIMIT = 1024 * 1024;

	private static final Logger logger = LoggerFactory.getLogger(HttpScout.class);

	private static final String MODEL = "http";

	private static final Set<String> RESERVED_HEADERS = Set.of("connection", "content-length", "transfer-encoding");

	private static final Set<String> METHODS_WITH_BODY = Set.of("POST", "PUT", "PATCH");

	private final HttpMethod method;

	private final String path;

	private final List<Header> headers;

	private final @Nullable String hostHeader;

	private final @Nullable StatusRanges expectedStatuses;

	private final boolean tls;

	private final boolean insecureTrustAll;

	private final @Nullable SslContext sslContext;

	private final int maxBodyBytes;

	private final boolean reuseConnection;

	private HttpScout(Builder builder, @Nullable SslContext sslContext) {
		this.method = HttpMethod.valueOf(builder.method);
		this.path = builder.path;
		this.headers = List.copyOf(builder.headers.values());
		Header host = builder.headers.get("host");
		this.hostHeader = (host != null) ? host.value() : null;
		this.expectedStatuses = builder.expectedStatuses;
		this.tls = builder.tls;
		this.insecureTrustAll = builder.insecureTrustAll;
		this.sslContext = sslContext;
		this.maxBodyBytes = builder.maxBodyBytes;
		this.reuseConnection = builder.reuseConnection;
	}

	/**
	 * Returns a builder; without settings it builds a {@code GET /} check, healthy iff the
	 * status is below 500.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Creates an {@code http} scout from configuration options: {@code path}, {@code method},
	 * {@code expected-statuses}, {@code tls}, {@code insecure-trust-all}, {@code max-body-bytes},
	 * {@code reuse-connection} and {@code headers.<Name>}.
	 * @param options the options
	 * @return the scout
	 * @throws IllegalArgumentException if an option is wrong or unknown
	 */
	static HttpScout fromOptions(Map<String, String> options) {
		ModelOptions reader = ModelOptions.of(MODEL, options);
		Builder builder = builder();
		String path = reader.string("path");
		if (path != null) {
			ModelOptions.apply(MODEL, "path", () -> builder.path(path));
		}
		String method = reader.string("method");
		if (method != null) {
			ModelOptions.apply(MODEL, "method", () -> builder.method(method));
		}
		String expectedStatuses = reader.string("expected-statuses");
		if (expectedStatuses != null) {
			ModelOptions.apply(MODEL, "expected-statuses", () -> builder.expectedStatuses(expectedStatuses));
		}
		Boolean tls = reader.bool("tls");
		if (tls != null) {
			builder.tls(tls);
		}
		Boolean insecureTrustAll = reader.bool("insecure-trust-all");
		if (insecureTrustAll != null) {
			builder.insecureTrustAll(insecureTrustAll);
		}
		Integer maxBodyBytes = reader.integer("max-body-bytes");
		if (maxBodyBytes != null) {
			ModelOptions.apply(MODEL, "max-body-bytes", () -> builder.maxBodyBytes(maxBodyBytes));
		}
		Boolean reuseConnection = reader.bool("reuse-connection");
		if (reuseConnection != null) {
			builder.reuseConnection(reuseConnection);
		}
		Map<String, String> headers = reader.prefixed("headers.");
		ModelOptions.apply(MODEL, "headers", () -> builder.headers(headers));
		reader.done();
		HttpScout[] built = new HttpScout[1];
		ModelOptions.apply(MODEL, "insecure-trust-all", () -> built[0] = builder.build());
		return built[0];
	}

	/**
	 * Returns {@code http}.
	 * @return the model name
	 */
	@Override
	public String model() {
		return MODEL;
	}

	/**
	 * Opens a session on the engine's event loop.
	 * @param context the listener's context, made by a Clavier engine
	 * @return the session
	 * @throws IllegalArgumentException if the context was not made by a Clavier engine
	 */
	@Override
	public ScoutSession open(ScoutContext context) {
		return new Session(this, context);
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder(MODEL).append('[');
		text.append(this.method.name()).append(' ').append(this.path);
		text.append(", expected-statuses=").append((this.expectedStatuses != null) ? this.expectedStatuses : "<500");
		if (this.tls) {
			text.append(this.insecureTrustAll ? ", tls (trusting all certificates)" : ", tls");
		}
		text.append(", max-body-bytes=").append(this.maxBodyBytes);
		if (!this.reuseConnection) {
			text.append(", new connection per probe");
		}
		if (!this.headers.isEmpty()) {
			// Names only: values may be secrets.
			List<String> names = new ArrayList<>(this.headers.size());
			for (Header header : this.headers) {
				names.add(header.name());
			}
			text.append(", headers=").append(names);
		}
		return text.append(']').toString();
	}

	private FullHttpRequest request(Endpoint endpoint) {
		FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, this.method, this.path,
				Unpooled.EMPTY_BUFFER);
		HttpHeaders headers = request.headers();
		headers.set(HttpHeaderNames.HOST, defaultHost(endpoint));
		headers.set(HttpHeaderNames.USER_AGENT, "clavier");
		headers.set(HttpHeaderNames.ACCEPT, "*/*");
		if (!this.reuseConnection) {
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

	private String defaultHost(Endpoint endpoint) {
		int defaultPort = this.tls ? 443 : 80;
		return (endpoint.port() == defaultPort) ? endpoint.uriHost() : endpoint.address();
	}

	/**
	 * Returns the host that TLS names (SNI) and verifies: the host of a user-given {@code Host}
	 * header, which names the virtual host, or else the endpoint's host.
	 */
	private String tlsPeerHost(Endpoint endpoint) {
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

	private ProbeResult judge(HttpResponse response) {
		int code = response.status().code();
		if (code < 100 || code > 599) {
			// Netty takes any number as the status code: without this, "HTTP/1.1 000 OK" from a
			// broken peer would pass the default rule (< 500). RFC 9110 15: three digits, 1xx to 5xx.
			return ProbeResult.failed("malformed response: status code " + code + " (expected: 100...599)");
		}
		boolean healthy = (this.expectedStatuses != null) ? this.expectedStatuses.contains(code) : code < 500;
		StringBuilder detail = new StringBuilder("HTTP ").append(code);
		String location = (code >= 300 && code < 400) ? response.headers().get(HttpHeaderNames.LOCATION) : null;
		boolean expectedNoted = !healthy && this.expectedStatuses != null;
		if (expectedNoted) {
			detail.append(" (expected: ").append(this.expectedStatuses);
		}
		if (location != null) {
			detail.append(expectedNoted ? "; " : " (").append("redirect to '").append(Printable.escape(location))
				.append("' not followed");
		}
		if (expectedNoted || location != null) {
			detail.append(')');
		}
		return new ProbeResult(healthy, detail.toString());
	}

	/**
	 * Builds an {@link HttpScout}. Each setter checks its argument at once; {@link #build()}
	 * checks the rules between them. Not thread-safe.
	 */
	public static final class Builder {

		private String method = DEFAULT_METHOD;

		private String path = DEFAULT_PATH;

		// keyed by lower-case name; guarded by nothing, the builder is not thread-safe
		private final Map<String, Header> headers = new LinkedHashMap<>();

		private @Nullable StatusRanges expectedStatuses;

		private boolean tls;

		private boolean insecureTrustAll;

		private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;

		private boolean reuseConnection = true;

		Builder() {
		}

		/**
		 * Sets the request path, with a query if wanted. Default: {@code /}.
		 * @param path the path, starting with {@code /}, for example {@code /health}
		 * @return this builder
		 */
		public Builder path(String path) {
			Objects.requireNonNull(path, "path");
			if (!path.startsWith("/")) {
				throw new IllegalArgumentException("path: '" + path + "' (expected: starting with /)");
			}
			for (int i = 0; i < path.length(); i++) {
				char c = path.charAt(i);
				if (c <= ' ' || c >= 0x7f) {
					throw new IllegalArgumentException(
							"path: '" + path + "' (expected: no spaces, control or non-ASCII characters; "
									+ "percent-encode them)");
				}
			}
			this.path = path;
			return this;
		}

		/**
		 * Sets the request method, upper-cased. Default: {@code GET}.
		 * @param method the method, for example {@code HEAD}
		 * @return this builder
		 */
		public Builder method(String method) {
			Objects.requireNonNull(method, "method");
			String upper = method.trim().toUpperCase(Locale.ROOT);
			if (upper.isEmpty() || !isToken(upper)) {
				throw new IllegalArgumentException(
						"method: '" + method + "' (expected: an HTTP method such as GET or HEAD)");
			}
			this.method = upper;
			return this;
		}

		/**
		 * Adds a request header, replacing one of the same name (names are case-insensitive).
		 * A {@code Host} header replaces the default {@code host:port} of the endpoint, and also
		 * names the server for TLS. {@code Connection}, {@code Content-Length} and
		 * {@code Transfer-Encoding} are set by the scout and refused. The value is never logged
		 * nor shown. Default: no extra headers.
		 * @param name the header name
		 * @param value the value, on one line without control characters
		 * @return this builder
		 */
		public Builder header(String name, String value) {
			Objects.requireNonNull(name, "name");
			Objects.requireNonNull(value, "value");
			String trimmed = name.trim();
			if (trimmed.isEmpty() || !isToken(trimmed)) {
				throw new IllegalArgumentException(
						"headers: '" + name + "' (expected: a header name such as Authorization)");
			}
			String key = trimmed.toLowerCase(Locale.ROOT);
			if (RESERVED_HEADERS.contains(key)) {
				throw new IllegalArgumentException("headers: '" + name
						+ "' (expected: a header other than Connection, Content-Length or Transfer-Encoding, "
						+ "which the scout sets)");
			}
			for (int i = 0; i < value.length(); i++) {
				char c = value.charAt(i);
				if ((c < 0x20 && c != '\t') || c == 0x7f) {
					// The value itself is not quoted: it may be a secret.
					throw new IllegalArgumentException(
							"headers: value of '" + trimmed + "' (expected: one line without control characters)");
				}
			}
			this.headers.put(key, new Header(trimmed, value.trim()));
			return this;
		}

		/**
		 * Adds request headers as {@link #header(String, String)} does for each. Default: no extra headers.
		 * @param headers the headers, by name
		 * @return this builder
		 */
		public Builder headers(Map<String, String> headers) {
			Objects.requireNonNull(headers, "headers");
			headers.forEach(this::header);
			return this;
		}

		/**
		 * Sets the healthy status codes, as codes and ranges separated by commas. Default: every
		 * status below 500 is healthy (the original's rule).
		 * @param expectedStatuses the codes, for example {@code 200-299,304}
		 * @return this builder
		 */
		public Builder expectedStatuses(String expectedStatuses) {
			this.expectedStatuses = StatusRanges.parse(expectedStatuses);
			return this;
		}

		/**
		 * Sets whether to speak HTTPS, verifying the server's certificate against the JDK's
		 * default trust store and the host name ({@link #header(String, String) Host} header's
		 * host, or else the endpoint's host). Default: {@code false}.
		 * @param tls whether to use TLS
		 * @return this builder
		 */
		public Builder tls(boolean tls) {
			this.tls = tls;
			return this;
		}

		/**
		 * Sets whether TLS trusts every certificate and skips host name verification. Meant for
		 * self-signed certificates in tests and development only: it lets anyone in the network
		 * path pose as the endpoint. Requires {@link #tls(boolean) tls}. Default: {@code false}.
		 * @param insecureTrustAll whether to trust every certificate
		 * @return this builder
		 */
		public Builder insecureTrustAll(boolean insecureTrustAll) {
			this.insecureTrustAll = insecureTrustAll;
			return this;
		}

		/**
		 * Sets whether a connection that answered healthily, with its body read to the end, is
		 * kept for the endpoint's next probe (HTTP/1.1 keep-alive). {@code false} sends
		 * {@code Connection: close} and opens a new connection per probe. Default: {@code true}.
		 * @param reuseConnection whether to keep connections between probes
		 * @return this builder
		 */
		public Builder reuseConnection(boolean reuseConnection) {
			this.reuseConnection = reuseConnection;
			return this;
		}

		/**
		 * Sets how many body bytes a probe reads at most before it closes the connection; 0 ends
		 * the probe at the response head (and so never keeps the connection). A body longer than
		 * the bound is not read to its end, so its connection is not kept either. Default: 4096.
		 * @param maxBodyBytes the bound, 0 to 1048576
		 * @return this builder
		 */
		public Builder maxBodyBytes(int maxBodyBytes) {
			if (maxBodyBytes < 0 || maxBodyBytes > MAX_BODY_BYTES_LIMIT) {
				throw new IllegalArgumentException(
						"maxBodyBytes: " + maxBodyBytes + " (expected: 0..." + MAX_BODY_BYTES_LIMIT + ")");
			}
			this.maxBodyBytes = maxBodyBytes;
			return this;
		}

		/**
		 * Returns the scout.
		 * @return the scout
		 * @throws IllegalArgumentException if {@code insecureTrustAll} is set without {@code tls}
		 * @throws IllegalStateException if the TLS context cannot be created
		 */
		public HttpScout build() {
			if (this.insecureTrustAll && !this.tls) {
				throw new IllegalArgumentException("insecureTrustAll: true (expected: only together with tls: true)");
			}
			return new HttpScout(this, this.tls ? sslContext(this.insecureTrustAll) : null);
		}

		private static SslContext sslContext(boolean insecureTrustAll) {
			SslContextBuilder builder = SslContextBuilder.forClient();
			if (insecureTrustAll) {
				builder.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
			}
			else {
				builder.endpointIdentificationAlgorithm("HTTPS");
			}
			try {
				return builder.build();
			}
			catch (SSLException ex) {
				throw new IllegalStateException("Cannot create the TLS context of the http scout: " + ex.getMessage(),
						ex);
			}
		}

		private static boolean isToken(String text) {
			for (int i = 0; i < text.length(); i++) {
				char c = text.charAt(i);
				boolean token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
						|| "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
				if (!token) {
					return false;
				}
			}
			return true;
		}

	}

	/**
	 * One request header; {@code toString()} shows the name only.
	 */
	private record Header(String name, String value) {

		@Override
		public String toString() {
			return this.name;
		}

	}

	private static final class Session extends ChannelSession {

		private final HttpScout scout;

		Session(HttpScout scout, ScoutContext context) {
			super(scout, context);
			this.scout = scout;
		}

		@Override
		ChannelProbe newProbe(EventLoop loop, Endpoint endpoint) {
			return new Probe(this.scout, context(), loop, endpoint);
		}

		@Override
		boolean reusesConnections() {
			return this.scout.reuseConnection;
		}

	}

	/**
	 * One HTTP probe; confined to its event loop.
	 */
	private static final class Probe extends ChannelProbe {

		private final HttpScout scout;

		// confined to the event loop: set by the response head, then stands
		private @Nullable ProbeResult verdict;

		// confined to the event loop
		private long bodyBytes;

		// confined to the event loop: whether any part of a response came in
		private boolean answered;

		// confined to the event loop: whether the response ended and the server keeps the connection
		private boolean endedKeepingAlive;

		// confined to the event loop: whether the response head allows keeping the connection
		private boolean keepAlive;

		Probe(HttpScout scout, ScoutContext context, EventLoop loop, Endpoint endpoint) {
			super(logger, MODEL, context, loop, endpoint);
			this.scout = scout;
		}

		@Override
		void configure(Channel channel, ChannelPipeline pipeline) {
			SslContext sslContext = this.scout.sslContext;
			if (sslContext != null) {
				String peerHost = this.scout.tlsPeerHost(endpoint());
				pipeline.addLast(sslContext.newHandler(channel.alloc(), peerHost, endpoint().port()));
			}
			pipeline.addLast(new HttpClientCodec());
		}

		@Override
		void connected(Channel channel) {
			write(channel, this.scout.request(endpoint()), null);
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object message) {
			try {
				if (!isDone()) {
					read(message);
				}
			}
			finally {
				ReferenceCountUtil.release(message);
			}
		}

		private void read(Object message) {
			this.answered = true;
			if (message instanceof HttpResponse response) {
				DecoderResult decoded = response.decoderResult();
				if (decoded.isFailure()) {
					complete(malformed(decoded));
					return;
				}
				HttpResponseStatus status = response.status();
				if (status.codeClass() == HttpStatusClass.INFORMATIONAL
						&& status.code() != 101) {
					// An interim answer (100 Continue, 103 Early Hints): the real one follows.
					return;
				}
				this.verdict = this.scout.judge(response);
				this.keepAlive = HttpUtil.isKeepAlive(response);
				if (this.scout.maxBodyBytes == 0) {
					complete(this.verdict);
					return;
				}
			}
			if (message instanceof HttpContent content) {
				ProbeResult judged = this.verdict;
				if (judged == null) {
					// The body of an interim answer, which has none.
					return;
				}
				if (content.decoderResult().isFailure()) {
					complete(judged);
					return;
				}
				this.bodyBytes += content.content().readableBytes();
				if (content instanceof LastHttpContent) {
					this.endedKeepingAlive = this.keepAlive && this.bodyBytes <= this.scout.maxBodyBytes;
					complete(judged);
				}
				else if (this.bodyBytes >= this.scout.maxBodyBytes) {
					complete(judged);
				}
			}
		}

		private static ProbeResult malformed(DecoderResult decoded) {
			Throwable cause = decoded.cause();
			String message = (cause != null && cause.getMessage() != null) ? cause.getMessage()
					: "undecodable response head";
			return ProbeResult.failed("malformed response: " + Printable.escape(message));
		}

		@Override
		@Nullable ProbeResult verdict() {
			return this.verdict;
		}

		@Override
		boolean answered() {
			return this.answered;
		}

		@Override
		boolean reusable() {
			// A failing endpoint is probed on a new connection each time.
			ProbeResult judged = this.verdict;
			return this.endedKeepingAlive && judged != null && judged.healthy();
		}

		@Override
		ProbeResult closedResult() {
			return ProbeResult.failed("connection closed before the response");
		}

	}

}
