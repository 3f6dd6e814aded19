package dev.clavier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.filter.Filters;
import dev.clavier.filter.SlowStart;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.listener.ListenerSnapshot;
import dev.clavier.scout.HttpScout;
import dev.clavier.test.LoopbackAddresses;
import dev.clavier.test.TestHttpBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Slow start end to end: real HTTP backends on loopback, one taken down for real and brought
 * back, and the share of picks it gets over the window. The ramp is timed by the engine's clock,
 * which the test moves, so no assertion depends on how fast the machine is.
 */
class ClavierSlowStartTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final Duration WINDOW = Duration.ofMinutes(10);

	private static final String[] HOSTS = { "127.0.0.1", "127.0.0.2" };

	private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

	private Clavier clavier;

	@BeforeEach
	void start() {
		this.clavier = Clavier.builder().clock(this.clock).build();
	}

	@AfterEach
	void stop() {
		this.clavier.close();
	}

	@Test
	void getEndpointWhenEndpointsFoundHealthyAtStartShouldNotRampThem() throws Exception {
		assumeLoopbackHosts();
		TestHttpBackend first = TestHttpBackend.start(HOSTS[0], 0);
		try (first; TestHttpBackend second = TestHttpBackend.start(HOSTS[1], first.port())) {
			// A timeout long enough that a cold JVM on a busy machine passes its first probes.
			Listener listener = this.clavier.addListener("backend", config(first, second)
				.interval(Duration.ofSeconds(20))
				.timeout(Duration.ofSeconds(10))
				.build());
			assertThat(listener.awaitReady(WAIT)).isTrue();
			assertThat(listener.snapshot().endpoints()).extracting(EndpointState::status)
				.containsOnly(HealthStatus.HEALTHY);
			assertThat(listener.snapshot().endpoints()).extracting(EndpointState::effectiveWeight).containsExactly(1.0, 1.0);
			assertThat(spread(listener, 200)).containsOnly(Map.entry(HOSTS[0], 100), Map.entry(HOSTS[1], 100));
		}
	}

	@Test
	void getEndpointWhenEndpointRecoversShouldRampItsShareOverTheWindow() throws Exception {
		assumeLoopbackHosts();
		TestHttpBackend steady = TestHttpBackend.start(HOSTS[0], 0);
		try (steady; TestHttpBackend recovering = TestHttpBackend.start(HOSTS[1], steady.port())) {
			Listener listener = this.clavier.addListener("backend", config(steady, recovering)
				.interval(Duration.ofSeconds(1))
				.timeout(Duration.ofMillis(900))
				// Two failures, so that one slow probe on a busy machine does not move picks mid-count.
				.fall(2)
				.build());
			await().atMost(WAIT).until(() -> listener.snapshot().count(HealthStatus.HEALTHY) == 2);
			// A cold JVM's first probes may have failed, making both a recovery: let such ramps end.
			this.clock.advance(WINDOW.plusSeconds(1));
			await().atMost(WAIT).until(() -> listener.snapshot().endpoints().stream()
				.allMatch((state) -> state.effectiveWeight() == 1.0));
			assertThat(spread(listener, 200)).containsOnly(Map.entry(HOSTS[0], 100), Map.entry(HOSTS[1], 100));

			recovering.stop();
			await().atMost(WAIT).until(listener::snapshot, (snapshot) -> status(snapshot, HOSTS[1]) == HealthStatus.UNHEALTHY);
			recovering.start();
			ListenerSnapshot back = await().atMost(WAIT)
				.until(listener::snapshot, (snapshot) -> status(snapshot, HOSTS[1]) == HealthStatus.HEALTHY);
			assertThat(state(back, HOSTS[1]).effectiveWeight()).isEqualTo(0.1);
			// Its full share is a half; at the floor it gets 1 in 11.
			assertThat(spread(listener, 1100).get(HOSTS[1])).isEqualTo(100);

			// Just before a fifth of the window: still under half its share.
			this.clock.advance(WINDOW.dividedBy(5).minusSeconds(1));
			await().atMost(WAIT).until(() -> state(listener.snapshot(), HOSTS[1]).effectiveWeight() > 0.15);
			assertThat(state(listener.snapshot(), HOSTS[1]).effectiveWeight()).isCloseTo(0.198, within(0.001));
			assertThat(spread(listener, 1200).get(HOSTS[1])).isLessThan(1200 / 4);

			// Past the window: its full share, and the ramp is over.
			this.clock.advance(WINDOW);
			await().atMost(WAIT).until(() -> state(listener.snapshot(), HOSTS[1]).effectiveWeight() == 1.0);
			assertThat(spread(listener, 200)).containsOnly(Map.entry(HOSTS[0], 100), Map.entry(HOSTS[1], 100));
		}
	}

	private static void assumeLoopbackHosts() {
		for (String host : HOSTS) {
			assumeThat(LoopbackAddresses.isBindable(host)).as("loopback address %s is bindable", host).isTrue();
		}
	}

	private static ListenerConfig.Builder config(TestHttpBackend... backends) {
		List<String> entries = new ArrayList<>();
		for (TestHttpBackend backend : backends) {
			entries.add(backend.hostAndPort());
		}
		return ListenerConfig.builder(StaticDiscovery.parse(0, entries))
			.scout(HttpScout.builder().path("/health").build())
			.filter(Filters.roundRobin())
			.rise(1)
			.fall(1)
			.slowStart(SlowStart.of(WINDOW));
	}

	private static HealthStatus status(ListenerSnapshot snapshot, String host) {
		return state(snapshot, host).status();
	}

	private static EndpointState state(ListenerSnapshot snapshot, String host) {
		return snapshot.endpoints()
			.stream()
			.filter((state) -> state.endpoint().host().equals(host))
			.findFirst()
			.orElseThrow();
	}

	private static Map<String, Integer> spread(Listener listener, int calls) {
		Map<String, Integer> counts = new HashMap<>();
		for (int i = 0; i < calls; i++) {
			counts.merge(listener.getEndpoint().host(), 1, Integer::sum);
		}
		return counts;
	}

	/**
	 * A clock the test moves by hand.
	 */
	private static final class ManualClock extends Clock {

		private final AtomicReference<Instant> now;

		ManualClock(Instant start) {
			this.now = new AtomicReference<>(start);
		}

		void advance(Duration duration) {
			this.now.updateAndGet((instant) -> instant.plus(duration));
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now.get();
		}

	}

}
