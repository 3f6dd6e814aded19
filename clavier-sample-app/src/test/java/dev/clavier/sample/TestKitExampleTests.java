package dev.clavier.sample;

import java.time.Duration;

import dev.clavier.test.TestDnsServer;
import dev.clavier.test.TestHttpBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The "Testing your own app with the test kit" example of the README, kept compiling and
 * passing here: the application's {@code backend} listener is pointed at the kit's DNS server
 * and HTTP backends, and a backend whose health fails stops getting calls.
 */
@EnabledIf(value = "dev.clavier.sample.DemoBackends#loopbackAvailable", disabledReason = DemoBackends.LOOPBACK_MISSING)
@SpringBootTest
class TestKitExampleTests {

	static final TestDnsServer dns = TestDnsServer.start();

	static final TestHttpBackend one = TestHttpBackend.start("127.0.0.1", 0);

	static final TestHttpBackend two = TestHttpBackend.start("127.0.0.2", one.port());

	@DynamicPropertySource
	static void clavier(DynamicPropertyRegistry registry) {
		dns.a("backend.test", 1, "127.0.0.1", "127.0.0.2");
		String listener = "clavier.listeners.backend.";
		registry.add(listener + "discovery.model", () -> "dns");
		registry.add(listener + "discovery.dns.name", () -> "backend.test");
		registry.add(listener + "discovery.dns.port", one::port);
		registry.add(listener + "discovery.dns.servers", dns::hostAndPort);
		registry.add(listener + "scout.model", () -> "http");
		registry.add(listener + "scout.http.path", () -> "/health");
		registry.add(listener + "scout.interval", () -> "200ms");
		registry.add(listener + "scout.timeout", () -> "150ms");
		registry.add(listener + "scout.fall", () -> 1);
	}

	@AfterAll
	static void stopServers() {
		two.close();
		one.close();
		dns.close();
	}

	@Autowired
	private RestClient.Builder loadBalanced;

	@Test
	void callsWhenOneBackendFailsShouldReachOnlyTheOther() {
		RestClient client = this.loadBalanced.build();
		two.healthStatus(503);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			for (int i = 0; i < 10; i++) {
				String backend = client.get().uri("http://backend/hello").retrieve().toEntity(String.class)
					.getHeaders().getFirst(TestHttpBackend.BACKEND_HEADER);
				assertThat(backend).isEqualTo(one.hostAndPort());
			}
		});
	}

}
