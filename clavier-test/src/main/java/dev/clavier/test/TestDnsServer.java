package dev.clavier.test;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * An in-process authoritative DNS server on a loopback address, answering over UDP and TCP on
 * the same port from a zone that tests change at run time, with injectable faults.
 *
 * <pre class="code">
 * try (TestDnsServer dns = TestDnsServer.start()) {
 *     dns.a("backend.svc.test", 1, "127.0.0.2", "127.0.0.3");
 *     String resolver = dns.hostAndPort(); // "127.0.0.1:41234"
 *     dns.fault(DnsFault.SERVFAIL);
 * }
 * </pre>
 *
 * <p>
 * Answers behave like a real authoritative server: QR and AA set, id and question echoed; a
 * known name and type gives its records; a name with a CNAME gives the CNAME and, when the
 * target is in the zone, the target's records (chased at most {@value #MAX_CNAME_DEPTH} deep, so
 * a CNAME loop ends); a known name without records of the asked type gives NOERROR with an empty
 * answer (NODATA); an unknown name gives NXDOMAIN. SRV answers carry the targets' A and AAAA
 * records in the additional section. UDP answers larger than 512 bytes, or the EDNS payload size
 * the query offers (at most 4096), are truncated with the TC bit set.
 *
 * <p>
 * Names are case-insensitive and taken as absolute whether or not they end with a dot. UDP is
 * served by one thread, TCP connections are accepted by one thread and served by short-lived
 * ones, all daemon threads named {@code clavier-test-dns-<n>}.
 *
 * <p>
 * Thread-safe: the zone is copy-on-write and faults and answers may be changed from any thread
 * while queries are served.
 */
public final class TestDnsServer implements AutoCloseable {

	/**
	 * The maximum number of CNAME records followed for one answer.
	 */
	public static final int MAX_CNAME_DEPTH = 8;

	private static final Logger logger = LoggerFactory.getLogger(TestDnsServer.class);

	private static final int PLAIN_UDP_SIZE = 512;

	private static final int MAX_UDP_SIZE = 4096;

	private static final int RANDOM_PORT_ATTEMPTS = 20;

	private static final int TCP_IDLE_TIMEOUT_MILLIS = 30_000;

	private static final long JOIN_MILLIS = 2_000;

	private final NamedThreadFactory threadFactory = new NamedThreadFactory("dns");

	private final ExecutorService connectionExecutor = Executors.newCachedThreadPool(this.threadFactory);

	private final Object zoneLock = new Object();

	// written under zoneLock, read without lock
	private volatile Map<Name, Map<Integer, List<Record>>> zone = Map.of();

	private volatile DnsFault fault = DnsFault.NONE;

	private final ConcurrentMap<Name, DnsFault> faults = new ConcurrentHashMap<>();

	private final AtomicInteger queryCount = new AtomicInteger();

	private final ConcurrentMap<Name, AtomicInteger> queryCounts = new ConcurrentHashMap<>();

	private final LoopbackLifecycle<Binding> lifecycle;

	private TestDnsServer(InetAddress address) {
		this.lifecycle = new LoopbackLifecycle<>(address, 0, "Test DNS server on %s is closed");
	}

	/**
	 * Creates a server and starts it on a random port of 127.0.0.1 (UDP and TCP).
	 * @return the running server
	 * @throws UncheckedIOException if no port could be bound
	 */
	public static TestDnsServer start() {
		return start(Loopback.ipv4());
	}

	/**
	 * Creates a server and starts it on a random port of the given loopback address.
	 * @param address a loopback address literal such as {@code 127.0.0.2} or {@code ::1}
	 * @return the running server
	 * @throws UncheckedIOException if no port could be bound
	 */
	public static TestDnsServer start(String address) {
		return start(Loopback.requireLoopback(address));
	}

	/**
	 * Creates a server and starts it on a random port of the given loopback address.
	 * @param address a loopback address (127.0.0.0/8 or ::1)
	 * @return the running server
	 * @throws UncheckedIOException if no port could be bound
	 */
	public static TestDnsServer start(InetAddress address) {
		TestDnsServer server = new TestDnsServer(Loopback.requireLoopback(address));
		server.bindRandomPort();
		return server;
	}

	/**
	 * Returns the address and port the server listens on (UDP and TCP).
	 * @return the socket address
	 */
	public InetSocketAddress address() {
		return this.lifecycle.address();
	}

	/**
	 * Returns the server as a resolver address: {@code 127.0.0.1:41234}, or {@code [::1]:41234}
	 * for IPv6.
	 * @return the host and port
	 */
	public String hostAndPort() {
		return this.lifecycle.hostAndPort();
	}

	/**
	 * Returns the port the server listens on; it stays the same across {@link #restart()}.
	 * @return the port
	 */
	public int port() {
		return this.lifecycle.port();
	}

	/**
	 * Sets the A records of a name, replacing earlier ones; no address makes the name known
	 * without A records (NODATA).
	 * @param name the owner name
	 * @param ttlSeconds the TTL in seconds
	 * @param ipv4 IPv4 address literals
	 * @return this server
	 */
	public TestDnsServer a(String name, long ttlSeconds, String... ipv4) {
		Name owner = name(name);
		List<Record> records = new ArrayList<>();
		for (String ip : ipv4) {
			records.add(new ARecord(owner, DClass.IN, ttlSeconds, literal(ip, Address.IPv4)));
		}
		put(owner, Type.A, records);
		return this;
	}

	/**
	 * Sets the AAAA records of a name, replacing earlier ones; no address makes the name known
	 * without AAAA records (NODATA).
	 * @param name the owner name
	 * @param ttlSeconds the TTL in seconds
	 * @param ipv6 IPv6 address literals
	 * @return this server
	 */
	public TestDnsServer aaaa(String name, long ttlSeconds, String... ipv6) {
		Name owner = name(name);
		List<Record> records = new ArrayList<>();
		for (String ip : ipv6) {
			records.add(new AAAARecord(owner, DClass.IN, ttlSeconds, literal(ip, Address.IPv6)));
		}
		put(owner, Type.AAAA, records);
		return this;
	}

	/**
	 * Sets the SRV records of a name, replacing earlier ones. Answers carry the A and AAAA
	 * records the zone holds for the targets in the additional section.
	 * @param name the owner name, such as {@code _http._tcp.backend.svc.test}
	 * @param ttlSeconds the TTL in seconds
	 * @param targets the targets
	 * @return this server
	 */
	public TestDnsServer srv(String name, long ttlSeconds, SrvTarget... targets) {
		Name owner = name(name);
		List<Record> records = new ArrayList<>();
		for (SrvTarget target : targets) {
			Objects.requireNonNull(target, "target");
			records.add(new SRVRecord(owner, DClass.IN, ttlSeconds, target.priority(), target.weight(),
					target.port(), name(target.target())));
		}
		put(owner, Type.SRV, records);
		return this;
	}

	/**
	 * Sets the CNAME record of a name, replacing an earlier one.
	 * @param name the owner name
	 * @param ttlSeconds the TTL in seconds
	 * @param target the canonical name
	 * @return this server
	 */
	public TestDnsServer cname(String name, long ttlSeconds, String target) {
		Name owner = name(name);
		put(owner, Type.CNAME, List.of(new CNAMERecord(owner, DClass.IN, ttlSeconds, name(target))));
		return this;
	}

	/**
	 * Sets the records answered for a name and type as given, replacing earlier ones; the
	 * records may have another owner name or type than asked, to test clients against answers
	 * that do not match the question.
	 * @param name the name the records answer
	 * @param type the type the records answer ({@link Type#A}, ...)
	 * @param records the records, in answer order
	 * @return this server
	 */
	public TestDnsServer records(String name, int type, List<Record> records) {
		Type.check(type);
		put(name(name), type, List.copyOf(records));
		return this;
	}

	/**
	 * Removes every record of a name, which then gets NXDOMAIN.
	 * @param name the name
	 * @return this server
	 */
	public TestDnsServer remove(String name) {
		Name owner = name(name);
		synchronized (this.zoneLock) {
			if (this.zone.containsKey(owner)) {
				Map<Name, Map<Integer, List<Record>>> updated = new HashMap<>(this.zone);
				updated.remove(owner);
				this.zone = Map.copyOf(updated);
			}
		}
		return this;
	}

	/**
	 * Removes every record of every name.
	 * @return this server
	 */
	public TestDnsServer clear() {
		synchronized (this.zoneLock) {
			this.zone = Map.of();
		}
		return this;
	}

	/**
	 * Sets the fault injected into answers for names without a fault of their own.
	 * @param fault the fault, {@link DnsFault#NONE} to answer normally
	 * @return this server
	 */
	public TestDnsServer fault(DnsFault fault) {
		this.fault = Objects.requireNonNull(fault, "fault");
		return this;
	}

	/**
	 * Sets the fault injected into answers for one name, which wins over the global fault.
	 * @param name the name
	 * @param fault the fault; {@link DnsFault#NONE} removes the name's fault, so the global
	 * fault applies again
	 * @return this server
	 */
	public TestDnsServer fault(String name, DnsFault fault) {
		Objects.requireNonNull(fault, "fault");
		Name owner = name(name);
		if (fault == DnsFault.NONE) {
			this.faults.remove(owner);
		}
		else {
			this.faults.put(owner, fault);
		}
		return this;
	}

	/**
	 * Removes the global fault and every per-name fault.
	 * @return this server
	 */
	public TestDnsServer clearFaults() {
		this.fault = DnsFault.NONE;
		this.faults.clear();
		return this;
	}

	/**
	 * Returns the number of queries received over UDP and TCP, faulted ones included.
	 * @return the query count
	 */
	public int queryCount() {
		return this.queryCount.get();
	}

	/**
	 * Returns the number of queries received for one name, any type.
	 * @param name the name
	 * @return the query count
	 */
	public int queryCount(String name) {
		AtomicInteger count = this.queryCounts.get(name(name));
		return (count != null) ? count.get() : 0;
	}

	/**
	 * Resets the query counters to zero.
	 * @return this server
	 */
	public TestDnsServer resetQueryCounts() {
		this.queryCount.set(0);
		this.queryCounts.clear();
		return this;
	}

	/**
	 * Returns whether the server is listening.
	 * @return whether the sockets are open
	 */
	public boolean isRunning() {
		return this.lifecycle.isRunning();
	}

	/**
	 * Closes the sockets and open TCP connections; queries then get no answer over UDP and a
	 * refused connection over TCP. The zone, faults and counters are kept. Does nothing when
	 * already stopped.
	 */
	public void stop() {
		Binding stopped = this.lifecycle.stop();
		if (stopped != null) {
			stopped.close();
			logger.info("Stopped test DNS server on {}", hostAndPort());
		}
	}

	/**
	 * Starts the server again on the same address and port, after stopping it if it runs,
	 * retrying for a few seconds while the port is still held.
	 * @return this server
	 * @throws UncheckedIOException if the port could not be bound again
	 * @throws IllegalStateException if the server is closed
	 */
	public TestDnsServer restart() {
		stop();
		boolean restarted;
		try {
			restarted = this.lifecycle.start(() -> this.lifecycle.bind(() -> bind(port())));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot bind test DNS server again on " + hostAndPort(), ex);
		}
		if (restarted) {
			logger.info("Restarted test DNS server on {} (UDP and TCP)", hostAndPort());
		}
		return this;
	}

	/**
	 * Stops the server and its threads; it cannot be restarted. Idempotent.
	 */
	@Override
	public void close() {
		this.lifecycle.close();
		stop();
		this.connectionExecutor.shutdownNow();
	}

	@Override
	public String toString() {
		return "TestDnsServer[" + hostAndPort() + ", names=" + this.zone.size() + ", fault=" + this.fault + "]";
	}

	private void bindRandomPort() {
		@Nullable IOException last = null;
		for (int attempt = 0; attempt < RANDOM_PORT_ATTEMPTS; attempt++) {
			try {
				this.lifecycle.start(() -> bind(0));
				logger.info("Started test DNS server on {} (UDP and TCP)", hostAndPort());
				return;
			}
			catch (IOException ex) {
				last = ex;
				logger.debug("Binding UDP and TCP on one random port of {} failed: {}",
						this.lifecycle.inetAddress().getHostAddress(), ex.toString());
			}
		}
		throw new UncheckedIOException(
				"Cannot bind UDP and TCP on one port of " + this.lifecycle.inetAddress().getHostAddress() + " (tried "
						+ RANDOM_PORT_ATTEMPTS + " ports)",
				Objects.requireNonNull(last));
	}

	private Binding bind(int requestedPort) throws IOException {
		DatagramSocket udp = new DatagramSocket(null);
		ServerSocket tcp = null;
		try {
			udp.bind(new InetSocketAddress(this.lifecycle.inetAddress(), requestedPort));
			int boundPort = udp.getLocalPort();
			tcp = new ServerSocket();
			tcp.setReuseAddress(true);
			tcp.bind(new InetSocketAddress(this.lifecycle.inetAddress(), boundPort), 50);
			this.lifecycle.bound(boundPort);
			Binding bound = new Binding(udp, tcp);
			bound.start();
			return bound;
		}
		catch (IOException | RuntimeException ex) {
			udp.close();
			if (tcp != null) {
				tcp.close();
			}
			throw ex;
		}
	}

	private void put(Name owner, int type, List<Record> records) {
		synchronized (this.zoneLock) {
			Map<Name, Map<Integer, List<Record>>> updated = new HashMap<>(this.zone);
			Map<Integer, List<Record>> types = new LinkedHashMap<>(updated.getOrDefault(owner, Map.of()));
			types.put(type, List.copyOf(records));
			updated.put(owner, Map.copyOf(types));
			this.zone = Map.copyOf(updated);
		}
	}

	/**
	 * Returns the wire answer to a query, or {@code null} to send nothing.
	 */
	private byte @Nullable [] answer(byte[] wire, boolean udp) {
		Message query;
		try {
			query = new Message(wire);
		}
		catch (IOException ex) {
			logger.debug("Ignoring unparseable query on {}: {}", hostAndPort(), ex.toString());
			return null;
		}
		Record question = query.getQuestion();
		if (question == null || query.getHeader().getFlag(Flags.QR)) {
			return null;
		}
		Name qname = canonical(question.getName());
		this.queryCount.incrementAndGet();
		this.queryCounts.computeIfAbsent(qname, (key) -> new AtomicInteger()).incrementAndGet();
		DnsFault applied = this.faults.getOrDefault(qname, this.fault);
		logger.debug("Query {} {} over {} on {} (fault {})", qname, Type.string(question.getType()),
				udp ? "UDP" : "TCP", hostAndPort(), applied);
		switch (applied) {
			case NO_ANSWER:
				return null;
			case GARBAGE:
				return garbage(query.getHeader().getID());
			case SERVFAIL:
				return response(query, Rcode.SERVFAIL).toWire();
			case NXDOMAIN:
				return response(query, Rcode.NXDOMAIN).toWire();
			case REFUSED:
				return response(query, Rcode.REFUSED).toWire();
			case TRUNCATED:
				if (udp) {
					Message truncated = response(query, Rcode.NOERROR);
					truncated.getHeader().setFlag(Flags.TC);
					return truncated.toWire();
				}
				break;
			default:
				break;
		}
		if (query.getHeader().getOpcode() != Opcode.QUERY) {
			return response(query, Rcode.NOTIMP).toWire();
		}
		Message response = resolve(query, qname, question.getType());
		return response.toWire(udp ? maxUdpSize(query) : Message.MAXLENGTH);
	}

	private Message resolve(Message query, Name qname, int qtype) {
		Map<Name, Map<Integer, List<Record>>> snapshot = this.zone;
		Map<Integer, List<Record>> entry = snapshot.get(qname);
		if (entry == null) {
			return response(query, Rcode.NXDOMAIN);
		}
		Message response = response(query, Rcode.NOERROR);
		List<Record> answers = new ArrayList<>();
		Set<Name> visited = new HashSet<>();
		Name current = qname;
		Map<Integer, List<Record>> currentEntry = entry;
		for (int depth = 0; currentEntry != null; depth++) {
			visited.add(current);
			List<Record> direct = (qtype == Type.ANY) ? all(currentEntry) : currentEntry.get(qtype);
			if (direct != null && !direct.isEmpty()) {
				answers.addAll(direct);
				break;
			}
			List<Record> cnames = currentEntry.get(Type.CNAME);
			if (cnames == null || cnames.isEmpty() || depth >= MAX_CNAME_DEPTH) {
				break;
			}
			answers.addAll(cnames);
			Record cname = cnames.get(0);
			if (!(cname instanceof CNAMERecord)) {
				break;
			}
			current = canonical(((CNAMERecord) cname).getTarget());
			if (visited.contains(current)) {
				break;
			}
			currentEntry = snapshot.get(current);
		}
		for (Record answer : answers) {
			response.addRecord(answer, Section.ANSWER);
		}
		for (Record answer : answers) {
			if (answer instanceof SRVRecord) {
				Map<Integer, List<Record>> target = snapshot.get(canonical(((SRVRecord) answer).getTarget()));
				if (target != null) {
					for (int type : new int[] { Type.A, Type.AAAA }) {
						for (Record record : target.getOrDefault(type, List.of())) {
							if (!response.findRecord(record, Section.ADDITIONAL)) {
								response.addRecord(record, Section.ADDITIONAL);
							}
						}
					}
				}
			}
		}
		return response;
	}

	private static List<Record> all(Map<Integer, List<Record>> entry) {
		List<Record> all = new ArrayList<>();
		entry.values().forEach(all::addAll);
		return all;
	}

	private static Message response(Message query, int rcode) {
		Message response = new Message(query.getHeader().getID());
		response.getHeader().setFlag(Flags.QR);
		response.getHeader().setFlag(Flags.AA);
		if (query.getHeader().getFlag(Flags.RD)) {
			response.getHeader().setFlag(Flags.RD);
		}
		response.getHeader().setOpcode(query.getHeader().getOpcode());
		response.getHeader().setRcode(rcode);
		response.addRecord(query.getQuestion(), Section.QUESTION);
		if (query.getOPT() != null) {
			response.addRecord(new OPTRecord(MAX_UDP_SIZE, 0, 0), Section.ADDITIONAL);
		}
		return response;
	}

	private static int maxUdpSize(Message query) {
		OPTRecord opt = query.getOPT();
		if (opt == null) {
			return PLAIN_UDP_SIZE;
		}
		return Math.max(PLAIN_UDP_SIZE, Math.min(opt.getPayloadSize(), MAX_UDP_SIZE));
	}

	private static byte[] garbage(int id) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		byte[] garbage = new byte[random.nextInt(12, 64)];
		random.nextBytes(garbage);
		// Echo the id so that clients parse it, and claim more questions than fit.
		garbage[0] = (byte) (id >>> 8);
		garbage[1] = (byte) id;
		garbage[4] = (byte) 0xff;
		garbage[5] = (byte) 0xff;
		return garbage;
	}

	private static Name name(String name) {
		Objects.requireNonNull(name, "name");
		try {
			return Name.fromString(name.toLowerCase(Locale.ROOT), Name.root);
		}
		catch (TextParseException ex) {
			throw new IllegalArgumentException("name: " + name + " (expected: a DNS name)", ex);
		}
	}

	private static Name canonical(Name name) {
		return name.canonicalize();
	}

	private static InetAddress literal(String ip, int family) {
		Objects.requireNonNull(ip, "ip");
		try {
			return Address.getByAddress(ip, family);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(
					"address: " + ip + " (expected: an IPv" + ((family == Address.IPv4) ? "4" : "6") + " literal)", ex);
		}
	}

	/**
	 * The sockets and threads of one run of the server.
	 */
	private final class Binding {

		private final DatagramSocket udp;

		private final ServerSocket tcp;

		private final Set<Socket> connections = ConcurrentHashMap.newKeySet();

		private final List<Thread> threads = new ArrayList<>();

		Binding(DatagramSocket udp, ServerSocket tcp) {
			this.udp = udp;
			this.tcp = tcp;
		}

		void start() {
			this.threads.add(TestDnsServer.this.threadFactory.newThread(this::serveUdp));
			this.threads.add(TestDnsServer.this.threadFactory.newThread(this::acceptTcp));
			this.threads.forEach(Thread::start);
		}

		void close() {
			this.udp.close();
			try {
				this.tcp.close();
			}
			catch (IOException ex) {
				logger.debug("Closing TCP socket of {} failed: {}", hostAndPort(), ex.toString());
			}
			for (Socket connection : this.connections) {
				closeQuietly(connection);
			}
			for (Thread thread : this.threads) {
				try {
					thread.join(JOIN_MILLIS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}

		private void serveUdp() {
			byte[] buffer = new byte[65535];
			while (!this.udp.isClosed()) {
				DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
				try {
					this.udp.receive(packet);
					byte[] reply = answer(Arrays.copyOfRange(buffer, packet.getOffset(), packet.getLength()), true);
					if (reply != null) {
						this.udp.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
					}
				}
				catch (IOException ex) {
					if (!this.udp.isClosed()) {
						logger.debug("UDP error on {}: {}", hostAndPort(), ex.toString());
					}
				}
				catch (RuntimeException ex) {
					logger.warn("Failed to answer a UDP query on {}", hostAndPort(), ex);
				}
			}
		}

		private void acceptTcp() {
			while (!this.tcp.isClosed()) {
				try {
					Socket connection = this.tcp.accept();
					this.connections.add(connection);
					if (this.tcp.isClosed()) {
						closeQuietly(connection);
						return;
					}
					TestDnsServer.this.connectionExecutor.execute(() -> serveTcp(connection));
				}
				catch (IOException ex) {
					if (!this.tcp.isClosed()) {
						logger.debug("TCP accept error on {}: {}", hostAndPort(), ex.toString());
					}
				}
				catch (RuntimeException ex) {
					// the executor is shut down: the server is closing
					logger.debug("Cannot serve a TCP connection on {}: {}", hostAndPort(), ex.toString());
				}
			}
		}

		private void serveTcp(Socket connection) {
			try (connection) {
				connection.setSoTimeout(TCP_IDLE_TIMEOUT_MILLIS);
				DataInputStream in = new DataInputStream(connection.getInputStream());
				DataOutputStream out = new DataOutputStream(connection.getOutputStream());
				while (true) {
					int length = in.readUnsignedShort();
					byte[] query = new byte[length];
					in.readFully(query);
					byte[] reply = answer(query, false);
					if (reply != null) {
						out.writeShort(reply.length);
						out.write(reply);
						out.flush();
					}
				}
			}
			catch (EOFException | SocketTimeoutException ex) {
				// the client closed the connection, or left it idle
			}
			catch (IOException ex) {
				logger.debug("TCP connection error on {}: {}", hostAndPort(), ex.toString());
			}
			catch (RuntimeException ex) {
				logger.warn("Failed to answer a TCP query on {}", hostAndPort(), ex);
			}
			finally {
				this.connections.remove(connection);
			}
		}

		private void closeQuietly(Socket connection) {
			try {
				connection.close();
			}
			catch (IOException ex) {
				logger.debug("Closing a TCP connection of {} failed: {}", hostAndPort(), ex.toString());
			}
		}

	}

}
