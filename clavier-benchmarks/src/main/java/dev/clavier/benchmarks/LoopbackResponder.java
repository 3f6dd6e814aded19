package dev.clavier.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A cheap loopback peer for many endpoints at once: one thread, one selector, any number of
 * listening sockets (hosts × ports). In {@link Mode#TCP} it accepts and closes; in
 * {@link Mode#HTTP} it reads a request up to the blank line, answers {@code 200} with an empty
 * body and {@code Connection: close}, and closes. Thread-safe to start and close.
 * <p>
 * Also a main, so that the scale benchmark runs its peers in another process:
 * {@code LoopbackResponder <tcp|http> <first-host> <hosts> <first-port> <ports>}; it prints
 * {@code READY} when every socket is bound and stops when its standard input closes.
 */
public final class LoopbackResponder implements AutoCloseable {

	/** What the responder does with a connection. */
	public enum Mode {
		/** Accept and close. */
		TCP,
		/** Answer one HTTP request with 200 and close. */
		HTTP,
		/**
		 * Answer every HTTP request on a connection with 200 and {@code hello}, keeping it open
		 * unless the request says {@code Connection: close}.
		 */
		HTTP_KEEP_ALIVE
	}

	private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		.getBytes(StandardCharsets.US_ASCII);

	private static final byte[] KEEP_ALIVE_RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello")
		.getBytes(StandardCharsets.US_ASCII);

	private final Mode mode;

	private final Selector selector;

	private final List<ServerSocketChannel> servers = new ArrayList<>();

	private final List<InetSocketAddress> addresses = new ArrayList<>();

	private final AtomicLong answered = new AtomicLong();

	private final Thread thread;

	private final CountDownLatch stopped = new CountDownLatch(1);

	private volatile boolean closed;

	/** Accepted connections not closed yet; confined to the responder thread. */
	private int open;

	/**
	 * At most this many accepted connections at once: far below any file-descriptor limit when
	 * each connection is answered and closed; as many as descriptors allow when kept alive.
	 */
	private final int maxOpen;

	private LoopbackResponder(Mode mode, List<InetSocketAddress> bind) throws IOException {
		this.mode = mode;
		// The JDK sets up socket closing on the first close, with a descriptor of its own: do it
		// now, not when every descriptor is in use (that failure would stick for the process).
		SocketChannel.open().close();
		this.selector = Selector.open();
		try {
			for (InetSocketAddress address : bind) {
				ServerSocketChannel server = ServerSocketChannel.open();
				server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
				server.bind(address, 4096);
				server.configureBlocking(false);
				server.register(this.selector, SelectionKey.OP_ACCEPT);
				this.servers.add(server);
				this.addresses.add((InetSocketAddress) server.getLocalAddress());
			}
			this.maxOpen = (mode == Mode.HTTP_KEEP_ALIVE) ? (int) Math.max(100, maxFileDescriptors() - bind.size() - 200)
					: 2000;
		}
		catch (IOException | RuntimeException ex) {
			closeSockets();
			throw ex;
		}
		this.thread = new Thread(this::run, "loopback-responder");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/**
	 * Starts a responder on every pair of the given hosts and ports.
	 * @param mode what to do with a connection
	 * @param hosts loopback addresses
	 * @param ports ports; 0 binds a random port per host
	 * @return the running responder
	 */
	public static LoopbackResponder start(Mode mode, List<String> hosts, List<Integer> ports) {
		List<InetSocketAddress> bind = new ArrayList<>();
		for (String host : hosts) {
			for (int port : ports) {
				try {
					bind.add(new InetSocketAddress(InetAddress.getByName(host), port));
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}
		}
		try {
			return new LoopbackResponder(mode, bind);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot bind " + bind.size() + " sockets", ex);
		}
	}

	/**
	 * Returns the bound addresses, in the order hosts × ports.
	 * @return the addresses
	 */
	public List<InetSocketAddress> addresses() {
		return List.copyOf(this.addresses);
	}

	/**
	 * Returns how many connections were answered (HTTP) or accepted (TCP).
	 * @return the count
	 */
	public long answered() {
		return this.answered.get();
	}

	/**
	 * Returns the hosts {@code 127.<a>.<b>.<c>} counting up from {@code first}.
	 * @param first the first address, such as {@code 127.0.1.1}
	 * @param count how many
	 * @return the addresses
	 */
	public static List<String> loopbackHosts(String first, int count) {
		String[] parts = first.split("\\.");
		int base = (Integer.parseInt(parts[1]) << 16) | (Integer.parseInt(parts[2]) << 8) | Integer.parseInt(parts[3]);
		List<String> hosts = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			int value = base + i;
			hosts.add("127." + ((value >> 16) & 0xff) + "." + ((value >> 8) & 0xff) + "." + (value & 0xff));
		}
		return hosts;
	}

	/**
	 * Returns {@code count} ports counting up from {@code first}.
	 * @param first the first port
	 * @param count how many
	 * @return the ports
	 */
	public static List<Integer> ports(int first, int count) {
		List<Integer> ports = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			ports.add(first + i);
		}
		return ports;
	}

	private void run() {
		ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
		ByteBuffer response = ByteBuffer.allocateDirect(RESPONSE.length).put(RESPONSE);
		try {
			while (!this.closed) {
				this.selector.select(100);
				Iterator<SelectionKey> keys = this.selector.selectedKeys().iterator();
				while (keys.hasNext()) {
					SelectionKey key = keys.next();
					keys.remove();
					try {
						if (!key.isValid()) {
							continue;
						}
						if (key.isAcceptable()) {
							accept((ServerSocketChannel) key.channel());
						}
						else if (key.isReadable()) {
							read(key, buffer, response);
						}
					}
					catch (IOException ex) {
						if (key.channel() instanceof SocketChannel) {
							closeConnection(key);
						}
						// A failed accept (out of file descriptors, say) keeps the port listening.
					}
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			if (!this.closed) {
				ex.printStackTrace();
			}
		}
		finally {
			closeSockets();
			this.stopped.countDown();
		}
	}

	private void accept(ServerSocketChannel server) throws IOException {
		for (int i = 0; i < 64; i++) {
			if (this.open >= this.maxOpen) {
				// The rest wait in the kernel's backlog until answered connections free descriptors.
				return;
			}
			SocketChannel channel = server.accept();
			if (channel == null) {
				return;
			}
			if (this.mode == Mode.TCP) {
				this.answered.incrementAndGet();
				channel.close();
				continue;
			}
			this.open++;
			channel.configureBlocking(false);
			channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
			channel.register(this.selector, SelectionKey.OP_READ, new StringBuilder());
		}
	}

	private void read(SelectionKey key, ByteBuffer buffer, ByteBuffer response) throws IOException {
		SocketChannel channel = (SocketChannel) key.channel();
		buffer.clear();
		int read = channel.read(buffer);
		if (read < 0) {
			closeConnection(key);
			return;
		}
		StringBuilder seen = (StringBuilder) key.attachment();
		buffer.flip();
		while (buffer.hasRemaining()) {
			seen.append((char) buffer.get());
		}
		if (this.mode == Mode.HTTP_KEEP_ALIVE) {
			keepAlive(key, channel, seen);
			return;
		}
		if (seen.indexOf("\r\n\r\n") < 0) {
			if (seen.length() > 16384) {
				closeConnection(key);
			}
			return;
		}
		response.clear();
		// A 60-byte answer fits any loopback socket buffer: one write suffices.
		channel.write(response);
		this.answered.incrementAndGet();
		closeConnection(key);
	}

	private void keepAlive(SelectionKey key, SocketChannel channel, StringBuilder seen) throws IOException {
		int end;
		while ((end = seen.indexOf("\r\n\r\n")) >= 0) {
			String request = seen.substring(0, end).toLowerCase(java.util.Locale.ROOT);
			seen.delete(0, end + 4);
			ByteBuffer answer = ByteBuffer.wrap(KEEP_ALIVE_RESPONSE);
			while (answer.hasRemaining()) {
				// Small answers to a loopback peer: the socket buffer takes them at once.
				channel.write(answer);
			}
			this.answered.incrementAndGet();
			if (request.contains("connection: close")) {
				closeConnection(key);
				return;
			}
		}
		if (seen.length() > 16384) {
			closeConnection(key);
		}
	}

	private void closeConnection(SelectionKey key) {
		key.cancel();
		closeQuietly(key.channel());
		this.open--;
	}

	private void closeSockets() {
		for (ServerSocketChannel server : this.servers) {
			closeQuietly(server);
		}
		for (SelectionKey key : this.selector.keys()) {
			closeQuietly(key.channel());
		}
		closeQuietly(this.selector);
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// best effort
		}
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.selector.wakeup();
		try {
			this.stopped.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Runs a responder until standard input closes.
	 * @param args {@code <tcp|http> <first-host> <hosts> <first-port> <ports>}
	 * @throws IOException if standard input fails
	 */
	private static long maxFileDescriptors() {
		if (java.lang.management.ManagementFactory
			.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
			return unix.getMaxFileDescriptorCount();
		}
		return 4096;
	}

	public static void main(String[] args) throws IOException {
		if (args.length != 5) {
			System.err.println(
					"usage: LoopbackResponder <tcp|http|http_keep_alive> <first-host> <hosts> <first-port> <ports>");
			System.exit(2);
		}
		Mode mode = Mode.valueOf(args[0].toUpperCase(java.util.Locale.ROOT));
		List<String> hosts = loopbackHosts(args[1], Integer.parseInt(args[2]));
		List<Integer> ports = ports(Integer.parseInt(args[3]), Integer.parseInt(args[4]));
		try (LoopbackResponder responder = start(mode, hosts, ports)) {
			System.out.println("READY " + responder.addresses().size());
			System.out.flush();
			while (System.in.read() >= 0) {
				// wait for the parent to close our input
			}
			System.out.println("ANSWERED " + responder.answered());
		}
	}

}
