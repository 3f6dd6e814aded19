package dev.clavier.sample;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

import dev.clavier.test.LoopbackAddresses;
import dev.clavier.test.SrvTarget;
import dev.clavier.test.TestDnsServer;
import dev.clavier.test.TestGrpcBackend;
import dev.clavier.test.TestHttpBackend;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sample's demo infrastructure on loopback: HTTP backends that share one port on
 * 127.0.0.1, 127.0.0.2 and 127.0.0.3, gRPC servers with the standard health service, and,
 * unless an external DNS server is named, the test kit's DNS server answering
 * <ul>
 * <li>{@code backend.demo.test} A: the HTTP hosts;</li>
 * <li>{@code _grpc._tcp.greeter.demo.test} SRV: {@code grpc-1.demo.test}, {@code grpc-2.demo.test}
 * on the gRPC port, with their A records.</li>
 * </ul>
 * Thread-safe; {@link #close()} stops everything.
 */
public final class DemoInfrastructure implements AutoCloseable {

	/**
	 * The demo domain.
	 */
	public static final String DOMAIN = "demo.test";

	/**
	 * The name whose A records list the HTTP backends.
	 */
	public static final String HTTP_NAME = "backend." + DOMAIN;

	/**
	 * The name whose SRV records list the gRPC backends.
	 */
	public static final String GRPC_SRV_NAME = "_grpc._tcp.greeter." + DOMAIN;

	private static final Logger logger = LoggerFactory.getLogger(DemoInfrastructure.class);

	private static final long TTL_SECONDS = 5;

	private static final int SAME_PORT_ATTEMPTS = 5;

	private final List<DemoBackend> backends;

	private final @Nullable TestDnsServer dns;

	private final String dnsAddress;

	private final int httpPort;

	private final int grpcPort;

	private DemoInfrastructure(List<DemoBackend> backends, @Nullable TestDnsServer dns, String dnsAddress, int httpPort,
			int grpcPort) {
		this.backends = List.copyOf(backends);
		this.dns = dns;
		this.dnsAddress = dnsAddress;
		this.httpPort = httpPort;
		this.grpcPort = grpcPort;
	}

	/**
	 * Starts the backends and, without an external DNS server, the built-in one.
	 * @param httpHosts the HTTP backends' loopback addresses
	 * @param httpPort the HTTP port, 0 for a free one shared by every HTTP host
	 * @param grpcHosts the gRPC backends' loopback addresses
	 * @param grpcPort the gRPC port, 0 for a free one shared by every gRPC host
	 * @param externalDns an external DNS server ({@code host:port}) that serves the demo records,
	 * or {@code null} to start the built-in one
	 * @return the running infrastructure
	 */
	public static DemoInfrastructure start(List<String> httpHosts, int httpPort, List<String> grpcHosts, int grpcPort,
			@Nullable String externalDns) {
		requireBindable(httpHosts);
		requireBindable(grpcHosts);
		List<DemoBackend> backends = new ArrayList<>();
		TestDnsServer dns = null;
		try {
			List<TestHttpBackend> http = startOnSamePort(httpHosts, httpPort,
					(host, port) -> TestHttpBackend.start(host, port), TestHttpBackend::port, TestHttpBackend::close);
			for (int i = 0; i < http.size(); i++) {
				backends.add(DemoBackend.http("http-" + (i + 1), http.get(i)));
			}
			List<TestGrpcBackend> grpc = startOnSamePort(grpcHosts, grpcPort,
					(host, port) -> TestGrpcBackend.start(host, port), TestGrpcBackend::port, TestGrpcBackend::close);
			for (int i = 0; i < grpc.size(); i++) {
				backends.add(DemoBackend.grpc("grpc-" + (i + 1), grpc.get(i)));
			}
			checkServing(grpc.get(0));
			int actualHttpPort = http.get(0).port();
			int actualGrpcPort = grpc.get(0).port();
			String dnsAddress;
			if (externalDns != null) {
				dnsAddress = externalDns;
				logger.info("Demo DNS: using the external server {} for {} and {}", externalDns, HTTP_NAME,
						GRPC_SRV_NAME);
			}
			else {
				dns = TestDnsServer.start();
				dns.a(HTTP_NAME, TTL_SECONDS, httpHosts.toArray(String[]::new));
				SrvTarget[] targets = new SrvTarget[grpcHosts.size()];
				for (int i = 0; i < grpcHosts.size(); i++) {
					String target = "grpc-" + (i + 1) + "." + DOMAIN;
					dns.a(target, TTL_SECONDS, grpcHosts.get(i));
					targets[i] = SrvTarget.of(actualGrpcPort, target);
				}
				dns.srv(GRPC_SRV_NAME, TTL_SECONDS, targets);
				dnsAddress = dns.hostAndPort();
				logger.info("Demo DNS server on {}: {} A {}, {} SRV port {}", dnsAddress, HTTP_NAME, httpHosts,
						GRPC_SRV_NAME, actualGrpcPort);
			}
			DemoInfrastructure infrastructure = new DemoInfrastructure(backends, dns, dnsAddress, actualHttpPort,
					actualGrpcPort);
			logger.info("Demo backends: {}", infrastructure.backends);
			return infrastructure;
		}
		catch (RuntimeException ex) {
			backends.forEach(DemoBackend::close);
			if (dns != null) {
				dns.close();
			}
			throw ex;
		}
	}

	private static void requireBindable(List<String> hosts) {
		if (hosts.isEmpty()) {
			throw new IllegalArgumentException("hosts: [] (expected: at least one loopback address)");
		}
		for (String host : hosts) {
			if (!LoopbackAddresses.isBindable(host)) {
				throw new IllegalStateException("The demo backends need the loopback address " + host
						+ ", which this machine cannot bind. On macOS add it with: sudo ifconfig lo0 alias " + host
						+ " up");
			}
		}
	}

	/**
	 * Asks a gRPC backend's health service once. Besides checking the demo, this loads the gRPC
	 * client classes, which otherwise make the first gRPC probe of a cold JVM exceed its timeout.
	 */
	private static void checkServing(TestGrpcBackend backend) {
		ManagedChannel channel = Grpc.newChannelBuilderForAddress(backend.host(), backend.port(),
				InsecureChannelCredentials.create())
			.build();
		try {
			HealthGrpc.newBlockingStub(channel)
				.withDeadlineAfter(10, TimeUnit.SECONDS)
				.check(HealthCheckRequest.getDefaultInstance());
		}
		catch (StatusRuntimeException ex) {
			logger.warn("Demo gRPC backend {} did not answer a health check: {}", backend.hostAndPort(), ex.getStatus());
		}
		finally {
			channel.shutdownNow();
		}
	}

	/**
	 * Starts one server per host, all on the same port (A records carry no port): the first on
	 * {@code port} (0: a random one), the others on the port it got; retried on a clash.
	 */
	private static <T> List<T> startOnSamePort(List<String> hosts, int port, Starter<T> starter,
			ToIntFunction<T> portOf, Consumer<T> closer) {
		UncheckedIOException last = null;
		int attempts = (port == 0) ? SAME_PORT_ATTEMPTS : 1;
		for (int attempt = 1; attempt <= attempts; attempt++) {
			List<T> started = new ArrayList<>();
			try {
				T first = starter.start(hosts.get(0), port);
				started.add(first);
				int shared = portOf.applyAsInt(first);
				for (String host : hosts.subList(1, hosts.size())) {
					started.add(starter.start(host, shared));
				}
				return started;
			}
			catch (UncheckedIOException ex) {
				started.forEach(closer);
				last = ex;
				logger.debug("Could not start demo servers on {} port {} (attempt {}): {}", hosts, port, attempt,
						ex.toString());
			}
		}
		throw Objects.requireNonNull(last);
	}

	/**
	 * Returns every backend, HTTP first.
	 * @return an unmodifiable list
	 */
	public List<DemoBackend> backends() {
		return this.backends;
	}

	/**
	 * Returns the backend with the given id.
	 * @param id the id, for example {@code http-2}
	 * @return the backend, if there is one
	 */
	public Optional<DemoBackend> backend(String id) {
		return this.backends.stream().filter((backend) -> backend.id().equals(id)).findFirst();
	}

	/**
	 * Returns the DNS server the listeners ask, {@code host:port}.
	 * @return the DNS server address
	 */
	public String dnsAddress() {
		return this.dnsAddress;
	}

	/**
	 * Returns the port every HTTP backend listens on.
	 * @return the port
	 */
	public int httpPort() {
		return this.httpPort;
	}

	/**
	 * Returns the port every gRPC backend listens on.
	 * @return the port
	 */
	public int grpcPort() {
		return this.grpcPort;
	}

	/**
	 * Returns the properties that {@code application.yml} refers to: {@code demo.dns.address},
	 * {@code demo.http.port}, {@code demo.grpc.port}.
	 * @return an unmodifiable map
	 */
	public Map<String, Object> properties() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("demo.dns.address", this.dnsAddress);
		properties.put("demo.http.port", this.httpPort);
		properties.put("demo.grpc.port", this.grpcPort);
		return Collections.unmodifiableMap(properties);
	}

	/**
	 * Stops every backend and the built-in DNS server. Idempotent.
	 */
	@Override
	public void close() {
		this.backends.forEach(DemoBackend::close);
		if (this.dns != null) {
			this.dns.close();
		}
		logger.info("Demo infrastructure stopped");
	}

	@FunctionalInterface
	private interface Starter<T> {

		T start(String host, int port);

	}

}
