package dev.clavier.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A real dnsmasq process on 127.0.0.1 for interoperability tests, authoritative for
 * {@code svc.test}, answering from a hosts file the test rewrites and from SRV records given
 * before start.
 *
 * <pre class="code">
 * assumeTrue(Dnsmasq.isInstalled(), "dnsmasq is not installed");
 * try (Dnsmasq dnsmasq = Dnsmasq.builder(tempDir)
 *         .host("backend.svc.test", "127.0.0.2")
 *         .srv("_http._tcp.svc.test", "backend.svc.test", 8080, 0, 10)
 *         .start()) {
 *     dnsmasq.host("backend.svc.test", "127.0.0.3").reloadHosts();
 * }
 * </pre>
 *
 * <p>
 * dnsmasq runs in the foreground with no configuration file, no upstream resolvers and no
 * {@code /etc/hosts}, a local TTL of 1 second, and its output in {@code dnsmasq.log} of the work
 * directory. Starting waits (at most 10 seconds) until it answers a DNS query. SRV records are
 * command-line options, so changing them takes a {@link #restart()}.
 *
 * <p>
 * Thread-safe.
 */
public final class Dnsmasq implements AutoCloseable {

	/**
	 * The domain dnsmasq answers for without forwarding.
	 */
	public static final String DOMAIN = "svc.test";

	private static final Logger logger = LoggerFactory.getLogger(Dnsmasq.class);

	private static final Path SBIN_DNSMASQ = Paths.get("/usr/sbin/dnsmasq");

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration QUERY_TIMEOUT = Duration.ofMillis(250);

	private static final int START_ATTEMPTS = 3;

	private static final long STOP_SECONDS = 5;

	private final Path binary;

	private final Path workDir;

	private final Path hostsFile;

	private final Path logFile;

	private final Object lock = new Object();

	// guarded by lock
	private final Map<String, List<String>> hosts;

	// guarded by lock
	private final List<String> srvHosts;

	// guarded by lock
	private @Nullable Process process;

	// guarded by lock
	private boolean closed;

	private volatile int port;

	private Dnsmasq(Path binary, Builder builder) {
		this.binary = binary;
		this.workDir = builder.workDir;
		this.hostsFile = builder.workDir.resolve("dnsmasq.hosts");
		this.logFile = builder.workDir.resolve("dnsmasq.log");
		this.hosts = new LinkedHashMap<>(builder.hosts);
		this.srvHosts = new ArrayList<>(builder.srvHosts);
	}

	/**
	 * Returns whether the dnsmasq binary is on the {@code PATH} or at {@code /usr/sbin/dnsmasq}.
	 * @return whether dnsmasq is installed
	 */
	public static boolean isInstalled() {
		return findBinary().isPresent();
	}

	/**
	 * Starts dnsmasq with an empty hosts file.
	 * @param workDir the directory for the hosts and log files
	 * @return the running dnsmasq
	 * @throws IllegalStateException if dnsmasq is not installed or does not start
	 */
	public static Dnsmasq start(Path workDir) {
		return builder(workDir).start();
	}

	/**
	 * Returns a builder for a dnsmasq process using the given work directory.
	 * @param workDir the directory for the hosts and log files
	 * @return a new builder
	 */
	public static Builder builder(Path workDir) {
		return new Builder(workDir);
	}

	/**
	 * Returns the address dnsmasq listens on (UDP and TCP).
	 * @return the socket address
	 */
	public InetSocketAddress address() {
		return new InetSocketAddress(Loopback.ipv4(), this.port);
	}

	/**
	 * Returns the resolver address, such as {@code 127.0.0.1:41234}.
	 * @return the host and port
	 */
	public String hostAndPort() {
		return "127.0.0.1:" + this.port;
	}

	/**
	 * Returns the port dnsmasq listens on, which stays the same across {@link #restart()}.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Sets the addresses of a host name in the hosts file, replacing earlier ones; no address
	 * removes the name. Takes effect on {@link #reloadHosts()}.
	 * @param name the host name, such as {@code backend.svc.test}
	 * @param ips IPv4 or IPv6 address literals
	 * @return this dnsmasq
	 */
	public Dnsmasq host(String name, String... ips) {
		synchronized (this.lock) {
			putHost(this.hosts, name, ips);
		}
		return this;
	}

	/**
	 * Replaces the whole hosts file content. Takes effect on {@link #reloadHosts()}.
	 * @param hosts host names to their address literals
	 * @return this dnsmasq
	 */
	public Dnsmasq hosts(Map<String, List<String>> hosts) {
		Objects.requireNonNull(hosts, "hosts");
		synchronized (this.lock) {
			this.hosts.clear();
			hosts.forEach((name, ips) -> putHost(this.hosts, name, ips.toArray(String[]::new)));
		}
		return this;
	}

	/**
	 * Adds an SRV record. Takes effect on {@link #restart()}.
	 * @param name the SRV owner name, such as {@code _http._tcp.svc.test}
	 * @param target the target host name
	 * @param port the port
	 * @param priority the priority
	 * @param weight the weight
	 * @return this dnsmasq
	 */
	public Dnsmasq srv(String name, String target, int port, int priority, int weight) {
		synchronized (this.lock) {
			this.srvHosts.add(srvHost(name, target, port, priority, weight));
		}
		return this;
	}

	/**
	 * Rewrites the hosts file and sends dnsmasq SIGHUP, which clears its cache and re-reads
	 * the file. Clients see the change once dnsmasq has processed the signal; wait for it.
	 * @return this dnsmasq
	 * @throws IllegalStateException if dnsmasq is not running or the signal fails
	 */
	public Dnsmasq reloadHosts() {
		long pid;
		synchronized (this.lock) {
			Process running = this.process;
			if (running == null || !running.isAlive()) {
				throw new IllegalStateException("dnsmasq is not running" + logTail());
			}
			writeHostsFile();
			pid = running.pid();
		}
		signalHangUp(pid);
		logger.info("Reloaded dnsmasq hosts on {}", hostAndPort());
		return this;
	}

	/**
	 * Stops dnsmasq and starts it again on the same port with the current hosts and SRV
	 * records.
	 * @return this dnsmasq
	 * @throws IllegalStateException if dnsmasq does not start or is closed
	 */
	public Dnsmasq restart() {
		synchronized (this.lock) {
			if (this.closed) {
				throw new IllegalStateException("dnsmasq is closed");
			}
			destroy();
			writeHostsFile();
			launch(this.port);
		}
		return this;
	}

	/**
	 * Returns whether the dnsmasq process is alive.
	 * @return whether dnsmasq runs
	 */
	public boolean isRunning() {
		synchronized (this.lock) {
			return this.process != null && this.process.isAlive();
		}
	}

	/**
	 * Destroys the dnsmasq process and waits for it to end. Idempotent.
	 */
	@Override
	public void close() {
		synchronized (this.lock) {
			this.closed = true;
			destroy();
		}
	}

	@Override
	public String toString() {
		return "Dnsmasq[" + hostAndPort() + "]";
	}

	private void startFirst() {
		synchronized (this.lock) {
			writeHostsFile();
			@Nullable RuntimeException last = null;
			for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
				try {
					launch(freePort());
					return;
				}
				catch (RuntimeException ex) {
					last = ex;
					logger.debug("Starting dnsmasq failed (attempt {} of {}): {}", attempt, START_ATTEMPTS,
							ex.toString());
				}
			}
			throw Objects.requireNonNull(last);
		}
	}

	// guarded by lock
	private void launch(int launchPort) {
		List<String> command = new ArrayList<>(List.of(this.binary.toString(), "--keep-in-foreground",
				"--conf-file=/dev/null", "--pid-file=", "--no-resolv", "--no-hosts", "--addn-hosts=" + this.hostsFile,
				"--listen-address=127.0.0.1", "--bind-interfaces", "--port=" + launchPort, "--local=/" + DOMAIN + "/",
				"--local-ttl=1", "--user=" + System.getProperty("user.name")));
		for (String srvHost : this.srvHosts) {
			command.add("--srv-host=" + srvHost);
		}
		logger.debug("Starting {}", command);
		Process started;
		try {
			started = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.logFile.toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start " + command, ex);
		}
		this.process = started;
		this.port = launchPort;
		try {
			awaitReady(started, launchPort);
		}
		catch (RuntimeException ex) {
			destroy();
			throw ex;
		}
		logger.info("Started dnsmasq (pid {}) on 127.0.0.1:{}", started.pid(), launchPort);
	}

	private void awaitReady(Process started, int launchPort) {
		byte[] query;
		try {
			query = Message.newQuery(Record.newRecord(Name.fromString("clavier-ready." + DOMAIN + "."), Type.A, DClass.IN))
				.toWire();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		// A plain socket, not dnsjava's resolver: that one would start dnsjava's JVM-wide NIO
		// selector thread, which tests of Clavier's own DNS transport must not find.
		InetSocketAddress target = new InetSocketAddress(Loopback.ipv4(), launchPort);
		long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
		try (java.net.DatagramSocket socket = new java.net.DatagramSocket(new InetSocketAddress(Loopback.ipv4(), 0))) {
			socket.setSoTimeout((int) QUERY_TIMEOUT.toMillis());
			while (System.nanoTime() < deadline) {
				if (!started.isAlive()) {
					throw new IllegalStateException(
							"dnsmasq exited with status " + started.exitValue() + " before answering" + logTail());
				}
				try {
					socket.send(new java.net.DatagramPacket(query, query.length, target));
					java.net.DatagramPacket reply = new java.net.DatagramPacket(new byte[512], 512);
					socket.receive(reply);
					new Message(java.util.Arrays.copyOf(reply.getData(), reply.getLength()));
					return;
				}
				catch (IOException ex) {
					logger.debug("dnsmasq on port {} not answering yet: {}", launchPort, ex.toString());
				}
				try {
					if (started.waitFor(50, TimeUnit.MILLISECONDS)) {
						continue;
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("Interrupted while waiting for dnsmasq", ex);
				}
			}
		}
		catch (java.net.SocketException ex) {
			throw new UncheckedIOException(ex);
		}
		throw new IllegalStateException("dnsmasq did not answer within " + READY_TIMEOUT + logTail());
	}

	// guarded by lock
	private void destroy() {
		Process running = this.process;
		this.process = null;
		if (running == null) {
			return;
		}
		running.destroy();
		try {
			if (!running.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
				running.destroyForcibly().waitFor(STOP_SECONDS, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			running.destroyForcibly();
		}
		logger.info("Stopped dnsmasq (pid {}) on 127.0.0.1:{}", running.pid(), this.port);
	}

	// guarded by lock
	private void writeHostsFile() {
		StringBuilder content = new StringBuilder();
		this.hosts.forEach((name, ips) -> ips.forEach((ip) -> content.append(ip).append(' ').append(name).append('\n')));
		try {
			Path temporary = Files.createTempFile(this.workDir, "dnsmasq", ".hosts");
			Files.writeString(temporary, content, StandardCharsets.UTF_8);
			Files.move(temporary, this.hostsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write " + this.hostsFile, ex);
		}
	}

	private void signalHangUp(long pid) {
		try {
			Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid)).redirectErrorStream(true).start();
			if (!kill.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
				kill.destroyForcibly();
				throw new IllegalStateException("kill -HUP " + pid + " did not end");
			}
			if (kill.exitValue() != 0) {
				throw new IllegalStateException("kill -HUP " + pid + " failed: "
						+ new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot run kill -HUP " + pid, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while signalling dnsmasq", ex);
		}
	}

	private String logTail() {
		try {
			if (!Files.exists(this.logFile)) {
				return "";
			}
			List<String> lines = Files.readAllLines(this.logFile, StandardCharsets.UTF_8);
			return "; dnsmasq log: " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
		}
		catch (IOException ex) {
			return "";
		}
	}

	private static int freePort() {
		InetAddress loopback = Loopback.ipv4();
		for (int attempt = 0; attempt < 20; attempt++) {
			try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
				int candidate = udp.getLocalPort();
				try (ServerSocket tcp = new ServerSocket()) {
					tcp.setReuseAddress(true);
					tcp.bind(new InetSocketAddress(loopback, candidate));
					return candidate;
				}
				catch (IOException ex) {
					logger.debug("Port {} is taken over TCP: {}", candidate, ex.toString());
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot find a free port on 127.0.0.1", ex);
			}
		}
		throw new IllegalStateException("Cannot find a port free over UDP and TCP on 127.0.0.1");
	}

	private static Optional<Path> findBinary() {
		String path = System.getenv("PATH");
		if (path != null) {
			for (String directory : path.split(java.io.File.pathSeparator)) {
				if (directory.isEmpty()) {
					continue;
				}
				Path candidate = Paths.get(directory, "dnsmasq");
				if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
					return Optional.of(candidate);
				}
			}
		}
		return (Files.isRegularFile(SBIN_DNSMASQ) && Files.isExecutable(SBIN_DNSMASQ)) ? Optional.of(SBIN_DNSMASQ)
				: Optional.empty();
	}

	private static void putHost(Map<String, List<String>> hosts, String name, String... ips) {
		Objects.requireNonNull(name, "name");
		if (name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
			throw new IllegalArgumentException("name: '" + name + "' (expected: a host name)");
		}
		List<String> addresses = new ArrayList<>();
		for (String ip : ips) {
			Objects.requireNonNull(ip, "ip");
			if (ip.isBlank() || ip.chars().anyMatch(Character::isWhitespace)) {
				throw new IllegalArgumentException("ip: '" + ip + "' (expected: an address literal)");
			}
			addresses.add(ip);
		}
		if (addresses.isEmpty()) {
			hosts.remove(name);
		}
		else {
			hosts.put(name, List.copyOf(addresses));
		}
	}

	private static String srvHost(String name, String target, int port, int priority, int weight) {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(target, "target");
		new SrvTarget(priority, weight, port, target);
		for (String part : new String[] { name, target }) {
			if (part.isBlank() || part.contains(",") || part.chars().anyMatch(Character::isWhitespace)) {
				throw new IllegalArgumentException("name: '" + part + "' (expected: a DNS name)");
			}
		}
		return name + "," + target + "," + port + "," + priority + "," + weight;
	}

	/**
	 * Builds and starts a {@link Dnsmasq}. Not thread-safe.
	 */
	public static final class Builder {

		private final Path workDir;

		private final Map<String, List<String>> hosts = new LinkedHashMap<>();

		private final List<String> srvHosts = new ArrayList<>();

		Builder(Path workDir) {
			this.workDir = Objects.requireNonNull(workDir, "workDir");
		}

		/**
		 * Sets the addresses of a host name in the hosts file, replacing earlier ones.
		 * @param name the host name, such as {@code backend.svc.test}
		 * @param ips IPv4 or IPv6 address literals
		 * @return this builder
		 */
		public Builder host(String name, String... ips) {
			putHost(this.hosts, name, ips);
			return this;
		}

		/**
		 * Sets the whole hosts file content.
		 * @param hosts host names to their address literals
		 * @return this builder
		 */
		public Builder hosts(Map<String, List<String>> hosts) {
			Objects.requireNonNull(hosts, "hosts");
			this.hosts.clear();
			hosts.forEach((name, ips) -> putHost(this.hosts, name, ips.toArray(String[]::new)));
			return this;
		}

		/**
		 * Adds an SRV record ({@code --srv-host=name,target,port,priority,weight}).
		 * @param name the SRV owner name, such as {@code _http._tcp.svc.test}
		 * @param target the target host name
		 * @param port the port
		 * @param priority the priority
		 * @param weight the weight
		 * @return this builder
		 */
		public Builder srv(String name, String target, int port, int priority, int weight) {
			this.srvHosts.add(srvHost(name, target, port, priority, weight));
			return this;
		}

		/**
		 * Starts dnsmasq on a free port of 127.0.0.1 and waits until it answers.
		 * @return the running dnsmasq
		 * @throws IllegalStateException if dnsmasq is not installed or does not start
		 */
		public Dnsmasq start() {
			Path binary = findBinary().orElseThrow(
					() -> new IllegalStateException("dnsmasq is not installed (install dnsmasq-base)"));
			try {
				Files.createDirectories(this.workDir);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot create " + this.workDir, ex);
			}
			Dnsmasq dnsmasq = new Dnsmasq(binary, this);
			dnsmasq.startFirst();
			return dnsmasq;
		}

	}

}
