package dev.clavier.discovery.dns;

import java.io.EOFException;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.clavier.model.Durations;
import dev.clavier.model.Failures;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.io.IoClientFactory;
import org.xbill.DNS.io.TcpIoClient;
import org.xbill.DNS.io.UdpIoClient;

/**
 * Carries dnsjava's queries over the engine's Netty event loop: UDP on a fresh connected
 * datagram channel per query (an ephemeral port of the server's address family, so that only
 * the server's datagrams and its ICMP errors arrive), TCP on a fresh connection per query with
 * the two-byte length prefix of RFC 1035 4.2.2. Answers whose message id is not the query's are
 * dropped; a query without an answer fails after its time-out, timed on the event loop.
 * <p>
 * Written by hand because dnsjava's default transport runs every query of the JVM through one
 * global selector thread ({@code dnsjava NIO selector}) and a shutdown hook that an engine can
 * neither name nor stop, and whose life outlasts {@code Clavier.close()}. Here the event loop
 * belongs to the engine: its threads are {@code clavier-io-<n>} and stop when the engine closes.
 * <p>
 * Thread-safe. {@link #close()} fails the queries in flight and refuses new ones.
 */
final class EventLoopDnsTransport implements IoClientFactory, UdpIoClient, TcpIoClient, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(EventLoopDnsTransport.class);

	/** Largest DNS message over TCP, plus its two-byte length prefix. */
	private static final int MAX_TCP_FRAME = 65535 + 2;

	/** Smallest UDP receive buffer: some servers answer more than the EDNS payload size offered. */
	private static final int MIN_UDP_SIZE = 4096;

	private static final int MAX_UDP_SIZE = 65535;

	private final EventLoopGroup group;

	private final Set<Channel> channels = ConcurrentHashMap.newKeySet();

	private volatile boolean closed;

	EventLoopDnsTransport(EventLoopGroup group) {
		this.group = Objects.requireNonNull(group, "group");
	}

	@Override
	public TcpIoClient createOrGetTcpClient() {
		return this;
	}

	@Override
	public UdpIoClient createOrGetUdpClient() {
		return this;
	}

	@Override
	public CompletableFuture<byte[]> sendAndReceiveUdp(@Nullable InetSocketAddress local, InetSocketAddress remote,
			Message query, byte[] data, int max, Duration timeout) {
		CompletableFuture<byte[]> answer = new CompletableFuture<>();
		if (this.closed) {
			answer.completeExceptionally(closedException(remote));
			return answer;
		}
		int id = query.getHeader().getID();
		boolean ipv6 = remote.getAddress() instanceof Inet6Address;
		SocketProtocolFamily family = ipv6 ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
		EventLoop loop = this.group.next();
		if (loop.isShuttingDown()) {
			answer.completeExceptionally(new IOException("the engine's event loop is shut down, query to "
					+ address(remote) + " not sent"));
			return answer;
		}
		Bootstrap bootstrap = new Bootstrap().group(loop)
			.channelFactory((ChannelFactory<NioDatagramChannel>) () -> new NioDatagramChannel(family))
			.option(ChannelOption.RECVBUF_ALLOCATOR,
					new FixedRecvByteBufAllocator(Math.min(MAX_UDP_SIZE, Math.max(MIN_UDP_SIZE, max))))
			.handler(new UdpAnswerHandler(id, remote, answer));
		ChannelFuture connect;
		try {
			connect = bootstrap.connect(remote, (local != null) ? local : wildcard(ipv6));
			track(loop, connect.channel(), answer, remote, timeout, "udp");
		}
		catch (RuntimeException ex) {
			// The event loop is shut down: the engine is closing.
			answer.completeExceptionally(ex);
			return answer;
		}
		connect.addListener((ChannelFuture future) -> {
			if (!future.isSuccess()) {
				answer.completeExceptionally(
						new IOException("cannot send udp query to " + address(remote) + ": "
								+ Failures.describe(future.cause()), future.cause()));
				return;
			}
			future.channel().writeAndFlush(Unpooled.wrappedBuffer(data)).addListener((written) -> {
				if (!written.isSuccess()) {
					answer.completeExceptionally(new IOException(
							"cannot send udp query to " + address(remote) + ": " + Failures.describe(written.cause()),
							written.cause()));
				}
			});
		});
		return answer;
	}

	@Override
	public CompletableFuture<byte[]> sendAndReceiveTcp(@Nullable InetSocketAddress local, InetSocketAddress remote,
			Message query, byte[] data, Duration timeout) {
		CompletableFuture<byte[]> answer = new CompletableFuture<>();
		if (this.closed) {
			answer.completeExceptionally(closedException(remote));
			return answer;
		}
		int id = query.getHeader().getID();
		EventLoop loop = this.group.next();
		if (loop.isShuttingDown()) {
			answer.completeExceptionally(new IOException("the engine's event loop is shut down, query to "
					+ address(remote) + " not sent"));
			return answer;
		}
		Bootstrap bootstrap = new Bootstrap().group(loop)
			.channel(NioSocketChannel.class)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())))
			.handler(new ChannelInitializer<Channel>() {

				@Override
				protected void initChannel(Channel channel) {
					channel.pipeline()
						.addLast(new LengthFieldBasedFrameDecoder(MAX_TCP_FRAME, 0, 2, 0, 2),
								new TcpAnswerHandler(id, remote, answer));
				}

			});
		ChannelFuture connect;
		try {
			connect = (local != null) ? bootstrap.connect(remote, local) : bootstrap.connect(remote);
			track(loop, connect.channel(), answer, remote, timeout, "tcp");
		}
		catch (RuntimeException ex) {
			// The event loop is shut down: the engine is closing.
			answer.completeExceptionally(ex);
			return answer;
		}
		connect.addListener((ChannelFuture future) -> {
			if (!future.isSuccess()) {
				answer.completeExceptionally(new IOException(
						"cannot connect over tcp to " + address(remote) + ": " + Failures.describe(future.cause()),
						future.cause()));
				return;
			}
			Channel channel = future.channel();
			ByteBuf out = channel.alloc().buffer(2 + data.length).writeShort(data.length).writeBytes(data);
			channel.writeAndFlush(out).addListener((written) -> {
				if (!written.isSuccess()) {
					answer.completeExceptionally(new IOException(
							"cannot send tcp query to " + address(remote) + ": " + Failures.describe(written.cause()),
							written.cause()));
				}
			});
		});
		return answer;
	}

	/**
	 * Fails the queries in flight and refuses new ones. Idempotent; does not stop the event loop,
	 * which belongs to the engine.
	 */
	@Override
	public void close() {
		this.closed = true;
		for (Channel channel : List.copyOf(this.channels)) {
			channel.close();
		}
	}

	private void track(EventLoop loop, Channel channel, CompletableFuture<byte[]> answer, InetSocketAddress remote,
			Duration timeout, String protocol) {
		this.channels.add(channel);
		answer.whenComplete((bytes, failure) -> {
			this.channels.remove(channel);
			channel.close();
		});
		ScheduledFuture<?> timer = loop.schedule(
				() -> answer.completeExceptionally(new SocketTimeoutException(
						protocol + " query to " + address(remote) + " got no answer within " + Durations.format(timeout))),
				timeout.toNanos(), TimeUnit.NANOSECONDS);
		answer.whenComplete((bytes, failure) -> timer.cancel(false));
		channel.closeFuture().addListener((closedFuture) -> answer.completeExceptionally(
				this.closed ? closedException(remote) : new EOFException(protocol + " channel to " + address(remote)
						+ " closed before an answer")));
		if (this.closed) {
			channel.close();
		}
	}

	private static IOException closedException(InetSocketAddress remote) {
		return new IOException("dns transport closed, query to " + address(remote) + " abandoned");
	}

	private static InetSocketAddress wildcard(boolean ipv6) {
		try {
			return new InetSocketAddress(InetAddress.getByAddress(new byte[ipv6 ? 16 : 4]), 0);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String address(InetSocketAddress address) {
		String host = NetUtil.toAddressString(address.getAddress());
		return ((address.getAddress() instanceof Inet6Address) ? "[" + host + "]" : host) + ":" + address.getPort();
	}

	private static boolean matches(ByteBuf message, int id) {
		return message.readableBytes() >= 2 && message.getUnsignedShort(message.readerIndex()) == id;
	}

	/**
	 * Completes a UDP query with the first datagram that carries its id.
	 */
	private static final class UdpAnswerHandler extends SimpleChannelInboundHandler<DatagramPacket> {

		private final int id;

		private final InetSocketAddress remote;

		private final CompletableFuture<byte[]> answer;

		UdpAnswerHandler(int id, InetSocketAddress remote, CompletableFuture<byte[]> answer) {
			this.id = id;
			this.remote = remote;
			this.answer = answer;
		}

		@Override
		protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
			ByteBuf content = packet.content();
			if (matches(content, this.id)) {
				this.answer.complete(ByteBufUtil.getBytes(content));
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("Dropping a {}-byte udp datagram from {} that does not answer query id {}",
						content.readableBytes(), packet.sender(), this.id);
			}
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			if (cause instanceof PortUnreachableException) {
				this.answer.completeExceptionally(new IOException(
						"no dns server at " + address(this.remote) + " (udp port unreachable)", cause));
			}
			else {
				this.answer.completeExceptionally(cause);
			}
		}

	}

	/**
	 * Completes a TCP query with the first length-prefixed message that carries its id.
	 */
	private static final class TcpAnswerHandler extends SimpleChannelInboundHandler<ByteBuf> {

		private final int id;

		private final InetSocketAddress remote;

		private final CompletableFuture<byte[]> answer;

		TcpAnswerHandler(int id, InetSocketAddress remote, CompletableFuture<byte[]> answer) {
			this.id = id;
			this.remote = remote;
			this.answer = answer;
		}

		@Override
		protected void channelRead0(ChannelHandlerContext ctx, ByteBuf message) {
			if (matches(message, this.id)) {
				this.answer.complete(ByteBufUtil.getBytes(message));
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("Dropping a {}-byte tcp message from {} that does not answer query id {}",
						message.readableBytes(), address(this.remote), this.id);
			}
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			this.answer.completeExceptionally(
					new EOFException("tcp connection to " + address(this.remote) + " closed before an answer"));
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			this.answer.completeExceptionally(cause);
		}

	}

}
