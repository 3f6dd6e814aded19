package dev.clavier.scout;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLException;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.model.Durations;
import dev.clavier.model.Failures;
import io.netty.channel.ChannelException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;

/**
 * How a failure of a probe's connection reads in its result: {@code connection refused},
 * {@code unknown host 'x'}, {@code TLS handshake failed: ...}, {@code malformed response: ...},
 * {@code timed out after 1s} for a connect timeout. Every message in it is put into words by
 * {@link Failures#describe} and every duration by {@link Durations#format}, as everywhere in the
 * engine. Stateless and thread-safe.
 */
final class ConnectionErrors {

	/** What a probe reads when the engine closed under it. */
	static final String ENGINE_CLOSED = "the Clavier engine is closed";

	/** The longest description, in characters before {@code ...}. */
	static final int MAX_DETAIL = 160;

	private ConnectionErrors() {
	}

	/**
	 * Returns whether a failure is one the network causes (a refused or reset connection, a
	 * broken answer, the engine closing), which is reported without a stack trace, rather than
	 * a defect.
	 * @param cause the failure
	 * @return whether it is expected
	 */
	static boolean isExpected(Throwable cause) {
		Throwable root = unwrap(cause);
		return root instanceof IOException || root instanceof DecoderException
				|| root instanceof RejectedExecutionException;
	}

	/**
	 * Returns a short description of a failure, for example {@code connection refused}.
	 * @param cause the failure
	 * @param endpoint the endpoint probed
	 * @param connectTimeout the connect timeout, named when connecting timed out
	 * @return the description, at most {@value #MAX_DETAIL} characters and {@code ...}
	 */
	static String describe(Throwable cause, Endpoint endpoint, Duration connectTimeout) {
		Throwable root = unwrap(cause);
		String detail;
		if (root instanceof ConnectTimeoutException) {
			// The same words as the engine's deadline: the connect timeout is the probe timeout.
			detail = "timed out after " + Durations.format(connectTimeout);
		}
		else if (root instanceof UnknownHostException) {
			detail = "unknown host '" + endpoint.host() + "'";
		}
		else if (root instanceof NotSslRecordException) {
			detail = "TLS handshake failed: the peer does not speak TLS";
		}
		else if (root instanceof SSLException) {
			detail = "TLS handshake failed: " + Failures.describe(root);
		}
		else if (root instanceof ClosedChannelException) {
			detail = "connection closed";
		}
		else if (root instanceof RejectedExecutionException) {
			detail = ENGINE_CLOSED;
		}
		else if (root instanceof ConnectException) {
			// Netty appends ": /address" to the JDK's message ("Connection refused").
			String text = Failures.describe(root);
			int colon = text.indexOf(": ");
			detail = lowerFirst((colon > 0) ? text.substring(0, colon) : text);
		}
		else if (root instanceof IOException) {
			detail = lowerFirst(Failures.describe(root));
		}
		else if (root instanceof DecoderException) {
			detail = "malformed response: " + Failures.describe(root);
		}
		else {
			detail = Failures.describe(root);
		}
		return (detail.length() > MAX_DETAIL) ? detail.substring(0, MAX_DETAIL) + "..." : detail;
	}

	private static Throwable unwrap(Throwable cause) {
		Throwable root = cause;
		while ((root instanceof CompletionException || root instanceof DecoderException
				|| root instanceof ChannelException) && root.getCause() != null) {
			root = root.getCause();
		}
		return root;
	}

	private static String lowerFirst(String text) {
		if (text.length() > 1 && Character.isUpperCase(text.charAt(0)) && Character.isLowerCase(text.charAt(1))) {
			return text.substring(0, 1).toLowerCase(Locale.ROOT) + text.substring(1);
		}
		return text;
	}

}
