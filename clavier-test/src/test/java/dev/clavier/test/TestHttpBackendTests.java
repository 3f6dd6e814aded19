package dev.clavier.test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link TestHttpBackend}, called with the JDK's {@link HttpClient}.
 */
class TestHttpBackendTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final HttpClient client = newClient();

	private TestHttpBackend backend;

	@BeforeEach
	void startBackend() {
		this.backend = TestHttpBackend.start("127.0.0.1", 0);
	}

	@AfterEach
	void closeBackend() {
		this.backend.close();
	}

	@Test
	void startShouldListenOnRandomLoopbackPort() {
		assertThat(this.backend.host()).isEqualTo("127.0.0.1");
		assertThat(this.backend.port()).isPositive();
		assertThat(this.backend.hostAndPort()).isEqualTo("127.0.0.1:" + this.backend.port());
		assertThat(this.backend.address().getPort()).isEqualTo(this.backend.port());
		assertThat(this.backend.isRunning()).isTrue();
	}

	@Test
	void getWhenOtherPathShouldAnswerHelloWithBackendHeader() throws Exception {
		HttpResponse<String> response = get(this.client, "/api/things?x=1");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("hello from " + this.backend.hostAndPort());
		assertThat(response.headers().firstValue("X-Backend")).hasValue(this.backend.hostAndPort());
		assertThat(this.backend.requests()).isEqualTo(1);
		assertThat(this.backend.healthChecks()).isZero();
	}

	@Test
	void getWhenHealthPathShouldAnswerHealthStatusAndBody() throws Exception {
		HttpResponse<String> healthy = get(this.client, "/health");
		assertThat(healthy.statusCode()).isEqualTo(200);
		assertThat(healthy.headers().firstValue("X-Backend")).hasValue(this.backend.hostAndPort());
		this.backend.healthStatus(503).healthBody("down for maintenance");
		HttpResponse<String> unhealthy = get(this.client, "/health");
		assertThat(unhealthy.statusCode()).isEqualTo(503);
		assertThat(unhealthy.body()).isEqualTo("down for maintenance");
		assertThat(this.backend.healthChecks()).isEqualTo(2);
		assertThat(this.backend.requests()).isZero();
	}

	@Test
	void getWhenHealthPathChangedShouldAnswerHealthOnNewPath() throws Exception {
		this.backend.healthPath("/ready").healthStatus(500);
		assertThat(get(this.client, "/ready").statusCode()).isEqualTo(500);
		assertThat(get(this.client, "/health").statusCode()).isEqualTo(200);
		assertThat(this.backend.healthChecks()).isEqualTo(1);
		assertThat(this.backend.requests()).isEqualTo(1);
	}

	@Test
	void getWhenHealthDelayedShouldTimeOutClient() {
		this.backend.healthDelay(Duration.ofSeconds(2));
		HttpRequest request = HttpRequest.newBuilder(uri("/health")).timeout(Duration.ofMillis(200)).build();
		assertThatExceptionOfType(HttpTimeoutException.class)
			.isThrownBy(() -> this.client.send(request, BodyHandlers.ofString()));
	}

	@Test
	void stopWhenHealthDelayedShouldReleaseWaitingHandlers() {
		this.backend.healthDelay(Duration.ofMinutes(5));
		CompletableFuture<HttpResponse<String>> pending = this.client
			.sendAsync(HttpRequest.newBuilder(uri("/health")).timeout(Duration.ofSeconds(30)).build(),
					BodyHandlers.ofString());
		await().atMost(TIMEOUT).until(() -> this.backend.healthChecks() == 1);
		assertTimeout(TIMEOUT, () -> this.backend.stop());
		await().atMost(TIMEOUT).until(pending::isDone);
		assertThat(pending).isCompletedExceptionally();
	}

	@Test
	void getWhenHealthRedirectShouldAnswer302WithoutFollowing() throws Exception {
		this.backend.healthRedirect("/elsewhere");
		HttpResponse<String> response = get(this.client, "/health");
		assertThat(response.statusCode()).isEqualTo(302);
		assertThat(response.headers().firstValue("Location")).hasValue("/elsewhere");
		assertThat(this.backend.requests()).isZero();
		this.backend.healthRedirect(null);
		assertThat(get(this.client, "/health").statusCode()).isEqualTo(200);
	}

	@Test
	void resetCountsShouldZeroCounters() throws Exception {
		get(this.client, "/health");
		get(this.client, "/");
		get(this.client, "/");
		assertThat(this.backend.healthChecks()).isEqualTo(1);
		assertThat(this.backend.requests()).isEqualTo(2);
		this.backend.resetCounts();
		assertThat(this.backend.healthChecks()).isZero();
		assertThat(this.backend.requests()).isZero();
	}

	@Test
	void stopShouldRefuseConnectionsAndStartShouldListenOnSamePort() throws Exception {
		int port = this.backend.port();
		this.backend.healthStatus(503);
		this.backend.stop();
		assertThat(this.backend.isRunning()).isFalse();
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> get(newClient(), "/health"));
		this.backend.start();
		assertThat(this.backend.port()).isEqualTo(port);
		assertThat(get(newClient(), "/health").statusCode()).isEqualTo(503);
	}

	@Test
	void startWhenSecondLoopbackAddressShouldServeThere() throws Exception {
		assumeTrue(LoopbackAddresses.isBindable("127.0.0.2"), "127.0.0.2 is not bindable on this machine");
		try (TestHttpBackend second = TestHttpBackend.start("127.0.0.2", this.backend.port())) {
			assertThat(second.hostAndPort()).isEqualTo("127.0.0.2:" + this.backend.port());
			HttpResponse<String> response = this.client.send(
					HttpRequest.newBuilder(URI.create("http://" + second.hostAndPort() + "/")).timeout(TIMEOUT).build(),
					BodyHandlers.ofString());
			assertThat(response.headers().firstValue("X-Backend")).hasValue("127.0.0.2:" + this.backend.port());
			assertThat(second.requests()).isEqualTo(1);
			assertThat(this.backend.requests()).isZero();
		}
	}

	@Test
	void startWhenIpv6ShouldFormatHostAndPortWithBrackets() throws Exception {
		assumeTrue(LoopbackAddresses.ipv6Available(), "::1 is not bindable on this machine");
		try (TestHttpBackend ipv6 = TestHttpBackend.start("::1", 0)) {
			assertThat(ipv6.hostAndPort()).isEqualTo("[::1]:" + ipv6.port());
			HttpResponse<String> response = this.client.send(
					HttpRequest.newBuilder(URI.create("http://" + ipv6.hostAndPort() + "/")).timeout(TIMEOUT).build(),
					BodyHandlers.ofString());
			assertThat(response.body()).isEqualTo("hello from [::1]:" + ipv6.port());
		}
	}

	@Test
	void startWhenHostIsNotLoopbackShouldFail() {
		assertThatIllegalArgumentException().isThrownBy(() -> TestHttpBackend.start("10.0.0.1", 0))
			.withMessageContaining("loopback");
		assertThatIllegalArgumentException().isThrownBy(() -> TestHttpBackend.start("example.com", 0));
	}

	@Test
	void healthSettingsWhenInvalidShouldFail() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.backend.healthStatus(99));
		assertThatIllegalArgumentException().isThrownBy(() -> this.backend.healthDelay(Duration.ofSeconds(-1)));
		assertThatIllegalArgumentException().isThrownBy(() -> this.backend.healthPath("health"));
	}

	@Test
	void closeShouldStopNamedDaemonThreads() throws Exception {
		Set<Thread> before = ThreadSnapshot.live("clavier-test-http-");
		TestHttpBackend other = TestHttpBackend.start("127.0.0.1", 0);
		this.client.send(HttpRequest.newBuilder(URI.create("http://" + other.hostAndPort() + "/")).timeout(TIMEOUT).build(),
				BodyHandlers.ofString());
		Set<Thread> started = ThreadSnapshot.started("clavier-test-http-", before);
		assertThat(started).hasSizeGreaterThanOrEqualTo(3).allSatisfy((thread) -> {
			assertThat(thread.isDaemon()).isTrue();
			assertThat(thread.getName()).matches("clavier-test-http-\\d+");
		});
		assertThat(ThreadSnapshot.live("HTTP-Dispatcher")).isEmpty();
		assertThat(ThreadSnapshot.live("idle-timeout-task")).isEmpty();
		other.close();
		assertThat(other.isRunning()).isFalse();
		await().atMost(TIMEOUT).until(() -> started.stream().noneMatch(Thread::isAlive));
	}

	private HttpResponse<String> get(HttpClient httpClient, String path) throws IOException, InterruptedException {
		return httpClient.send(HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT).build(), BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://" + this.backend.hostAndPort() + path);
	}

	private static HttpClient newClient() {
		return HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
	}

}
