package dev.clavier.scout;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLHandshakeException;

import dev.clavier.endpoint.Endpoint;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.NotSslRecordException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConnectionErrors}: how a failure of a probe's connection reads. Real refused
 * connections and TLS failures are in {@link ChannelConnectorTests}, {@link TcpScoutTests} and
 * {@link HttpScoutTests}.
 */
class ConnectionErrorsTests {

	private static final Endpoint ENDPOINT = Endpoint.of("backend.svc", 8080);

	private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(1500);

	@Test
	void describeWhenRefusedShouldDropNettysAddressAndLowerTheFirstLetter() {
		assertThat(describe(new ConnectException("Connection refused: /127.0.0.1:8080"))).isEqualTo("connection refused");
		assertThat(describe(new CompletionException(new ConnectException("Connection refused"))))
			.isEqualTo("connection refused");
	}

	@Test
	void describeWhenConnectTimedOutShouldNameTheConnectTimeoutAsTheEngineWrites() {
		assertThat(describe(new ConnectTimeoutException("connection timed out after 1500 ms: /10.0.0.1:8080")))
			.isEqualTo("timed out after 1500ms");
	}

	@Test
	void describeWhenHostUnknownShouldNameTheEndpointsHost() {
		assertThat(describe(new CompletionException(new UnknownHostException("backend.svc: Name or service not known"))))
			.isEqualTo("unknown host 'backend.svc'");
	}

	@Test
	void describeWhenTlsFailsShouldSaySo() {
		assertThat(describe(new DecoderException(new NotSslRecordException("not an SSL/TLS record: 48545450"))))
			.isEqualTo("TLS handshake failed: the peer does not speak TLS");
		assertThat(describe(new SSLHandshakeException("PKIX path building failed")))
			.isEqualTo("TLS handshake failed: PKIX path building failed");
	}

	@Test
	void describeWhenNetworkFailsShouldUseItsMessage() {
		assertThat(describe(new SocketException("Connection reset by peer"))).isEqualTo("connection reset by peer");
		assertThat(describe(new ClosedChannelException())).isEqualTo("connection closed");
		assertThat(describe(new IOException("EOF"))).isEqualTo("EOF");
	}

	@Test
	void describeWhenAnswerIsUndecodableShouldCallItMalformed() {
		assertThat(describe(new TooLongFrameException("An HTTP line is larger than 4096 bytes.")))
			.isEqualTo("malformed response: An HTTP line is larger than 4096 bytes.");
	}

	@Test
	void describeWhenEngineClosedShouldSaySo() {
		assertThat(describe(new RejectedExecutionException("event executor terminated")))
			.isEqualTo("the Clavier engine is closed");
	}

	@Test
	void describeWhenUnexpectedShouldUseTheEnginesWordsForAFailure() {
		assertThat(describe(new IllegalStateException("broken"))).isEqualTo("broken");
		assertThat(describe(new CompletionException(new NullPointerException()))).isEqualTo("NullPointerException");
	}

	@Test
	void describeWhenLongShouldCutAt160Characters() {
		String description = describe(new IOException("x".repeat(500)));
		assertThat(description).hasSize(ConnectionErrors.MAX_DETAIL + 3).endsWith("...");
	}

	@Test
	void isExpectedShouldTellNetworkFailuresFromDefects() {
		assertThat(ConnectionErrors.isExpected(new ConnectException("Connection refused"))).isTrue();
		assertThat(ConnectionErrors.isExpected(new CompletionException(new UnknownHostException("x")))).isTrue();
		assertThat(ConnectionErrors.isExpected(new TooLongFrameException("too long"))).isTrue();
		assertThat(ConnectionErrors.isExpected(new RejectedExecutionException())).isTrue();
		assertThat(ConnectionErrors.isExpected(new IllegalStateException("bug"))).isFalse();
		assertThat(ConnectionErrors.isExpected(new NullPointerException())).isFalse();
	}

	private static String describe(Throwable failure) {
		return ConnectionErrors.describe(failure, ENDPOINT, CONNECT_TIMEOUT);
	}

}
