package dev.clavier.discovery.dns;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.clavier.Clavier;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.listener.DiscoveryState;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.listener.ListenerObserver;
import dev.clavier.listener.ListenerSnapshot;
import dev.clavier.scout.Scouts;
import dev.clavier.test.DnsFault;
import dev.clavier.test.SrvTarget;
import dev.clavier.test.TestDnsServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fault injection through the whole engine: a {@link Clavier} listener with {@link DnsDiscovery}
 * against the test kit's DNS server, which is stopped, made to fail in every way it knows, or
 * made to answer in ways that are legal but hostile (CNAME loops, hundreds of records, SRV
 * targets that do not resolve). Each scenario checks what {@link Listener#discoveryState()}
 * says and that the last good set survives, then that discovery recovers. Scout {@code none},
 * so that only discovery decides what is picked.
 */
class DnsDiscoveryFaultTests {

	private static final String NAME = "backend.svc.test";

	private static final String[] GOOD = { "127.0.0.2", "127.0.0.3" };

	private static final int PORT = 8080;

	private static final Duration QUERY_TIMEOUT = Duration.ofMillis(200);

	private static final Duration RETRY_MIN = Duration.ofMillis(100);

	private static final Duration RETRY_MAX = Duration.ofMillis(500);

	private static final Duration WAIT = Duration.ofSeconds(10);

	private TestDnsServer dns;

	private Clavier clavier;

	@BeforeEach
	void start() {
		this.dns = TestDnsServer.start();
		this.clavier = Clavier.create();
	}

	@AfterEach
	void stop() {
		this.clavier.close();
		this.dns.close();
	}

	@Test
	void listenerWhenDnsServerStoppedForSeveralRefreshesShouldServeEveryCallAndRecoverAfterRestart() throws Exception {
		this.dns.a(NAME, 1, GOOD);
		Listener listener = listener(dns(NAME).port(PORT));
		AtomicLong recoveredAt = new AtomicLong();
		listener.subscribe(new ListenerObserver() {

			@Override
			public void discovered(ListenerSnapshot source, List<Endpoint> endpoints, @Nullable Throwable failure) {
				if (failure == null) {
					recoveredAt.compareAndSet(0, System.nanoTime());
				}
			}

		});
		try (Caller caller = new Caller(listener)) {
			await().atMost(WAIT).until(() -> caller.calls() > 1000);
			this.dns.stop();
			recoveredAt.set(-1);
			// Several refreshes' worth of failures: with TTL 1 s clamped to 200 ms, five failed attempts
			// in a row cover more than the time of five refreshes.
			await().atMost(WAIT).until(() -> listener.discoveryState().attempts() >= 5);
			DiscoveryState down = listener.discoveryState();
			assertThat(down.lastError()).startsWith("dns lookup of backend.svc.test. A via " + this.dns.hostAndPort());
			assertThat(hosts(listener)).containsExactly(GOOD);
			long callsWhileDown = caller.calls();
			recoveredAt.set(0);
			long restartedAt = System.nanoTime();
			this.dns.restart();
			// Back-off is capped at RETRY_MAX; one lookup takes at most two query time-outs.
			await().atMost(RETRY_MAX.plus(QUERY_TIMEOUT.multipliedBy(2)).plusSeconds(2))
				.until(() -> listener.discoveryState().lastError() == null);
			Duration recovery = Duration.ofNanos(recoveredAt.get() - restartedAt);
			assertThat(listener.discoveryState().attempts()).isZero();
			assertThat(hosts(listener)).containsExactly(GOOD);
			caller.stop();
			assertThat(caller.failure()).isNull();
			assertThat(caller.calls()).isGreaterThan(callsWhileDown);
			System.out.printf("DNS stopped: %d failed attempts kept the set; %d calls, none failed; "
					+ "recovered %d ms after restart (back-off max %d ms)%n", down.attempts(), caller.calls(),
					recovery.toMillis(), RETRY_MAX.toMillis());
		}
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "SERVFAIL, failed: SERVFAIL", "REFUSED, failed: REFUSED",
			"NO_ANSWER, failed: timed out, no answer within 200ms", "GARBAGE, failed: unreadable answer" })
	void listenerWhenServerFailsShouldReportErrorKeepLastGoodSetAndRecover(DnsFault fault, String reason)
			throws Exception {
		this.dns.a(NAME, 1, GOOD);
		Listener listener = listener(dns(NAME).port(PORT));
		this.dns.fault(fault);
		await().atMost(WAIT).until(() -> listener.discoveryState().attempts() >= 2);
		DiscoveryState state = listener.discoveryState();
		assertThat(state.lastError()).startsWith("dns lookup of backend.svc.test. A via " + this.dns.hostAndPort())
			.contains(reason);
		assertThat(state.lastRefresh()).isNotNull();
		assertThat(state.nextRefresh()).isAfter(state.lastRefresh());
		assertThat(hosts(listener)).containsExactly(GOOD);
		assertThat(listener.getEndpoint().port()).isEqualTo(PORT);
		this.dns.clearFaults();
		awaitRecovered(listener);
		assertThat(hosts(listener)).containsExactly(GOOD);
	}

	@Test
	void listenerWhenNameDisappearsShouldNoteNxdomainAndKeepLastGoodSet() throws Exception {
		this.dns.a(NAME, 1, GOOD);
		Listener listener = listener(dns(NAME).port(PORT));
		this.dns.fault(DnsFault.NXDOMAIN);
		await().atMost(WAIT).until(() -> "NXDOMAIN".equals(listener.discoveryState().lastNote()));
		// An empty answer is an answer, not a failure: no error, no back-off, and the set is kept.
		assertThat(listener.discoveryState().lastError()).isNull();
		assertThat(listener.discoveryState().attempts()).isZero();
		assertThat(hosts(listener)).containsExactly(GOOD);
		this.dns.clearFaults().remove(NAME);
		await().atMost(WAIT).until(() -> this.dns.queryCount(NAME) > 3);
		assertThat(listener.discoveryState().lastNote()).isEqualTo("NXDOMAIN");
		assertThat(hosts(listener)).containsExactly(GOOD);
		this.dns.a(NAME, 1, "127.0.0.4");
		await().atMost(WAIT).until(() -> hosts(listener).equals(List.of("127.0.0.4")));
		assertThat(listener.discoveryState().lastNote()).isNull();
	}

	@Test
	void listenerWhenUdpAnswersTruncatedShouldGetTheNewSetOverTcp() throws Exception {
		this.dns.a(NAME, 1, GOOD);
		Listener listener = listener(dns(NAME).port(PORT));
		this.dns.fault(DnsFault.TRUNCATED).a(NAME, 1, "127.0.0.2", "127.0.0.3", "127.0.0.4");
		await().atMost(WAIT).until(() -> hosts(listener).size() == 3);
		assertThat(listener.discoveryState().lastError()).isNull();
		assertThat(hosts(listener)).containsExactly("127.0.0.2", "127.0.0.3", "127.0.0.4");
	}

	@Test
	void listenerWhenAnswerHasHundredsOfRecordsShouldTakeThemAllAndKeepThemOnFailure() throws Exception {
		String[] many = new String[600];
		for (int i = 0; i < many.length; i++) {
			many[i] = "127.1." + (i / 250) + "." + (1 + i % 250);
		}
		this.dns.a(NAME, 1, many);
		Listener listener = listener(dns(NAME).port(PORT));
		assertThat(listener.endpoints()).hasSize(600);
		assertThat(listener.selection().size()).isEqualTo(600);
		this.dns.fault(DnsFault.SERVFAIL);
		await().atMost(WAIT).until(() -> listener.discoveryState().attempts() >= 2);
		assertThat(listener.endpoints()).hasSize(600);
		assertThat(listener.selection().size()).isEqualTo(600);
	}

	@Test
	void listenerWhenCnameLoopsShouldReportItAndKeepLastGoodSet() throws Exception {
		this.dns.a(NAME, 1, GOOD);
		Listener listener = listener(dns(NAME).port(PORT));
		this.dns.remove(NAME).cname(NAME, 1, "loop.svc.test").cname("loop.svc.test", 1, NAME);
		await().atMost(WAIT).until(() -> listener.discoveryState().attempts() >= 2);
		assertThat(listener.discoveryState().lastError()).endsWith("failed: CNAME loop");
		assertThat(hosts(listener)).containsExactly(GOOD);
		this.dns.remove(NAME).remove("loop.svc.test").a(NAME, 1, GOOD);
		awaitRecovered(listener);
	}

	@Test
	void listenerWhenSrvTargetsStopResolvingShouldKeepLastGoodSet() throws Exception {
		String srv = "_http._tcp." + NAME;
		this.dns.srv(srv, 1, new SrvTarget(10, 1, 8081, "host1.svc.test"), new SrvTarget(10, 1, 8082, "host2.svc.test"));
		this.dns.a("host1.svc.test", 1, GOOD[0]).a("host2.svc.test", 1, GOOD[1]);
		Listener listener = listener(dns(srv).recordType(DnsRecordType.SRV));
		assertThat(listener.endpoints()).extracting((state) -> state.endpoint().address())
			.containsExactly("127.0.0.2:8081", "127.0.0.3:8082");
		// Targets answer NXDOMAIN: an empty answer with a note, the set kept.
		this.dns.remove("host1.svc.test").remove("host2.svc.test");
		await().atMost(WAIT).until(() -> "SRV targets did not resolve".equals(listener.discoveryState().lastNote()));
		assertThat(listener.discoveryState().lastError()).isNull();
		assertThat(listener.endpoints()).hasSize(2);
		// A target whose lookup fails: the attempt fails, the set is still kept.
		this.dns.fault("host1.svc.test", DnsFault.SERVFAIL);
		await().atMost(WAIT).until(() -> listener.discoveryState().attempts() >= 2);
		assertThat(listener.discoveryState().lastError()).contains("host1.svc.test").contains("SERVFAIL");
		assertThat(listener.endpoints()).hasSize(2);
		this.dns.clearFaults().a("host1.svc.test", 1, GOOD[0]).a("host2.svc.test", 1, "127.0.0.4");
		await().atMost(WAIT).until(() -> hosts(listener).equals(List.of(GOOD[0], "127.0.0.4")));
		assertThat(listener.discoveryState().lastError()).isNull();
		assertThat(listener.discoveryState().lastNote()).isNull();
	}

	private DnsDiscovery.Builder dns(String name) {
		return DnsDiscovery.builder()
			.name(name)
			.servers(List.of(this.dns.hostAndPort()))
			.queryTimeout(QUERY_TIMEOUT)
			.minTtl(Duration.ofMillis(100))
			.maxTtl(Duration.ofMillis(200));
	}

	private Listener listener(DnsDiscovery.Builder discovery) throws InterruptedException {
		Listener listener = this.clavier.addListener("backend", ListenerConfig.builder(discovery.build())
			.scout(Scouts.none())
			.discoveryRetry(RETRY_MIN, RETRY_MAX)
			.build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		assertThat(listener.discoveryState().lastError()).isNull();
		return listener;
	}

	private static void awaitRecovered(Listener listener) {
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(listener.discoveryState().lastError()).isNull();
			assertThat(listener.discoveryState().attempts()).isZero();
		});
	}

	private static List<String> hosts(Listener listener) {
		return listener.endpoints().stream().map(EndpointState::endpoint).map(Endpoint::host).toList();
	}

	/**
	 * Calls {@link Listener#getEndpoint()} in a loop on its own thread, bounded by a count and a
	 * time, and remembers the first failure.
	 */
	private static final class Caller implements AutoCloseable {

		private static final long MAX_CALLS = 500_000_000L;

		private static final Duration MAX_TIME = Duration.ofSeconds(60);

		private final AtomicLong calls = new AtomicLong();

		private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();

		private volatile boolean running = true;

		private final Thread thread;

		Caller(Listener listener) {
			this.thread = new Thread(() -> {
				long deadline = System.nanoTime() + MAX_TIME.toNanos();
				for (long i = 0; i < MAX_CALLS && this.running && System.nanoTime() < deadline; i++) {
					try {
						listener.getEndpoint();
						this.calls.lazySet(i + 1);
					}
					catch (RuntimeException ex) {
						this.failure.compareAndSet(null, ex);
					}
				}
			}, "clavier-test-caller");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		long calls() {
			return this.calls.get();
		}

		@Nullable Throwable failure() {
			return this.failure.get();
		}

		void stop() throws InterruptedException {
			this.running = false;
			this.thread.join(WAIT.toMillis());
		}

		@Override
		public void close() throws InterruptedException {
			stop();
		}

	}

}
