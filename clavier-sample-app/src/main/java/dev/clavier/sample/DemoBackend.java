package dev.clavier.sample;

import java.util.Objects;

import dev.clavier.test.TestGrpcBackend;
import dev.clavier.test.TestHttpBackend;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;

/**
 * One demo backend that the dashboard can fail, recover, stop and start: an HTTP server whose
 * {@code /health} answers 200 or 503, or a gRPC server whose health service answers
 * {@code SERVING} or {@code NOT_SERVING}. Thread-safe.
 */
public abstract sealed class DemoBackend implements AutoCloseable {

	private final String id;

	private volatile boolean failing;

	DemoBackend(String id) {
		this.id = Objects.requireNonNull(id, "id");
	}

	static DemoBackend http(String id, TestHttpBackend server) {
		return new Http(id, server);
	}

	static DemoBackend grpc(String id, TestGrpcBackend server) {
		return new Grpc(id, server);
	}

	/**
	 * Returns the backend's id, for example {@code http-2}.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * Returns {@code http} or {@code grpc}.
	 * @return the kind
	 */
	public abstract String kind();

	/**
	 * Returns the host the backend listens on, for example {@code 127.0.0.2}.
	 * @return the host
	 */
	public abstract String host();

	/**
	 * Returns the port the backend listens on.
	 * @return the port
	 */
	public abstract int port();

	/**
	 * Returns whether the backend accepts connections.
	 * @return whether it runs
	 */
	public abstract boolean isRunning();

	/**
	 * Returns whether the backend's health check fails on purpose.
	 * @return whether it fails
	 */
	public boolean isFailing() {
		return this.failing;
	}

	/**
	 * Makes the health check fail (HTTP 503, gRPC {@code NOT_SERVING}) or pass again.
	 * @param failing whether the health check fails
	 */
	public void failing(boolean failing) {
		this.failing = failing;
		applyHealth(failing);
	}

	/**
	 * Stops the server: connections are refused until {@link #start()}.
	 */
	public abstract void stop();

	/**
	 * Starts the server again on the same host and port.
	 */
	public abstract void start();

	/**
	 * Returns what the health check answers now, for example {@code 200} or {@code NOT_SERVING}.
	 * @return the health answer
	 */
	public abstract String healthAnswer();

	abstract void applyHealth(boolean failing);

	@Override
	public abstract void close();

	@Override
	public String toString() {
		return kind() + " backend " + this.id + " on " + host() + ":" + port();
	}

	private static final class Http extends DemoBackend {

		private final TestHttpBackend server;

		Http(String id, TestHttpBackend server) {
			super(id);
			this.server = server;
		}

		@Override
		public String kind() {
			return "http";
		}

		@Override
		public String host() {
			return this.server.host();
		}

		@Override
		public int port() {
			return this.server.port();
		}

		@Override
		public boolean isRunning() {
			return this.server.isRunning();
		}

		@Override
		public void stop() {
			this.server.stop();
		}

		@Override
		public void start() {
			this.server.start();
		}

		@Override
		public String healthAnswer() {
			return isFailing() ? "HTTP 503" : "HTTP 200";
		}

		@Override
		void applyHealth(boolean failing) {
			this.server.healthStatus(failing ? 503 : 200);
		}

		@Override
		public void close() {
			this.server.close();
		}

	}

	private static final class Grpc extends DemoBackend {

		private final TestGrpcBackend server;

		Grpc(String id, TestGrpcBackend server) {
			super(id);
			this.server = server;
		}

		@Override
		public String kind() {
			return "grpc";
		}

		@Override
		public String host() {
			return this.server.host();
		}

		@Override
		public int port() {
			return this.server.port();
		}

		@Override
		public boolean isRunning() {
			return this.server.isRunning();
		}

		@Override
		public void stop() {
			this.server.stop();
		}

		@Override
		public void start() {
			this.server.start();
		}

		@Override
		public String healthAnswer() {
			return isFailing() ? "NOT_SERVING" : "SERVING";
		}

		@Override
		void applyHealth(boolean failing) {
			this.server.status("", failing ? ServingStatus.NOT_SERVING : ServingStatus.SERVING);
		}

		@Override
		public void close() {
			this.server.close();
		}

	}

}
