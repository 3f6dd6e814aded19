package dev.clavier.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real HTTP/1.1 server on a loopback address whose health answer a test sets at run time,
 * built on the JDK's {@link HttpServer}.
 *
 * <pre class="code">
 * try (TestHttpBackend backend = TestHttpBackend.start("127.0.0.2", 0)) {
 *     backend.healthStatus(503);
 *     backend.stop();   // connections refused
 *     backend.start();  // same host and port again
 * }
 * </pre>
 *
 * <p>
 * The health path (default {@value #DEFAULT_HEALTH_PATH}) answers with the status, body,
 * delay or redirect set by the test. Every other path answers 200 with the body
 * {@code hello from <hostAndPort>}. Every answer carries the header
 * {@value #BACKEND_HEADER}{@code : <hostAndPort>}, so that load-balancing tests see which
 * backend served a call. Requests are handled by up to 16 daemon threads named
 * {@code clavier-test-http-<n>}; the JDK server's dispatcher thread is started so that it is a
 * daemon thread too, and renamed to the same pattern.
 *
 * <p>
 * Thread-safe: health settings may be changed from any thread while requests are served.
 */
public final class TestHttpBackend implements AutoCloseable {

	/**
	 * The default health path.
	 */
	public static final String DEFAULT_HEALTH_PATH = "/health";

	/**
	 * The header naming the backend that served a request.
	 */
	public static final String BACKEND_HEADER = "X-Backend";

	/**
	 * The longest health delay; longer delays are capped to it.
	 */
	public static final Duration MAX_HEALTH_DELAY = Duration.ofSeconds(60);

	private static final Logger logger = LoggerFactory.getLogger(TestHttpBackend.class);

	private static final int THREADS = 16;

	private static final int BIND_ATTEMPTS = 50;

	private static final Duration BIND_PAUSE = Duration.ofMillis(100);

	private final InetAddress host;

	private final NamedThreadFactory threadFactory = new NamedThreadFactory("http");

	private final ThreadGroup dispatcherGroup;

	private final ThreadPoolExecutor executor;

	private final AtomicInteger healthChecks = new AtomicInteger();

	private final AtomicInteger requests = new AtomicInteger();

	private final Object lifecycleLock = new Object();

	// guarded by lifecycleLock
	private @Nullable HttpServer server;

	// guarded by lifecycleLock
	private boolean closed;

	private volatile int port;

	private volatile CountDownLatch release = new CountDownLatch(1);

	private volatile String healthPath = DEFAULT_HEALTH_PATH;

	private volatile int healthStatus = 200;

	private volatile Duration healthDelay = Duration.ZERO;

	private volatile @Nullable String healthRedirect;

	private volatile String healthBody = "";

	private TestHttpBackend(InetAddress host, int port) {
		this.host = host;
		this.port = port;
		this.dispatcherGroup = new ThreadGroup("clavier-test-http");
		this.executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				this.threadFactory);
		this.executor.allowCoreThreadTimeOut(true);
	}

	/**
	 * Creates a backend and starts it.
	 * @param host a loopback address literal such as {@code 127.0.0.2} or {@code ::1}
	 * @param port the port, 0 for a random one
	 * @return the running backend
	 * @throws UncheckedIOException if the port could not be bound
	 */
	public static TestHttpBackend start(String host, int port) {
		TestHttpBackend backend = new TestHttpBackend(Loopback.requireLoopback(host), Loopback.requirePort(port));
		try {
			backend.start();
		}
		catch (RuntimeException ex) {
			backend.close();
			throw ex;
		}
		return backend;
	}

	/**
	 * Starts the backend again on the same host and port after {@link #stop()}, retrying for a
	 * few seconds while the port is still held. Does nothing when running.
	 * @return this backend
	 * @throws UncheckedIOException if the port could not be bound
	 * @throws IllegalStateException if the backend is closed
	 */
	public TestHttpBackend start() {
		synchronized (this.lifecycleLock) {
			if (this.closed) {
				throw new IllegalStateException("HTTP backend " + hostAndPort() + " is closed");
			}
			if (this.server != null) {
				return this;
			}
			this.release = new CountDownLatch(1);
			HttpServer created = createOnDaemonThread();
			this.port = created.getAddress().getPort();
			this.server = created;
		}
		logger.info("Started HTTP backend on {}", hostAndPort());
		return this;
	}

	/**
	 * Returns the host the backend listens on.
	 * @return the host address literal
	 */
	public String host() {
		return Loopback.literal(this.host);
	}

	/**
	 * Returns the port the backend listens on, which stays the same across stop and start.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Returns the address the backend listens on.
	 * @return the socket address
	 */
	public InetSocketAddress address() {
		return new InetSocketAddress(this.host, this.port);
	}

	/**
	 * Returns {@code host:port}: {@code 127.0.0.2:41234}, or {@code [::1]:41234} for IPv6.
	 * @return the host and port
	 */
	public String hostAndPort() {
		return Loopback.hostAndPort(this.host, this.port);
	}

	/**
	 * Sets the health path; default {@value #DEFAULT_HEALTH_PATH}.
	 * @param path the path, starting with {@code /}
	 * @return this backend
	 */
	public TestHttpBackend healthPath(String path) {
		Objects.requireNonNull(path, "path");
		if (!path.startsWith("/")) {
			throw new IllegalArgumentException("path: " + path + " (expected: starting with /)");
		}
		this.healthPath = path;
		return this;
	}

	/**
	 * Sets the status of health answers; default 200.
	 * @param status the status, 200...599
	 * @return this backend
	 */
	public TestHttpBackend healthStatus(int status) {
		if (status < 200 || status > 599) {
			throw new IllegalArgumentException("status: " + status + " (expected: 200...599)");
		}
		this.healthStatus = status;
		return this;
	}

	/**
	 * Sets how long health answers wait before they are sent; default zero. Delays longer than
	 * {@link #MAX_HEALTH_DELAY} are capped to it, and waiting answers are released by
	 * {@link #stop()} and {@link #close()}.
	 * @param delay the delay
	 * @return this backend
	 */
	public TestHttpBackend healthDelay(Duration delay) {
		Objects.requireNonNull(delay, "delay");
		if (delay.isNegative()) {
			throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
		}
		this.healthDelay = (delay.compareTo(MAX_HEALTH_DELAY) > 0) ? MAX_HEALTH_DELAY : delay;
		return this;
	}

	/**
	 * Sets a redirect for health answers: 302 with the given {@code Location}, in place of the
	 * health status; {@code null} removes it. Default none.
	 * @param location the redirect location, or {@code null}
	 * @return this backend
	 */
	public TestHttpBackend healthRedirect(@Nullable String location) {
		this.healthRedirect = location;
		return this;
	}

	/**
	 * Sets the body of health answers; default empty.
	 * @param body the body, sent as UTF-8 text
	 * @return this backend
	 */
	public TestHttpBackend healthBody(String body) {
		this.healthBody = Objects.requireNonNull(body, "body");
		return this;
	}

	/**
	 * Returns the number of requests to the health path since start or the last reset.
	 * @return the health check count
	 */
	public int healthChecks() {
		return this.healthChecks.get();
	}

	/**
	 * Returns the number of requests to other paths since start or the last reset.
	 * @return the request count
	 */
	public int requests() {
		return this.requests.get();
	}

	/**
	 * Resets both request counters to zero.
	 * @return this backend
	 */
	public TestHttpBackend resetCounts() {
		this.healthChecks.set(0);
		this.requests.set(0);
		return this;
	}

	/**
	 * Returns whether the backend is listening.
	 * @return whether the backend runs
	 */
	public boolean isRunning() {
		synchronized (this.lifecycleLock) {
			return this.server != null;
		}
	}

	/**
	 * Closes the listening socket and open connections, releasing delayed health answers;
	 * connections are refused afterwards. Health settings and counters are kept. Does nothing
	 * when stopped.
	 * @return this backend
	 */
	public TestHttpBackend stop() {
		HttpServer stopped;
		synchronized (this.lifecycleLock) {
			stopped = this.server;
			this.server = null;
			this.release.countDown();
		}
		if (stopped != null) {
			stopped.stop(0);
			logger.info("Stopped HTTP backend on {}", hostAndPort());
		}
		return this;
	}

	/**
	 * Stops the backend and its threads; it cannot be started again. Idempotent.
	 */
	@Override
	public void close() {
		synchronized (this.lifecycleLock) {
			this.closed = true;
		}
		stop();
		this.executor.shutdownNow();
	}

	@Override
	public String toString() {
		return "TestHttpBackend[" + hostAndPort() + ", healthStatus=" + this.healthStatus + "]";
	}

	private HttpServer createOnDaemonThread() {
		// The JDK server's timer and dispatcher threads inherit the daemon flag and thread group
		// of the thread that creates and starts the server: do both on a daemon thread in this
		// backend's group, then give the threads found there kit names.
		CompletableFuture<HttpServer> result = new CompletableFuture<>();
		Thread starter = this.threadFactory.newThread(this.dispatcherGroup, () -> {
			try {
				HttpServer created = Loopback.bind(hostAndPort(), (this.port != 0) ? BIND_ATTEMPTS : 1, BIND_PAUSE,
						() -> HttpServer.create(new InetSocketAddress(this.host, this.port), 50));
				created.createContext("/", this::handle);
				created.setExecutor(this.executor);
				created.start();
				result.complete(created);
			}
			catch (IOException | RuntimeException ex) {
				result.completeExceptionally(ex);
			}
		});
		starter.start();
		HttpServer created;
		try {
			created = result.get(BIND_ATTEMPTS * BIND_PAUSE.toMillis() + 10_000, TimeUnit.MILLISECONDS);
			starter.join(10_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			result.thenAccept((late) -> late.stop(0));
			throw new IllegalStateException("Interrupted while starting HTTP backend " + hostAndPort(), ex);
		}
		catch (TimeoutException ex) {
			result.thenAccept((late) -> late.stop(0));
			throw new IllegalStateException("HTTP backend " + hostAndPort() + " did not start", ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof IOException) {
				throw new UncheckedIOException("Cannot bind HTTP backend on " + hostAndPort(),
						(IOException) ex.getCause());
			}
			throw new IllegalStateException("Cannot start HTTP backend " + hostAndPort(), ex.getCause());
		}
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread != starter && thread.getThreadGroup() == this.dispatcherGroup
					&& !thread.getName().startsWith("clavier-test-")) {
				thread.setName(this.threadFactory.nextName());
			}
		}
		return created;
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			try (InputStream body = exchange.getRequestBody()) {
				body.transferTo(OutputStream.nullOutputStream());
			}
			String hostAndPort = hostAndPort();
			exchange.getResponseHeaders().set(BACKEND_HEADER, hostAndPort);
			if (exchange.getRequestURI().getPath().equals(this.healthPath)) {
				handleHealth(exchange);
			}
			else {
				this.requests.incrementAndGet();
				exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
				send(exchange, 200, "hello from " + hostAndPort);
			}
		}
		catch (IOException ex) {
			logger.debug("HTTP backend {} could not answer: {}", hostAndPort(), ex.toString());
		}
	}

	private void handleHealth(HttpExchange exchange) throws IOException {
		this.healthChecks.incrementAndGet();
		Duration delay = this.healthDelay;
		if (!delay.isZero()) {
			CountDownLatch stopped = this.release;
			try {
				if (stopped.await(delay.toMillis(), TimeUnit.MILLISECONDS)) {
					return;
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		String location = this.healthRedirect;
		if (location != null) {
			exchange.getResponseHeaders().set("Location", location);
			send(exchange, 302, "");
			return;
		}
		exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
		send(exchange, this.healthStatus, this.healthBody);
	}

	private static void send(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		boolean noBody = bytes.length == 0 || status == 204 || status == 304
				|| "HEAD".equalsIgnoreCase(exchange.getRequestMethod());
		exchange.sendResponseHeaders(status, noBody ? -1 : bytes.length);
		if (!noBody) {
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(bytes);
			}
		}
	}

}
