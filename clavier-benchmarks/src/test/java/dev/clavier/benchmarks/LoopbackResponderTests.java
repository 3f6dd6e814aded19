package dev.clavier.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LoopbackResponder}.
 */
class LoopbackResponderTests {

	@Test
	void httpModeShouldAnswerEveryPortWithOkAndClose() throws IOException {
		try (LoopbackResponder responder = LoopbackResponder.start(LoopbackResponder.Mode.HTTP, List.of("127.0.0.1"),
				List.of(0, 0))) {
			assertThat(responder.addresses()).hasSize(2);
			for (InetSocketAddress address : responder.addresses()) {
				try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
					OutputStream out = socket.getOutputStream();
					out.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
					out.flush();
					InputStream in = socket.getInputStream();
					String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
					assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").contains("Connection: close");
				}
			}
			assertThat(responder.answered()).isEqualTo(2);
		}
	}

	@Test
	void tcpModeShouldAcceptAndClose() throws IOException {
		try (LoopbackResponder responder = LoopbackResponder.start(LoopbackResponder.Mode.TCP, List.of("127.0.0.1"),
				List.of(0))) {
			InetSocketAddress address = responder.addresses().get(0);
			try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
				assertThat(socket.getInputStream().read()).isEqualTo(-1);
			}
		}
	}

	@Test
	void loopbackHostsShouldCountAcrossOctets() {
		assertThat(LoopbackResponder.loopbackHosts("127.0.1.254", 3)).containsExactly("127.0.1.254", "127.0.1.255",
				"127.0.2.0");
		assertThat(LoopbackResponder.ports(20000, 2)).containsExactly(20000, 20001);
	}

}
