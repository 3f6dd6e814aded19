package dev.clavier.discovery.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import dev.clavier.Clavier;
import dev.clavier.discovery.DiscoveryResult;
import dev.clavier.discovery.DiscoverySession;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.internal.TestPluginContext;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.scout.Scouts;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * Fuzzes {@link DnsDiscovery} with hostile answers: a raw responder on loopback (UDP, and TCP on
 * the same port for the truncation fallback) answers every query with the bytes of a valid
 * answer, mutated as each generated {@link Mutation} says: bit flips, truncation, random bytes,
 * a wrong id, a wrong question, huge section counts, compression-pointer loops, trailing
 * garbage, the TC bit, hundreds of records. Each try runs one lookup through a discovery
 * session and checks that it completes, normally or with a {@link DnsLookupException}, within a
 * bound; meanwhile an engine listener on the same responder gets mutated answers on its own
 * schedule and must keep serving picks, then get the good set back once answers are valid again.
 */
class DnsDiscoveryFuzzTests {

	private static final String NAME = "fuzz.svc.test";

	private static final List<String> GOOD = List.of("127.0.0.2", "127.0.0.3", "127.0.0.4");

	private static final int PORT = 8080;

	private static final Duration QUERY_TIMEOUT = Duration.ofMillis(100);

	private static final Duration MIN_TTL = Duration.ofMillis(50);

	private static final Duration MAX_TTL = Duration.ofMillis(200);

	/** Far above the worst case of a lookup (two attempts of one query timeout, then TCP): a hang, not a slow answer. */
	private static final Duration HANG = Duration.ofSeconds(5);

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static @Nullable MutatingResponder responder;

	private static @Nullable TestPluginContext context;

	private static @Nullable DiscoverySession session;

	private static @Nullable Clavier clavier;

	private static @Nullable Listener listener;

	private static final int TRIES = 1500;

	private static final long SEED = 0x5EEDC1A71E7L;

	/** Weights of {@link Kind}'s constants, in declaration order. */
	private static final int[] WEIGHTS = { 12, 10, 8, 2, 8, 8, 6, 6, 6, 6, 6, 4 };

	private static final AtomicInteger lookups = new AtomicInteger();

	private static final AtomicInteger failedLookups = new AtomicInteger();

	@BeforeAll
	static void start() throws Exception {
		// Thousands of expected discovery failures: keep their WARN lines out of the build log.
		((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Listener.class)).setLevel(Level.ERROR);
		responder = new MutatingResponder();
		DnsDiscovery discovery = DnsDiscovery.builder()
			.name(NAME)
			.port(PORT)
			.servers(List.of(responder.hostAndPort()))
			.queryTimeout(QUERY_TIMEOUT)
			.minTtl(MIN_TTL)
			.maxTtl(MAX_TTL)
			.build();
		context = new TestPluginContext("fuzz", Duration.ofSeconds(1));
		session = discovery.open(context);
		clavier = Clavier.create();
		listener = clavier.addListener("fuzz", ListenerConfig.builder(discovery)
			.scout(Scouts.none())
			.discoveryRetry(Duration.ofMillis(20), Duration.ofMillis(100))
			.build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		assertThat(hosts(listener)).isEqualTo(GOOD);
	}

	@AfterAll
	static void stop() throws Exception {
		((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Listener.class)).setLevel(null);
		if (clavier != null) {
			clavier.close();
		}
		if (session != null) {
			session.close();
		}
		if (context != null) {
			context.close();
		}
		if (responder != null) {
			System.out.printf("DnsDiscoveryFuzzTests: %d lookups (%d failed), %d mutated answers sent%n", lookups.get(),
					failedLookups.get(), responder.answers.get());
			responder.close();
		}
	}

	/**
	 * Feeds {@link #TRIES} mutated answers, drawn from a fixed seed so that a failure replays
	 * exactly (the seed and the failing mutation are in the assertion message).
	 */
	@Test
	void discoverWhenAnswerMutatedShouldCompleteAndEngineShouldKeepServing() throws InterruptedException {
		Random random = new Random(SEED);
		for (int i = 0; i < TRIES; i++) {
			Mutation mutation = new Mutation(pick(random), random.nextLong());
			tryOne(mutation, "try " + i + " of seed " + SEED);
		}
		// Valid answers again: the engine gets the good set back.
		responder.mutation = null;
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(hosts(listener)).isEqualTo(GOOD);
			assertThat(listener.discoveryState().lastError()).isNull();
		});
	}

	private static void tryOne(Mutation mutation, String where) throws InterruptedException {
		responder.mutation = mutation;
		CompletableFuture<DiscoveryResult> lookup = session.discover();
		lookups.incrementAndGet();
		try {
			DiscoveryResult result = lookup.get(HANG.toMillis(), TimeUnit.MILLISECONDS);
			// Whatever the bytes said, what comes out is well-formed.
			assertThat(result.endpoints()).as("%s: %s", where, mutation)
				.hasSizeLessThanOrEqualTo(DnsDiscovery.MAX_ENDPOINTS)
				.allSatisfy((endpoint) -> assertThat(endpoint.port()).isEqualTo(PORT));
			assertThat(result.refreshAfter()).as("%s: %s", where, mutation).isBetween(MIN_TTL, MAX_TTL);
		}
		catch (TimeoutException ex) {
			fail("lookup did not complete within " + HANG + " (" + where + ": " + mutation + ")");
		}
		catch (ExecutionException ex) {
			failedLookups.incrementAndGet();
			// The documented failure, whatever went wrong inside: never a stray runtime exception.
			assertThat(ex.getCause()).as("failure in %s: %s", where, mutation).isInstanceOf(DnsLookupException.class);
		}
		// The engine, fed the same kind of answers on its own schedule, never loses its set.
		assertThat(listener.selection().isEmpty()).as("selection after %s: %s", where, mutation).isFalse();
		assertThat(listener.getEndpoint().port()).isEqualTo(PORT);
	}

	/** Picks a mutation kind with fixed weights: the subtle spoilers more often than plain noise. */
	private static Kind pick(Random random) {
		int total = 0;
		for (int weight : WEIGHTS) {
			total += weight;
		}
		int draw = random.nextInt(total);
		Kind[] kinds = Kind.values();
		for (int i = 0; i < kinds.length; i++) {
			draw -= WEIGHTS[i];
			if (draw < 0) {
				return kinds[i];
			}
		}
		return Kind.VALID;
	}

	private static List<String> hosts(Listener listener) {
		return listener.endpoints().stream().map(EndpointState::endpoint).map(Endpoint::host).toList();
	}

	enum Kind {

		/** Flips 1 to 16 bits anywhere after the id. */
		FLIP_BITS,

		/** Cuts the message short (keeping the id, so it is not dropped as another query's). */
		TRUNCATE,

		/** Random bytes of random length after the id. */
		RANDOM_BYTES,

		/** Another query's id: dropped, so the query times out. */
		WRONG_ID,

		/** A question other than the one asked (name or type changed). */
		WRONG_QUESTION,

		/** Section counts far above what the message holds. */
		HUGE_COUNTS,

		/** A compression pointer that points at itself. */
		POINTER_LOOP,

		/** Up to 2000 random bytes after a valid message. */
		TRAILING_GARBAGE,

		/** The TC bit set, so that the client asks again over TCP (where the answer is mutated too). */
		TC_BIT,

		/** Hundreds of A records, some of another class or owner, then bit flips. */
		MANY_RECORDS,

		/** A random slice of the message repeated or dropped. */
		SPLICE,

		/** No change. */
		VALID

	}

	/**
	 * One generated way to spoil an answer; deterministic for a seed, so every query of a try
	 * (retries, the TCP fallback) gets the same treatment.
	 */
	record Mutation(Kind kind, long seed) {

		byte[] apply(byte[] wire, boolean tcp) {
			Random random = new Random(this.seed);
			byte[] bytes = wire.clone();
			switch (this.kind) {
				case FLIP_BITS, MANY_RECORDS -> {
					int flips = 1 + random.nextInt(16);
					for (int i = 0; i < flips && bytes.length > 2; i++) {
						int bit = 16 + random.nextInt((bytes.length - 2) * 8);
						bytes[bit / 8] ^= (byte) (1 << (bit % 8));
					}
				}
				case TRUNCATE -> bytes = Arrays.copyOf(bytes, 2 + random.nextInt(bytes.length - 2));
				case RANDOM_BYTES -> {
					byte[] noise = new byte[2 + random.nextInt(1200)];
					random.nextBytes(noise);
					noise[0] = bytes[0];
					noise[1] = bytes[1];
					bytes = noise;
				}
				case WRONG_ID -> bytes[1] ^= (byte) (1 + random.nextInt(255));
				case WRONG_QUESTION -> {
					// The first label's first character (offset 13) or the question type (after the name).
					if (random.nextBoolean()) {
						bytes[13] = (byte) ('a' + (bytes[13] - 'a' + 1 + random.nextInt(24)) % 26);
					}
					else {
						int type = 12 + NAME.length() + 2;
						bytes[type + 1] = (byte) Type.AAAA;
					}
				}
				case HUGE_COUNTS -> {
					int counts = 1 + random.nextInt(4);
					for (int i = 0; i < counts; i++) {
						int field = 4 + 2 * random.nextInt(4);
						bytes[field] = (byte) 0xff;
						bytes[field + 1] = (byte) random.nextInt(256);
					}
				}
				case POINTER_LOOP -> {
					// The question name (offset 12) or the first answer's owner becomes a pointer to itself.
					int at = random.nextBoolean() ? 12 : 12 + NAME.length() + 2 + 4;
					bytes[at] = (byte) (0xc0 | (at >> 8));
					bytes[at + 1] = (byte) at;
				}
				case TRAILING_GARBAGE -> {
					byte[] garbage = new byte[1 + random.nextInt(2000)];
					random.nextBytes(garbage);
					byte[] longer = Arrays.copyOf(bytes, bytes.length + garbage.length);
					System.arraycopy(garbage, 0, longer, bytes.length, garbage.length);
					bytes = longer;
				}
				case TC_BIT -> {
					if (!tcp) {
						bytes[2] |= 0x02;
					}
					else {
						int bit = 16 + random.nextInt((bytes.length - 2) * 8);
						bytes[bit / 8] ^= (byte) (1 << (bit % 8));
					}
				}
				case SPLICE -> {
					int from = 2 + random.nextInt(bytes.length - 2);
					int to = from + random.nextInt(bytes.length - from + 1);
					byte[] slice = Arrays.copyOfRange(bytes, from, to);
					byte[] spliced;
					if (random.nextBoolean()) {
						spliced = new byte[bytes.length + slice.length];
						System.arraycopy(bytes, 0, spliced, 0, to);
						System.arraycopy(slice, 0, spliced, to, slice.length);
						System.arraycopy(bytes, to, spliced, to + slice.length, bytes.length - to);
					}
					else {
						spliced = new byte[bytes.length - slice.length];
						System.arraycopy(bytes, 0, spliced, 0, from);
						System.arraycopy(bytes, to, spliced, from, bytes.length - to);
					}
					bytes = spliced;
				}
				case VALID -> {
				}
			}
			return bytes;
		}

	}

	/**
	 * Answers every query for {@code NAME A} with the good set (hundreds of records for
	 * {@link Kind#MANY_RECORDS}), any other with NXDOMAIN, then applies the current mutation.
	 * UDP and TCP on one loopback port, each served by one daemon thread.
	 */
	static final class MutatingResponder implements AutoCloseable {

		final AtomicInteger answers = new AtomicInteger();

		volatile @Nullable Mutation mutation;

		private final DatagramSocket udp;

		private final ServerSocket tcp;

		private final List<Thread> threads = new ArrayList<>();

		MutatingResponder() throws IOException {
			InetAddress loopback = InetAddress.getByName("127.0.0.1");
			DatagramSocket udp = null;
			ServerSocket tcp = null;
			// The TCP port must be the UDP one: retry on the rare clash with another socket.
			for (int attempt = 0; attempt < 20 && tcp == null; attempt++) {
				udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
				try {
					tcp = new ServerSocket(udp.getLocalPort(), 50, loopback);
				}
				catch (IOException ex) {
					udp.close();
				}
			}
			if (tcp == null) {
				throw new IOException("no port free for both UDP and TCP on 127.0.0.1");
			}
			this.udp = udp;
			this.tcp = tcp;
			start("clavier-test-fuzz-dns-udp", this::serveUdp);
			start("clavier-test-fuzz-dns-tcp", this::serveTcp);
		}

		String hostAndPort() {
			return "127.0.0.1:" + this.udp.getLocalPort();
		}

		private void start(String name, Runnable loop) {
			Thread thread = new Thread(loop, name);
			thread.setDaemon(true);
			thread.start();
			this.threads.add(thread);
		}

		private void serveUdp() {
			byte[] buffer = new byte[65535];
			while (!this.udp.isClosed()) {
				try {
					DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
					this.udp.receive(packet);
					byte[] answer = answer(Arrays.copyOf(packet.getData(), packet.getLength()), false);
					if (answer != null) {
						this.udp.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
					}
				}
				catch (IOException ex) {
					// Closed, or a send refused: carry on until closed.
				}
			}
		}

		private void serveTcp() {
			while (!this.tcp.isClosed()) {
				try (Socket connection = this.tcp.accept()) {
					connection.setSoTimeout(1000);
					DataInputStream in = new DataInputStream(connection.getInputStream());
					byte[] query = new byte[in.readUnsignedShort()];
					in.readFully(query);
					byte[] answer = answer(query, true);
					if (answer != null) {
						DataOutputStream out = new DataOutputStream(connection.getOutputStream());
						out.writeShort(answer.length);
						out.write(answer);
						out.flush();
					}
				}
				catch (SocketException ex) {
					// Closed, or the client went away.
				}
				catch (IOException ex) {
					// A client that sent no full query.
				}
			}
		}

		private byte @Nullable [] answer(byte[] queryBytes, boolean tcp) {
			Message query;
			try {
				query = new Message(queryBytes);
			}
			catch (IOException ex) {
				return null;
			}
			Mutation current = this.mutation;
			Message response = new Message(query.getHeader().getID());
			response.getHeader().setFlag(Flags.QR);
			response.getHeader().setFlag(Flags.AA);
			response.getHeader().setFlag(Flags.RA);
			Record question = query.getQuestion();
			response.addRecord(question, Section.QUESTION);
			Name name = question.getName();
			if (name.toString().equals(NAME + ".") && question.getType() == Type.A) {
				if (current != null && current.kind() == Kind.MANY_RECORDS) {
					Random random = new Random(current.seed());
					int count = 100 + random.nextInt(400);
					for (int i = 0; i < count; i++) {
						Name owner = (i % 17 == 5) ? Name.fromConstantString("other.svc.test.") : name;
						int dclass = (i % 23 == 7) ? DClass.CH : DClass.IN;
						response.addRecord(new ARecord(owner, dclass, 1 + random.nextInt(5),
								address(10, 1 + i / 250, 1 + i % 250)), Section.ANSWER);
					}
				}
				else {
					for (String host : GOOD) {
						response.addRecord(new ARecord(name, DClass.IN, 1, address(host)), Section.ANSWER);
					}
				}
			}
			else {
				response.getHeader().setRcode(Rcode.NXDOMAIN);
			}
			byte[] wire = response.toWire();
			this.answers.incrementAndGet();
			return (current != null) ? current.apply(wire, tcp) : wire;
		}

		private static InetAddress address(String host) {
			try {
				return InetAddress.getByName(host);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

		private static InetAddress address(int a, int b, int c) {
			try {
				return InetAddress.getByAddress(new byte[] { 127, (byte) a, (byte) b, (byte) c });
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

		@Override
		public void close() throws InterruptedException {
			this.udp.close();
			try {
				this.tcp.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
			for (Thread thread : this.threads) {
				thread.join(5000);
			}
		}

	}

}
