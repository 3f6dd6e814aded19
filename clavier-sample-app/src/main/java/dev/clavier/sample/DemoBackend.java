package dev.clavier.sample;

import java.util.Objects;
import java.util.function.Consumer;

import dev.clavier.test.TestBackend;
import dev.clavier.test.TestGrpcBackend;
import dev.clavier.test.TestHttpBackend;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;

/**
 * One demo backend that the dashboard can fail, recover, stop and start: an HTTP server whose
 * {@code /health} answers 200 or 503, or a gRPC server whose health service answers
 * {@code SERVING} or {@code NOT_SERVING}. Thread-safe.
 */
public final class DemoBackend implements AutoCloseable {

	private final String id;

	private final String kind;

	private final TestBackend server;

	private final Consumer<Boolean> health;

	private final String passingAnswer;

	private final String failingAnswer;

	private volatile boolean failing;

	private DemoBackend(String id, String kind, TestBackend server, Consumer<Boolean> health, String passingAnswer,
			String failingAnswer) {
		this.id = Objects.requireNonNull(id, "id");
		this.kind = kind;
		this.server = server;
		this.health = health;
		this.passingAnswer = passingAnswer;
		this.failingAnswer = failingAnswer;
	}

	static DemoBackend http(String id, TestHttpBackend server) {
		return new DemoBackend(id, "http", server, (failing) -> server.healthStatus(failing ? 503 : 200), "HTTP 200",
				"HTTP 503");
	}

	static DemoBackend grpc(String id, TestGrpcBackend server) {
		return new DemoBackend(id, "grpc", server,
				(failing) -> server.status("", failing ? ServingStatus.NOT_SERVING : ServingStatus.SERVING), "SERVING",
				"NOT_SERVING");
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
	public String kind() {
		return this.kind;
	}

	/**
	 * Returns the host the backend listens on, for example {@code 127.0.0.2}.
	 * @return the host
	 */
	public String host() {
		return this.server.host();
	}

	/**
	 * Returns the port the backend listens on.
	 * @return the port
	 */
	public int port() {
		return this.server.port();
	}

	/**
	 * Returns whether the backend accepts connections.
	 * @return whether it runs
	 */
	public boolean isRunning() {
		return this.server.isRunning();
	}

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
		this.health.accept(failing);
	}

	/**
	 * Stops the server: connections are refused until {@link #start()}.
	 */
	public void stop() {
		this.server.stop();
	}

	/**
	 * Starts the server again on the same host and port.
	 */
	public void start() {
		this.server.start();
	}

	/**
	 * Returns what the health check answers now, for example {@code 200} or {@code NOT_SERVING}.
	 * @return the health answer
	 */
	public String healthAnswer() {
		return isFailing() ? this.failingAnswer : this.passingAnswer;
	}

	@Override
	public void close() {
		this.server.close();
	}

	@Override
	public String toString() {
		return kind() + " backend " + this.id + " on " + host() + ":" + port();
	}

}
