package dev.clavier.scout.grpc;

import java.util.Locale;
import java.util.Objects;

import dev.clavier.model.InvalidOptionException;
import dev.clavier.scout.Scout;
import dev.clavier.scout.ScoutContext;
import dev.clavier.scout.ScoutSession;
import org.jspecify.annotations.Nullable;

/**
 * The {@code grpc} scout: watches {@code grpc.health.v1.Health/Watch} or calls
 * {@code grpc.health.v1.Health/Check} with a service name, and passes an endpoint iff the
 * status is {@code SERVING}.
 * <pre>{@code
 * Scout scout = GrpcScout.builder().service("orders.v1.Orders").build();
 * }</pre>
 * In {@link Mode#WATCH} mode (the default) the session keeps one {@code Watch} stream open per
 * endpoint and reports each status the server pushes at once (see
 * {@link dev.clavier.scout.ScoutSession#watch}); a server that answers the stream
 * {@code UNIMPLEMENTED} is polled with {@code Check} instead. In {@link Mode#CHECK} mode every
 * probe is one {@code Check} call.
 * A session keeps one channel per endpoint, made on the first probe and reused, and shuts it
 * down when the endpoint leaves discovery or the session closes. A channel found in
 * {@code TRANSIENT_FAILURE} at the start of a probe is replaced, so that every probe of a down
 * endpoint really tries to connect instead of waiting out gRPC's reconnect back-off. A call
 * carries no deadline of its own: the engine fails a probe that outlives the listener's timeout
 * ({@code timed out after 1s}) and cancels it, which cancels the call, on the server too.
 * <p>
 * Channels run on one small event loop per engine ({@code clavier-grpc-<n>} threads) with a
 * small callback executor ({@code clavier-grpc-exec-<n>}), both stopped when the engine closes;
 * gRPC's global threads ({@code grpc-default-executor}, {@code grpc-timer},
 * {@code grpc-nio-worker-ELG}) are not used. Endpoints given as IP literals are connected to
 * directly; host names are resolved with the JDK resolver on the callback executor, never on an
 * engine thread, once per channel (a replaced channel resolves again). Plaintext unless
 * {@link Builder#tls(boolean)}; TLS uses the JDK's default trust store. No retries; responses
 * are limited to 64 KB; a channel left without probes for 5 minutes drops its connection and
 * reconnects on the next probe.
 * <p>
 * A probe's detail is the serving status ({@code SERVING}, {@code NOT_SERVING},
 * {@code SERVICE_UNKNOWN}) or the gRPC error, for example {@code NOT_FOUND: unknown service x},
 * {@code UNIMPLEMENTED: no health service} or {@code UNAVAILABLE: connection refused}.
 * <p>
 * Needs {@code io.grpc:grpc-netty-shaded}, {@code grpc-services} and {@code grpc-protobuf} on
 * the class path. Immutable and thread-safe; its sessions are thread-safe.
 */
public final class GrpcScout implements Scout {

	/**
	 * The model name, {@code grpc}.
	 */
	public static final String MODEL = "grpc";

	private final String service;

	private final boolean tls;

	private final @Nullable String authority;

	private final Mode mode;

	private GrpcScout(Builder builder) {
		this.service = builder.service;
		this.tls = builder.tls;
		this.authority = builder.authority;
		this.mode = builder.mode;
	}

	/**
	 * Creates a builder; its defaults check the whole server ({@code service ""}) in plaintext.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns {@code grpc}.
	 * @return the model name
	 */
	@Override
	public String model() {
		return MODEL;
	}

	/**
	 * Returns the service name sent in the health check request; {@code ""} is the whole server.
	 * @return the service name
	 */
	public String service() {
		return this.service;
	}

	/**
	 * Returns whether channels use TLS.
	 * @return {@code true} for TLS, {@code false} for plaintext
	 */
	public boolean tls() {
		return this.tls;
	}

	/**
	 * Returns the authority sent to every endpoint (and, with TLS, used for SNI and host name
	 * verification), or {@code null} to use each endpoint's {@code host:port}.
	 * @return the authority, or {@code null}
	 */
	public @Nullable String authority() {
		return this.authority;
	}

	/**
	 * Returns how endpoints are probed: a {@code Watch} stream each, or {@code Check} calls.
	 * @return the mode
	 */
	public Mode mode() {
		return this.mode;
	}

	/**
	 * Opens a session for one listener; the context's shared resources hold the gRPC event loop.
	 * @param context the listener's context
	 * @return the session
	 * @throws IllegalStateException if gRPC is not on the class path, TLS cannot be set up, or
	 * the context's engine is closed
	 */
	@Override
	public ScoutSession open(ScoutContext context) {
		Objects.requireNonNull(context, "context");
		GrpcScoutProvider.requireGrpc(GrpcScout.class.getClassLoader());
		return new GrpcScoutSession(this, context);
	}

	@Override
	public boolean equals(@Nullable Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof GrpcScout that)) {
			return false;
		}
		return this.tls == that.tls && this.service.equals(that.service)
				&& Objects.equals(this.authority, that.authority) && this.mode == that.mode;
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.service, this.tls, this.authority, this.mode);
	}

	@Override
	public String toString() {
		return "GrpcScout{service='" + this.service + "', " + (this.tls ? "tls" : "plaintext")
				+ ((this.authority != null) ? ", authority=" + this.authority : "") + ", "
				+ this.mode.name().toLowerCase(Locale.ROOT) + "}";
	}

	/**
	 * Builds a {@link GrpcScout}. Each setter checks its argument at once. Not thread-safe.
	 */
	public static final class Builder {

		private String service = "";

		private boolean tls;

		private @Nullable String authority;

		private Mode mode = Mode.WATCH;

		Builder() {
		}

		/**
		 * Sets the service name sent in {@code HealthCheckRequest.service}, for example
		 * {@code orders.v1.Orders}. Default: {@code ""}, the health of the whole server.
		 * @param service the service name, possibly empty
		 * @return this builder
		 */
		public Builder service(String service) {
			this.service = Objects.requireNonNull(service, "service");
			return this;
		}

		/**
		 * Sets whether channels use TLS, trusting the JDK's default trust store. Default:
		 * {@code false} (plaintext, HTTP/2 with prior knowledge).
		 * @param tls {@code true} for TLS
		 * @return this builder
		 */
		public Builder tls(boolean tls) {
			this.tls = tls;
			return this;
		}

		/**
		 * Sets the authority sent to every endpoint instead of its {@code host:port}; with TLS
		 * it is also the name sent in SNI and checked against the server's certificate.
		 * Default: none (each endpoint's own {@code host:port}).
		 * @param authority the authority, for example {@code backend.example.com}, or
		 * {@code null} for the default
		 * @return this builder
		 * @throws InvalidOptionException if it is blank or contains a space or a slash
		 */
		public Builder authority(@Nullable String authority) {
			if (authority != null && (authority.isBlank() || authority.chars()
				.anyMatch((c) -> Character.isWhitespace(c) || c == '/' || c == '@' || c == '?' || c == '#'))) {
				throw InvalidOptionException.quoted("authority", authority,
						"host or host:port, for example backend.example.com", null);
			}
			this.authority = authority;
			return this;
		}

		/**
		 * Sets how endpoints are probed. Default: {@link Mode#WATCH}, one
		 * {@code Health/Watch} stream per endpoint, falling back to {@code Check} polling for a
		 * server without it.
		 * @param mode the mode
		 * @return this builder
		 */
		public Builder mode(Mode mode) {
			this.mode = Objects.requireNonNull(mode, "mode");
			return this;
		}

		/**
		 * Creates the scout.
		 * @return the scout
		 */
		public GrpcScout build() {
			return new GrpcScout(this);
		}

	}

	/**
	 * How a {@link GrpcScout} probes endpoints.
	 */
	public enum Mode {

		/**
		 * One {@code grpc.health.v1.Health/Watch} server stream per endpoint: each status the
		 * server pushes counts at once. A server that answers the stream {@code UNIMPLEMENTED} is
		 * polled with {@code Check} instead.
		 */
		WATCH,

		/**
		 * One {@code grpc.health.v1.Health/Check} call per probe, at the listener's intervals.
		 */
		CHECK;

		/**
		 * Returns the mode named in configuration, ignoring case.
		 * @param name {@code watch} or {@code check}
		 * @return the mode
		 * @throws InvalidOptionException if the name is neither
		 */
		public static Mode of(String name) {
			for (Mode mode : values()) {
				if (mode.name().equalsIgnoreCase(name.trim())) {
					return mode;
				}
			}
			throw InvalidOptionException.quoted("mode", name, "watch or check", null);
		}

	}

}
