package dev.clavier.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
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
 * {@code hello from <hostAndPort>}, after the {@linkplain #responseDelay response delay} if any. Every answer carries the header
 * {@value #BACKEND_HEADER}{@code : <hostAndPort>}, so that load-balancing tests see which
 * backend served a call. Requests are handled by up to 16 daemon threads named
 * {@code clavier-test-http-<n>}; the JDK server's dispatcher thread is started so that it is a
 * daemon thread too, and renamed to the same pattern. {@link #stop()} closes the listening socket
 * and open connections and releases delayed health answers; health settings and counters are
 * kept.
 *
 * <p>
 * Thread-safe: health settings may be changed from any thread while requests are served.
 */
public final class TestHttpBackend extends LoopbackBackend<TestHttpBackend, TestHttpBackend.Running> {

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

	private final NamedThreadFactory threadFactory = new NamedThreadFactory("http");

	private final ThreadGroup dispatcherGroup;

	private final ThreadPoolExecutor executor;

	private final AtomicInteger healthChecks = new AtomicInteger();

	private final AtomicInteger requests = new AtomicInteger();

	private volatile CountDownLatch release = new CountDownLatch(1);

	private volatile String healthPath = DEFAULT_HEALTH_PATH;

	private volatile int healthStatus = 200;

	private volatile Duration healthDelay = Duration.ZERO;

	private volatile @Nullable String healthRedirect;

	private volatile Duration responseDelay = Duration.ZERO;

	private volatile String healthBody = "";

	private TestHttpBackend(InetAddress host, int port) {
		super(logger, "HTTP", host, port);
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
		return startOrClose(new TestHttpBackend(Loopback.requireLoopback(host), Loopback.requirePort(port)));
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
	 * Sets how long answers to paths other than the health path wait before they are sent;
	 * default zero. A slow backend for load-balancing tests. Delays longer than
	 * {@link #MAX_HEALTH_DELAY} are capped to it, and waiting answers are released, unanswered,
	 * by {@link #stop()} and {@link #close()}.
	 * @param delay the delay
	 * @return this backend
	 */
	public TestHttpBackend responseDelay(Duration delay) {
		Objects.requireNonNull(delay, "delay");
		if (delay.isNegative()) {
			throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
		}
		this.responseDelay = (delay.compareTo(MAX_HEALTH_DELAY) > 0) ? MAX_HEALTH_DELAY : delay;
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

	@Override
	Running open() throws IOException {
		CountDownLatch released = new CountDownLatch(1);
		this.release = released;
		HttpServer created = createOnDaemonThread();
		bound(created.getAddress().getPort());
		return new Running(created, released);
	}

	@Override
	void shut(Running running) {
		running.release().countDown();
		running.server().stop(0);
	}

	@Override
	void closeThreads() {
		this.executor.shutdownNow();
	}

	@Override
	public String toString() {
		return "TestHttpBackend[" + hostAndPort() + ", healthStatus=" + this.healthStatus + "]";
	}

	private HttpServer createOnDaemonThread() throws IOException {
		// The JDK server's timer and dispatcher threads inherit the daemon flag and thread group
		// of the thread that creates and starts the server: do both on a daemon thread in this
		// backend's group, then give the threads found there kit names.
		CompletableFuture<HttpServer> result = new CompletableFuture<>();
		Thread starter = this.threadFactory.newThread(this.dispatcherGroup, () -> {
			try {
				HttpServer created = bind(() -> HttpServer.create(address(), 50));
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
			created = result.get(LoopbackLifecycle.BIND_ATTEMPTS * LoopbackLifecycle.BIND_PAUSE.toMillis() + 10_000,
					TimeUnit.MILLISECONDS);
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
				throw (IOException) ex.getCause();
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
				if (!waitOut(this.responseDelay)) {
					return;
				}
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
		if (!waitOut(this.healthDelay)) {
			return;
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

	/**
	 * Waits a delay unless the backend stops first.
	 * @return {@code true} to answer, {@code false} if the backend stopped or the thread was interrupted
	 */
	private boolean waitOut(Duration delay) {
		if (delay.isZero()) {
			return true;
		}
		CountDownLatch stopped = this.release;
		try {
			return !stopped.await(delay.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
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

	/**
	 * A running server and the latch that releases its delayed health answers when it stops.
	 */
	record Running(HttpServer server, CountDownLatch release) {

	}

}
