package dev.clavier.integration;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.clavier.Clavier;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.listener.Listener;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.netflix.eureka.server.EnableEurekaServer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Clavier over a real registry: Spring Cloud Netflix's Eureka server started in-process on
 * loopback, backends that are real Spring Boot web applications registering through the Eureka
 * client, and an application whose {@code @LoadBalanced} {@link RestClient} calls them through a
 * Clavier {@code discovery-client} listener with HTTP probes. Every address is 127.0.0.1.
 */
class EurekaIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	/** Calls made per check; bounded, each one a real HTTP request. */
	private static final int CALLS = 60;

	/**
	 * Every context: loopback only. Spring Cloud's host lookup ignores the machine's interfaces
	 * (no reverse DNS of a non-loopback address) and falls back to 127.0.0.1.
	 */
	private static final String[] LOOPBACK_ONLY = { "server.address=127.0.0.1",
			"spring.cloud.inetutils.ignored-interfaces=.*", "spring.cloud.inetutils.default-hostname=127.0.0.1",
			"spring.cloud.inetutils.default-ip-address=127.0.0.1" };

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private int eurekaPort;

	@BeforeEach
	void startEureka() throws IOException {
		// A standalone server names itself as its only peer (Eureka skips itself), so it needs
		// its port before it starts.
		this.eurekaPort = freePort();
		start(new SpringApplicationBuilder(EurekaServer.class)
			.properties("server.port=" + this.eurekaPort, "server.address=127.0.0.1",
					"spring.application.name=eureka", "clavier.enabled=false", "eureka.instance.hostname=127.0.0.1",
					"eureka.client.register-with-eureka=false", "eureka.client.fetch-registry=false",
					"eureka.client.jersey.enabled=false", "eureka.client.service-url.defaultZone=" + eurekaUrl(),
					"eureka.server.enable-self-preservation=false",
					// Registrations visible at once rather than after the 30 s read-only cache.
					"eureka.server.use-read-only-response-cache=false",
					"eureka.server.response-cache-update-interval-ms=500",
					"eureka.server.eviction-interval-timer-in-ms=1000",
					"eureka.server.wait-time-in-ms-when-sync-empty=0", "eureka.server.registry-sync-retries=0"));
	}

	@AfterEach
	void closeAll() {
		// Clients first, the registry last.
		for (int i = this.contexts.size() - 1; i >= 0; i--) {
			this.contexts.get(i).close();
		}
	}

	@Test
	void instancesThatRegisterShouldBeProbedAndPickedAndThoseThatLeaveOrDieNever() {
		ConfigurableApplicationContext a = startBackend("a", "3", "zone-1");
		ConfigurableApplicationContext b = startBackend("b", "1", "zone-2");
		ConfigurableApplicationContext client = startClient();
		Listener listener = client.getBean(Clavier.class).listener("backend").orElseThrow();
		RestClient rest = client.getBean("loadBalancedRestClientBuilder", RestClient.Builder.class).build();

		// Registered instances are probed, become healthy and are picked.
		await().atMost(WAIT).until(() -> healthyPorts(listener).size() == 2);
		assertThat(callPorts(rest)).containsOnlyKeys(port(a), port(b));

		// Eureka's metadata reach the endpoint: weight as the endpoint's weight, zone as its attribute.
		Endpoint endpointA = endpoint(listener, port(a)).orElseThrow();
		assertThat(endpointA.weight()).isEqualTo(3);
		assertThat(endpointA.attributes()).containsEntry("zone", "zone-1");
		assertThat(endpoint(listener, port(b)).orElseThrow().weight()).isEqualTo(1);
		// Weighted round robin over the two: 3 of every 4 calls to a (exactly, unless health
		// changed during the calls).
		Map<Integer, Integer> weighted = callPorts(rest);
		assertThat(weighted.get(port(a))).isCloseTo(CALLS * 3 / 4, within(3));
		assertThat(weighted.get(port(b))).isCloseTo(CALLS / 4, within(3));

		// A third instance registers: probed, then picked.
		ConfigurableApplicationContext c = startBackend("c", "1", "zone-1");
		await().atMost(WAIT).until(() -> healthyPorts(listener).contains(port(c)));
		assertThat(callPorts(rest)).containsKey(port(c));

		// c's web server dies but its Eureka client keeps the registration alive (heartbeats):
		// Eureka still lists it, Clavier's probes take it out and no call reaches it.
		int deadPort = port(c);
		((WebServerApplicationContext) c).getWebServer().stop();
		await().atMost(WAIT).until(() -> status(listener, deadPort).filter(HealthStatus.UNHEALTHY::equals).isPresent());
		assertThat(registeredPorts(client)).contains(deadPort);
		assertThat(callPorts(rest)).containsOnlyKeys(port(a), port(b));

		// b stops: its Eureka client deregisters it, and it leaves the listener.
		int leftPort = port(b);
		b.close();
		this.contexts.remove(b);
		await().atMost(WAIT).until(() -> endpoint(listener, leftPort).isEmpty());
		assertThat(callPorts(rest)).containsOnlyKeys(port(a));
	}

	@Test
	void anInstanceRegisteredWhileDeadShouldNeverBePicked() throws IOException {
		ConfigurableApplicationContext a = startBackend("a", "1", "zone-1");
		ConfigurableApplicationContext client = startClient();
		Listener listener = client.getBean(Clavier.class).listener("backend").orElseThrow();
		RestClient rest = client.getBean("loadBalancedRestClientBuilder", RestClient.Builder.class).build();
		await().atMost(WAIT).until(() -> healthyPorts(listener).size() == 1);

		// A backend whose Eureka client registers it UP on a port where nothing listens: alive to
		// the registry (heartbeats), dead to callers.
		int deadPort = freePort();
		start(backend("dead").properties("eureka.instance.non-secure-port=" + deadPort,
				"eureka.instance.metadata-map.zone=zone-1"));

		// Calls run all along while the registry and Clavier learn of it: none reaches it.
		Map<Integer, Integer> seen = new HashMap<>();
		await().atMost(WAIT).until(() -> {
			callPorts(rest).forEach((port, count) -> seen.merge(port, count, Integer::sum));
			return status(listener, deadPort).filter(HealthStatus.UNHEALTHY::equals).isPresent();
		});
		assertThat(registeredPorts(client)).contains(deadPort);
		assertThat(seen).containsOnlyKeys(port(a));
		assertThat(callPorts(rest)).containsOnlyKeys(port(a));
	}

	private ConfigurableApplicationContext startClient() {
		return start(new SpringApplicationBuilder(ClientApplication.class).properties("server.port=0",
				"server.address=127.0.0.1", "spring.application.name=client",
				"eureka.client.service-url.defaultZone=" + eurekaUrl(), "eureka.client.register-with-eureka=false",
				"eureka.client.jersey.enabled=false",
				"eureka.client.registry-fetch-interval-seconds=1", "eureka.client.initial-instance-info-replication-interval-seconds=1",
				"clavier.startup.wait=0", "clavier.listeners.backend.discovery.model=discovery-client",
				"clavier.listeners.backend.discovery.discovery-client.refresh-interval=300ms",
				"clavier.listeners.backend.scout.model=http", "clavier.listeners.backend.scout.http.path=/health",
				// Timeouts generous enough for a loaded CI machine; a refused connection fails at once.
				"clavier.listeners.backend.scout.interval=1500ms", "clavier.listeners.backend.scout.timeout=1s",
				"clavier.listeners.backend.scout.rise=1", "clavier.listeners.backend.scout.fall=2"));
	}

	/** A backend registering with Eureka as "backend", with Spring Cloud's metadata keys. */
	private ConfigurableApplicationContext startBackend(String name, String weight, String zone) {
		return start(backend(name).properties("eureka.instance.metadata-map.weight=" + weight,
				"eureka.instance.metadata-map.zone=" + zone));
	}

	private SpringApplicationBuilder backend(String name) {
		return new SpringApplicationBuilder(BackendApplication.class).properties("server.port=0",
				"server.address=127.0.0.1", "spring.application.name=backend", "clavier.enabled=false",
				"eureka.client.service-url.defaultZone=" + eurekaUrl(), "eureka.client.fetch-registry=false",
				// The server's Jersey is on the class path; clients use Spring's RestClient transport.
				"eureka.client.jersey.enabled=false",
				"eureka.client.initial-instance-info-replication-interval-seconds=1",
				"eureka.client.instance-info-replication-interval-seconds=1",
				"eureka.instance.prefer-ip-address=true", "eureka.instance.ip-address=127.0.0.1",
				"eureka.instance.hostname=127.0.0.1", "eureka.instance.instance-id=backend-" + name,
				"eureka.instance.lease-renewal-interval-in-seconds=1");
	}

	private Map<Integer, Integer> callPorts(RestClient rest) {
		Map<Integer, Integer> counts = new HashMap<>();
		for (int i = 0; i < CALLS; i++) {
			String port = rest.get().uri("http://backend/port").retrieve().body(String.class);
			counts.merge(Integer.parseInt(port), 1, Integer::sum);
		}
		return counts;
	}

	private static List<Integer> healthyPorts(Listener listener) {
		return listener.endpoints()
			.stream()
			.filter((state) -> state.status() == HealthStatus.HEALTHY)
			.map((state) -> state.endpoint().port())
			.toList();
	}

	private static Optional<Endpoint> endpoint(Listener listener, int port) {
		return listener.endpoints().stream().map(EndpointState::endpoint).filter((e) -> e.port() == port).findFirst();
	}

	private static Optional<HealthStatus> status(Listener listener, int port) {
		return listener.endpoints()
			.stream()
			.filter((state) -> state.endpoint().port() == port)
			.map(EndpointState::status)
			.findFirst();
	}

	private static List<Integer> registeredPorts(ConfigurableApplicationContext client) {
		return client.getBean(DiscoveryClient.class)
			.getInstances("backend")
			.stream()
			.map(ServiceInstance::getPort)
			.toList();
	}

	/** A loopback port nothing listens on (just bound and closed). */
	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private String eurekaUrl() {
		return "http://127.0.0.1:" + this.eurekaPort + "/eureka/";
	}

	private ConfigurableApplicationContext start(SpringApplicationBuilder builder) {
		ConfigurableApplicationContext context = builder.web(WebApplicationType.SERVLET).properties(LOOPBACK_ONLY).run();
		this.contexts.add(context);
		return context;
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	/** The registry. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableEurekaServer
	static class EurekaServer {

	}

	/** A backend: answers its health check and which port served a call. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class BackendApplication {

		@Bean
		BackendController backendController() {
			return new BackendController();
		}

	}

	@RestController
	static class BackendController {

		@GetMapping("/health")
		String health() {
			return "ok";
		}

		@GetMapping("/port")
		String port(HttpServletRequest request) {
			return String.valueOf(request.getLocalPort());
		}

	}

	/** The application under test: calls "backend" through a Clavier listener. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ClientApplication {

		/** The builder Eureka's own RestClient transport takes: not load-balanced. */
		@Bean
		@Primary
		RestClient.Builder restClientBuilder() {
			return RestClient.builder();
		}

		@Bean
		@LoadBalanced
		RestClient.Builder loadBalancedRestClientBuilder() {
			return RestClient.builder();
		}

	}

}
