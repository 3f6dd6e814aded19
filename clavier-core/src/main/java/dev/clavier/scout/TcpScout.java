package dev.clavier.scout;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.model.InvalidOptionException;
import dev.clavier.model.ModelOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * The {@code tcp} scout: an endpoint is healthy if a TCP connection to it opens within the
 * listener's timeout, and, when bytes to send or expect are set, if the reply contains the
 * expected bytes in time. Each probe opens a new connection on the engine's shared Netty event loop and
 * closes it once judged; nothing blocks a thread of the engine.
 * <pre>{@code
 * Scout connect = TcpScout.builder().build();            // plain connect, the default scout
 * Scout redis = TcpScout.redis();                        // PING, expects +PONG
 * Scout banner = TcpScout.builder().expect("SSH-").build();
 * }</pre>
 * <p>
 * The reply is judged as soon as it contains the expected bytes (healthy), or when it ends a
 * line ({@code \n}), is at least as long as the expected bytes and does not contain them
 * (unhealthy, at once), or when the peer closes or {@value #MAX_REPLY_BYTES} bytes have come
 * (unhealthy). At most {@value #MAX_REPLY_BYTES} bytes are read. The engine fails a probe that
 * outlives the listener's timeout ({@code timed out after 1s}) and cancels it, which closes the
 * connection; the scout sets no deadline of its own beyond the connect timeout. Results read
 * {@code connected}, {@code matched +PONG}, {@code connection refused},
 * {@code closed before expected reply} or {@code unexpected reply '-LOADING ...'}, quoting at
 * most 64 characters of the reply.
 * <p>
 * IP literal hosts, IPv6 included, are used as they are; host names are looked up off the
 * event loop, on a small pool of resolver threads of the engine.
 * <p>
 * Instances are immutable and thread-safe, and so are their sessions.
 */
public final class TcpScout implements Scout {

	/** The most reply bytes a probe reads: 4 KiB. */
	public static final int MAX_REPLY_BYTES = 4096;

	private static final String MODEL = "tcp";

	private static final String REDIS_SEND = "PING\r\n";

	private static final String REDIS_EXPECT = "+PONG";

	private final byte @Nullable [] send;

	private final byte @Nullable [] expect;

	private TcpScout(byte @Nullable [] send, byte @Nullable [] expect) {
		this.send = send;
		this.expect = expect;
	}

	/**
	 * Returns a builder; without settings it builds a plain connect check.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns a Redis check: sends {@code PING\r\n} and expects {@code +PONG} (the original
	 * library had a Redis scout). A Redis server that is still loading answers
	 * {@code -LOADING ...} and is unhealthy.
	 * @return the scout
	 */
	public static TcpScout redis() {
		return builder().send(REDIS_SEND).expect(REDIS_EXPECT).build();
	}

	/**
	 * Creates a {@code tcp} scout from configuration options: {@code send} and {@code expect}
	 * (text, sent and matched as UTF-8) and {@code preset} ({@code redis}, whose send and expect
	 * the other two options override).
	 * @param options the options
	 * @return the scout
	 * @throws InvalidOptionException if an option is wrong or unknown
	 */
	static TcpScout fromOptions(Map<String, String> options) {
		ModelOptions reader = ModelOptions.of(MODEL, options);
		String preset = reader.string("preset");
		Builder builder = builder();
		if (preset != null) {
			if (!"redis".equals(preset.trim())) {
				throw reader.invalid("preset", preset, "redis");
			}
			builder.send(REDIS_SEND).expect(REDIS_EXPECT);
		}
		return readSendAndExpect(MODEL, reader, builder);
	}

	/**
	 * Creates a {@code redis} scout from configuration options: {@code send} and {@code expect}
	 * override {@code PING\r\n} and {@code +PONG} (for example to send {@code AUTH} first).
	 * @param options the options
	 * @return the scout
	 * @throws InvalidOptionException if an option is wrong or unknown
	 */
	static TcpScout redisFromOptions(Map<String, String> options) {
		Builder redis = builder().send(REDIS_SEND).expect(REDIS_EXPECT);
		return readSendAndExpect("redis", ModelOptions.of("redis", options), redis);
	}

	private static TcpScout readSendAndExpect(String model, ModelOptions reader, Builder builder) {
		String send = reader.string("send");
		if (send != null) {
			ModelOptions.apply(model, "send", () -> builder.send(send));
		}
		String expect = reader.string("expect");
		if (expect != null) {
			ModelOptions.apply(model, "expect", () -> builder.expect(expect));
		}
		reader.done();
		return builder.build();
	}

	/**
	 * Returns {@code tcp}.
	 * @return the model name
	 */
	@Override
	public String model() {
		return MODEL;
	}

	/**
	 * Opens a session on the context's event loop; every probe opens a new connection.
	 * @param context the listener's context
	 * @return the session
	 */
	@Override
	public ScoutSession open(ScoutContext context) {
		return new ChannelSession(this, context, false,
				(connector, loop, endpoint) -> new Probe(this, connector, loop, endpoint));
	}

	@Override
	public String toString() {
		if (this.send == null && this.expect == null) {
			return MODEL;
		}
		StringBuilder text = new StringBuilder(MODEL).append('[');
		if (this.send != null) {
			// The bytes sent may carry a password (Redis AUTH): only their number is shown.
			text.append("send=").append(this.send.length).append(" bytes");
		}
		if (this.expect != null) {
			text.append((this.send != null) ? ", " : "").append("expect='")
				.append(Printable.escape(this.expect, this.expect.length)).append('\'');
		}
		return text.append(']').toString();
	}

	private static int indexOf(byte[] data, int length, byte[] pattern) {
		outer: for (int i = 0; i <= length - pattern.length; i++) {
			for (int j = 0; j < pattern.length; j++) {
				if (data[i + j] != pattern[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	/**
	 * Builds a {@link TcpScout}. Without settings, a probe only connects. Not thread-safe.
	 */
	public static final class Builder {

		private byte @Nullable [] send;

		private byte @Nullable [] expect;

		Builder() {
		}

		/**
		 * Sets text to send once connected, encoded as UTF-8. Default: nothing is sent.
		 * @param send the text, not empty, for example {@code PING\r\n}
		 * @return this builder
		 */
		public Builder send(String send) {
			Objects.requireNonNull(send, "send");
			return send(send.getBytes(StandardCharsets.UTF_8));
		}

		/**
		 * Sets bytes to send once connected. Default: nothing is sent.
		 * @param send the bytes, not empty; copied
		 * @return this builder
		 */
		public Builder send(byte[] send) {
			Objects.requireNonNull(send, "send");
			if (send.length == 0) {
				throw new InvalidOptionException("send", "empty", "at least one byte");
			}
			this.send = send.clone();
			return this;
		}

		/**
		 * Sets text the reply must contain, encoded as UTF-8; it must arrive within the first
		 * {@value TcpScout#MAX_REPLY_BYTES} bytes. Default: the reply is not read.
		 * @param expect the text, 1 to 4096 bytes in UTF-8, for example {@code +PONG}
		 * @return this builder
		 */
		public Builder expect(String expect) {
			Objects.requireNonNull(expect, "expect");
			byte[] bytes = expect.getBytes(StandardCharsets.UTF_8);
			if (bytes.length == 0 || bytes.length > MAX_REPLY_BYTES) {
				throw new InvalidOptionException("expect", bytes.length + " bytes", "1..." + MAX_REPLY_BYTES);
			}
			this.expect = bytes;
			return this;
		}

		/**
		 * Returns the scout.
		 * @return the scout
		 */
		public TcpScout build() {
			return new TcpScout(this.send, this.expect);
		}

	}

	/**
	 * One TCP probe; confined to its event loop.
	 */
	private static final class Probe extends ChannelProbe {

		private static final ProbeResult CONNECTED = ProbeResult.passed("connected");

		private final TcpScout scout;

		// confined to the event loop
		private byte @Nullable [] reply;

		// confined to the event loop
		private int replyLength;

		Probe(TcpScout scout, ChannelConnector connector, EventLoop loop, Endpoint endpoint) {
			super(MODEL, connector, loop, endpoint);
			this.scout = scout;
		}

		@Override
		void connected(Channel channel) {
			byte[] send = this.scout.send;
			if (send == null) {
				if (this.scout.expect == null) {
					complete(CONNECTED);
				}
				return;
			}
			write(channel, Unpooled.wrappedBuffer(send), () -> {
				if (this.scout.expect == null) {
					complete(CONNECTED);
				}
			});
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object message) {
			try {
				byte[] expect = this.scout.expect;
				if (isDone() || expect == null || !(message instanceof ByteBuf buffer)) {
					return;
				}
				byte[] data = this.reply;
				if (data == null) {
					data = new byte[MAX_REPLY_BYTES];
					this.reply = data;
				}
				int count = Math.min(buffer.readableBytes(), MAX_REPLY_BYTES - this.replyLength);
				buffer.readBytes(data, this.replyLength, count);
				this.replyLength += count;
				if (indexOf(data, this.replyLength, expect) >= 0) {
					complete(ProbeResult.passed("matched " + Printable.escape(expect, expect.length)));
				}
				else if (this.replyLength >= MAX_REPLY_BYTES
						|| (this.replyLength >= expect.length && data[this.replyLength - 1] == '\n')) {
					complete(unexpectedReply());
				}
			}
			finally {
				ReferenceCountUtil.release(message);
			}
		}

		@Override
		ProbeResult closedResult() {
			if (this.scout.expect == null) {
				return ProbeResult.failed("connection closed");
			}
			return (this.replyLength > 0) ? unexpectedReply() : ProbeResult.failed("closed before expected reply");
		}

		private ProbeResult unexpectedReply() {
			byte[] data = Objects.requireNonNull(this.reply);
			return ProbeResult.failed("unexpected reply '" + Printable.escape(data, this.replyLength) + "'");
		}

	}

}
