package dev.clavier.scout;

import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.internal.TestPluginContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HttpScout} over TLS, against the JDK's HTTPS server on loopback with a
 * self-signed certificate that {@code keytool} makes for the run.
 */
class HttpScoutTlsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final char[] PASSWORD = "changeit".toCharArray();

	private static SSLContext serverContext;

	@RegisterExtension
	final Closeables closeables = new Closeables();

	private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();

	@BeforeAll
	static void createCertificate(@TempDir Path directory) throws Exception {
		File keystore = directory.resolve("server.p12").toFile();
		String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
		Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname",
				"secp256r1", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
				"-storetype", "PKCS12", "-keystore", keystore.getPath(), "-storepass", new String(PASSWORD))
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
		assertThat(process.exitValue()).as("keytool: " + output).isZero();
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = new FileInputStream(keystore)) {
			store.load(in, PASSWORD);
		}
		KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keys.init(store, PASSWORD);
		serverContext = SSLContext.getInstance("TLS");
		serverContext.init(keys.getKeyManagers(), null, null);
	}

	@Test
	void probeWhenTrustingAllShouldPassAndKeepTheConnection() throws Exception {
		Endpoint endpoint = server();
		ScoutSession session = session(HttpScout.builder().path("/health").tls(true).insecureTrustAll(true).build());
		for (int i = 0; i < 3; i++) {
			assertThat(TcpScoutTests.result(session.probe(endpoint), WAIT)).isEqualTo(ProbeResult.passed("HTTP 200"));
		}
		assertThat(this.clientPorts).hasSize(1);
	}

	@Test
	void probeWhenReuseDisabledShouldHandshakeEveryTime() throws Exception {
		Endpoint endpoint = server();
		ScoutSession session = session(
				HttpScout.builder().path("/health").tls(true).insecureTrustAll(true).reuseConnection(false).build());
		for (int i = 0; i < 2; i++) {
			assertThat(TcpScoutTests.result(session.probe(endpoint), WAIT)).isEqualTo(ProbeResult.passed("HTTP 200"));
		}
		assertThat(this.clientPorts).hasSize(2);
	}

	@Test
	void probeWhenCertificateIsNotTrustedShouldFail() throws Exception {
		Endpoint endpoint = server();
		ScoutSession session = session(HttpScout.builder().path("/health").tls(true).build());
		ProbeResult result = TcpScoutTests.result(session.probe(endpoint), WAIT);
		assertThat(result.healthy()).isFalse();
		assertThat(result.detail()).startsWith("TLS handshake failed: ");
		assertThat(this.clientPorts).isEmpty();
	}

	private Endpoint server() throws Exception {
		HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 10);
		server.setHttpsConfigurator(new HttpsConfigurator(serverContext));
		server.createContext("/health", (exchange) -> {
			this.clientPorts.add(exchange.getRemoteAddress().getPort());
			byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		server.start();
		this.closeables.add(() -> server.stop(0));
		return Endpoint.of("127.0.0.1", server.getAddress().getPort());
	}

	private ScoutSession session(HttpScout scout) {
		TestPluginContext context = new TestPluginContext("test", TIMEOUT);
		this.closeables.add(context);
		ScoutSession session = scout.open(context);
		this.closeables.add(session);
		return session;
	}

}
