package dev.clavier.scout;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.model.Failures;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * One probe of the {@code http} scout: sends the scout's request (over TLS if set), judges the
 * final response's status by the scout's {@link HttpStatusRule}, skipping interim {@code 1xx}
 * answers, then reads at most {@code maxBodyBytes} of the body. The status decides: once it is
 * in, a cut or broken body no longer changes the result. The connection is reusable when the
 * answer was healthy, its body was read to the end and the server keeps the connection open.
 * Confined to its event loop.
 */
final class HttpProbe extends ChannelProbe {

	private final HttpScout scout;

	// confined to the event loop: set by the response head, then stands
	private @Nullable ProbeResult verdict;

	// confined to the event loop
	private long bodyBytes;

	// confined to the event loop: whether any part of a response came in
	private boolean answered;

	// confined to the event loop: whether the response ended and the server keeps the connection
	private boolean endedKeepingAlive;

	// confined to the event loop: whether the response head allows keeping the connection
	private boolean keepAlive;

	/**
	 * Creates a probe, not started.
	 * @param scout the scout
	 * @param connector opens the connection
	 * @param loop the event loop the probe runs on
	 * @param endpoint the endpoint
	 */
	HttpProbe(HttpScout scout, ChannelConnector connector, EventLoop loop, Endpoint endpoint) {
		super(scout.model(), connector, loop, endpoint);
		this.scout = scout;
	}

	@Override
	void configure(Channel channel, ChannelPipeline pipeline) {
		SslContext sslContext = this.scout.sslContext();
		if (sslContext != null) {
			String peerHost = this.scout.requestTemplate().virtualHost(endpoint());
			pipeline.addLast(sslContext.newHandler(channel.alloc(), peerHost, endpoint().port()));
		}
		pipeline.addLast(new HttpClientCodec());
	}

	@Override
	void connected(Channel channel) {
		write(channel, this.scout.requestTemplate().request(endpoint()), null);
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object message) {
		try {
			if (!isDone()) {
				read(message);
			}
		}
		finally {
			ReferenceCountUtil.release(message);
		}
	}

	private void read(Object message) {
		this.answered = true;
		int maxBodyBytes = this.scout.maxBodyBytes();
		if (message instanceof HttpResponse response) {
			DecoderResult decoded = response.decoderResult();
			if (decoded.isFailure()) {
				complete(malformed(decoded));
				return;
			}
			HttpResponseStatus status = response.status();
			if (status.codeClass() == HttpStatusClass.INFORMATIONAL && status.code() != 101) {
				// An interim answer (100 Continue, 103 Early Hints): the real one follows.
				return;
			}
			this.verdict = this.scout.statusRule().judge(response);
			this.keepAlive = HttpUtil.isKeepAlive(response);
			if (maxBodyBytes == 0) {
				complete(this.verdict);
				return;
			}
		}
		if (message instanceof HttpContent content) {
			ProbeResult judged = this.verdict;
			if (judged == null) {
				// The body of an interim answer, which has none.
				return;
			}
			if (content.decoderResult().isFailure()) {
				complete(judged);
				return;
			}
			this.bodyBytes += content.content().readableBytes();
			if (content instanceof LastHttpContent) {
				this.endedKeepingAlive = this.keepAlive && this.bodyBytes <= maxBodyBytes;
				complete(judged);
			}
			else if (this.bodyBytes >= maxBodyBytes) {
				complete(judged);
			}
		}
	}

	private static ProbeResult malformed(DecoderResult decoded) {
		Throwable cause = decoded.cause();
		String message = (cause != null) ? Failures.describe(cause) : "undecodable response head";
		return ProbeResult.failed("malformed response: " + Printable.escape(message));
	}

	@Override
	@Nullable ProbeResult verdict() {
		return this.verdict;
	}

	@Override
	boolean answered() {
		return this.answered;
	}

	@Override
	boolean reusable() {
		// A failing endpoint is probed on a new connection each time.
		ProbeResult judged = this.verdict;
		return this.endedKeepingAlive && judged != null && judged.healthy();
	}

	@Override
	ProbeResult closedResult() {
		return ProbeResult.failed("connection closed before the response");
	}

}
