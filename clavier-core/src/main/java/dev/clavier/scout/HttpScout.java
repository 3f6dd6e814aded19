package dev.clavier.scout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLException;

import dev.clavier.model.Failures;
import dev.clavier.model.InvalidOptionException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.jspecify.annotations.Nullable;

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
 * just then) is retried once on a new connection, within the same probe.
 * {@link Builder#reuseConnection(boolean) reuseConnection(false)} sends {@code Connection: close}
 * and opens a new connection per probe instead, as the original did. At most one connection per
 * endpoint is kept; it is closed when the endpoint leaves discovery or the listener closes. An
 * endpoint given by host name is looked up before every probe, as without kept connections, and
 * its kept connection is used only while it leads to the address the name gives.
 * <p>
 * The status line decides: once it is in, a cut or broken body no longer changes the result.
 * The scout sets no deadline of its own beyond the connect timeout: the engine fails a probe that
 * outlives the listener's timeout ({@code timed out after 1s}), a body still coming in included,
 * and cancels it, which closes the connection. Results read {@code HTTP 200}, {@code HTTP 503},
 * {@code connection refused} or {@code malformed response: ...}.
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

	/** The model name. */
	static final String MODEL = "http";

	private static final Set<String> RESERVED_HEADERS = Set.of("connection", "content-length", "transfer-encoding");

	private final HttpRequestTemplate requestTemplate;

	private final HttpStatusRule statusRule;

	private final boolean tls;

	private final boolean insecureTrustAll;

	private final @Nullable SslContext sslContext;

	private final int maxBodyBytes;

	private final boolean reuseConnection;

	private HttpScout(Builder builder, @Nullable SslContext sslContext) {
		this.requestTemplate = new HttpRequestTemplate(builder.method, builder.path,
				new ArrayList<>(builder.headers.values()), builder.tls, builder.reuseConnection);
		this.statusRule = HttpStatusRule.of(builder.expectedStatuses);
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
	 * @see HttpScoutOptions
	 */
	static HttpScout fromOptions(Map<String, String> options) {
		return HttpScoutOptions.read(options);
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
	 * Opens a session on the context's event loop, which keeps connections unless
	 * {@link Builder#reuseConnection(boolean) reuseConnection} is off.
	 * @param context the listener's context
	 * @return the session
	 */
	@Override
	public ScoutSession open(ScoutContext context) {
		return new ChannelSession(this, context, this.reuseConnection,
				(connector, loop, endpoint) -> new HttpProbe(this, connector, loop, endpoint));
	}

	/**
	 * Returns the request every probe sends.
	 * @return the request template
	 */
	HttpRequestTemplate requestTemplate() {
		return this.requestTemplate;
	}

	/**
	 * Returns how a status becomes a verdict.
	 * @return the status rule
	 */
	HttpStatusRule statusRule() {
		return this.statusRule;
	}

	/**
	 * Returns the TLS context, or {@code null} for plain HTTP.
	 * @return the TLS context or {@code null}
	 */
	@Nullable SslContext sslContext() {
		return this.sslContext;
	}

	/**
	 * Returns how many body bytes a probe reads at most.
	 * @return the bound
	 */
	int maxBodyBytes() {
		return this.maxBodyBytes;
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder(MODEL).append('[');
		text.append(this.requestTemplate.method()).append(' ').append(this.requestTemplate.path());
		text.append(", expected-statuses=").append(this.statusRule);
		if (this.tls) {
			text.append(this.insecureTrustAll ? ", tls (trusting all certificates)" : ", tls");
		}
		text.append(", max-body-bytes=").append(this.maxBodyBytes);
		if (!this.reuseConnection) {
			text.append(", new connection per probe");
		}
		if (!this.requestTemplate.headerNames().isEmpty()) {
			// Names only: values may be secrets.
			text.append(", headers=").append(this.requestTemplate.headerNames());
		}
		return text.append(']').toString();
	}

	/**
	 * Builds an {@link HttpScout}. Each setter checks its argument at once; {@link #build()}
	 * checks the rules between them. A rejected value throws an {@link InvalidOptionException}
	 * naming the setter, the value and what is expected, for example
	 * {@code path: 'health' (expected: starting with /)}. Not thread-safe.
	 */
	public static final class Builder {

		private String method = DEFAULT_METHOD;

		private String path = DEFAULT_PATH;

		// keyed by lower-case name; guarded by nothing, the builder is not thread-safe
		private final Map<String, HttpRequestTemplate.Header> headers = new LinkedHashMap<>();

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
		 * @throws InvalidOptionException if the path does not start with {@code /} or has spaces,
		 * control or non-ASCII characters
		 */
		public Builder path(String path) {
			Objects.requireNonNull(path, "path");
			if (!path.startsWith("/")) {
				throw new InvalidOptionException("path", quoted(path), "starting with /");
			}
			for (int i = 0; i < path.length(); i++) {
				char c = path.charAt(i);
				if (c <= ' ' || c >= 0x7f) {
					throw new InvalidOptionException("path", quoted(path),
							"no spaces, control or non-ASCII characters; percent-encode them");
				}
			}
			this.path = path;
			return this;
		}

		/**
		 * Sets the request method, upper-cased. Default: {@code GET}.
		 * @param method the method, for example {@code HEAD}
		 * @return this builder
		 * @throws InvalidOptionException if it is not an HTTP token
		 */
		public Builder method(String method) {
			Objects.requireNonNull(method, "method");
			String upper = method.trim().toUpperCase(Locale.ROOT);
			if (upper.isEmpty() || !isToken(upper)) {
				throw new InvalidOptionException("method", quoted(method), "an HTTP method such as GET or HEAD");
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
		 * @throws InvalidOptionException if the name is not a header name or is reserved, or the
		 * value is not on one line; the value is never quoted
		 */
		public Builder header(String name, String value) {
			Objects.requireNonNull(name, "name");
			Objects.requireNonNull(value, "value");
			String trimmed = name.trim();
			if (trimmed.isEmpty() || !isToken(trimmed)) {
				throw new InvalidOptionException("headers", quoted(name), "a header name such as Authorization");
			}
			String key = trimmed.toLowerCase(Locale.ROOT);
			if (RESERVED_HEADERS.contains(key)) {
				throw new InvalidOptionException("headers", quoted(name),
						"a header other than Connection, Content-Length or Transfer-Encoding, which the scout sets");
			}
			for (int i = 0; i < value.length(); i++) {
				char c = value.charAt(i);
				if ((c < 0x20 && c != '\t') || c == 0x7f) {
					// The value itself is not shown, not even in the exception: it may be a secret.
					throw new InvalidOptionException("headers", "value of " + quoted(trimmed),
							"one line without control characters");
				}
			}
			this.headers.put(key, new HttpRequestTemplate.Header(trimmed, value.trim()));
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
		 * @throws InvalidOptionException if it is not such a list
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
		 * @throws InvalidOptionException if it is out of bounds
		 */
		public Builder maxBodyBytes(int maxBodyBytes) {
			if (maxBodyBytes < 0 || maxBodyBytes > MAX_BODY_BYTES_LIMIT) {
				throw new InvalidOptionException("maxBodyBytes", maxBodyBytes, "0..." + MAX_BODY_BYTES_LIMIT);
			}
			this.maxBodyBytes = maxBodyBytes;
			return this;
		}

		/**
		 * Returns the scout.
		 * @return the scout
		 * @throws InvalidOptionException if {@code insecureTrustAll} is set without {@code tls}
		 * @throws IllegalStateException if the TLS context cannot be created
		 */
		public HttpScout build() {
			if (this.insecureTrustAll && !this.tls) {
				throw new InvalidOptionException("insecureTrustAll", true, "only together with tls: true");
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
				throw new IllegalStateException(
						"Cannot create the TLS context of the http scout: " + Failures.describe(ex), ex);
			}
		}

		private static String quoted(String text) {
			return "'" + text + "'";
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

}
