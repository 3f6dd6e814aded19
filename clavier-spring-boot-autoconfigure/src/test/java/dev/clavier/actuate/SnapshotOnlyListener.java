package dev.clavier.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.endpoint.HealthTransition;
import dev.clavier.listener.DiscoveryState;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.listener.ListenerObserver;
import dev.clavier.listener.ListenerSnapshot;
import dev.clavier.listener.Pick;
import dev.clavier.listener.Selection;
import dev.clavier.scout.HttpScout;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Listener} that answers only through {@link #snapshot()}, for tests proving that a
 * reader shows one moment: every live accessor ({@link #config()}, {@link #selection()},
 * {@link #endpoints()}, {@link #discoveryState()}, {@link #isClosed()}) throws, so a reader that
 * combines them instead of reading one snapshot fails. Counts the snapshots read. Thread-safe.
 */
final class SnapshotOnlyListener implements Listener {

	static final Instant NOW = Instant.parse("2026-11-25T18:19:32Z");

	static final ListenerConfig CONFIG = ListenerConfig.builder(StaticDiscovery.of(Endpoint.of("127.0.0.2", 8080)))
		.scout(HttpScout.builder().path("/health").build())
		.interval(Duration.ofMillis(1500))
		.timeout(Duration.ofSeconds(1))
		.rise(3)
		.fall(4)
		.build();

	private final AtomicInteger snapshotReads = new AtomicInteger();

	private volatile ListenerSnapshot snapshot;

	SnapshotOnlyListener(ListenerSnapshot snapshot) {
		this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
	}

	/**
	 * Returns a snapshot of a listener named {@code backend} with {@link #CONFIG}, picking among
	 * the healthy endpoints, or among all of them in the all-down fallback.
	 * @param discovery what discovery last did
	 * @param fallback whether the selection is the all-down fallback
	 * @param closed whether the listener is closed
	 * @param endpoints the endpoints' states
	 * @return the snapshot
	 */
	static ListenerSnapshot snapshot(DiscoveryState discovery, boolean fallback, boolean closed,
			EndpointState... endpoints) {
		List<Endpoint> picked = Arrays.stream(endpoints)
			.filter((state) -> fallback || state.status() == HealthStatus.HEALTHY)
			.map(EndpointState::endpoint)
			.toList();
		return new ListenerSnapshot("backend", CONFIG, Selection.of(picked, () -> 0, fallback), List.of(endpoints),
				discovery, true, closed);
	}

	/**
	 * Returns the state of an endpoint on {@code 127.0.0.<last>:8080} that was probed once, or
	 * never when {@code status} is {@code UNKNOWN}.
	 * @param last the last byte of its address
	 * @param status its status
	 * @param error the last probe's error, or {@code null}
	 * @return the state
	 */
	static EndpointState state(int last, HealthStatus status, @Nullable String error) {
		Endpoint endpoint = Endpoint.of("127.0.0." + last, 8080);
		if (status == HealthStatus.UNKNOWN) {
			return new EndpointState(endpoint, status, null, null, 0, 0, null, "awaiting its first probe", List.of());
		}
		String cause = (error != null) ? "first probe failed: " + error : "first probe passed";
		boolean healthy = status == HealthStatus.HEALTHY;
		return new EndpointState(endpoint, status, NOW, Duration.ofMillis(7), (healthy) ? 1 : 0, (healthy) ? 0 : 1, error,
				cause, List.of(new HealthTransition(endpoint, HealthStatus.UNKNOWN, status, cause, NOW)));
	}

	/**
	 * Replaces the snapshot that later reads return.
	 * @param snapshot the new snapshot, of the same listener
	 */
	void publish(ListenerSnapshot snapshot) {
		this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
	}

	/**
	 * Returns how many times {@link #snapshot()} was called.
	 * @return the count
	 */
	int snapshotReads() {
		return this.snapshotReads.get();
	}

	@Override
	public String name() {
		return this.snapshot.name();
	}

	@Override
	public ListenerSnapshot snapshot() {
		this.snapshotReads.incrementAndGet();
		return this.snapshot;
	}

	@Override
	public ListenerConfig config() {
		throw liveRead("config()");
	}

	@Override
	public Selection selection() {
		throw liveRead("selection()");
	}

	@Override
	public List<EndpointState> endpoints() {
		throw liveRead("endpoints()");
	}

	@Override
	public DiscoveryState discoveryState() {
		throw liveRead("discoveryState()");
	}

	@Override
	public boolean isClosed() {
		throw liveRead("isClosed()");
	}

	@Override
	public Endpoint getEndpoint() {
		throw liveRead("getEndpoint()");
	}

	@Override
	public boolean awaitReady(Duration timeout) {
		throw liveRead("awaitReady()");
	}

	@Override
	public CompletableFuture<Void> whenReady() {
		throw liveRead("whenReady()");
	}

	@Override
	public void probeNow() {
		throw liveRead("probeNow()");
	}

	@Override
	public Pick pick() {
		throw liveRead("pick()");
	}

	@Override
	public Pick start(Endpoint endpoint) {
		throw liveRead("start()");
	}

	@Override
	public void reportCall(Endpoint endpoint, boolean success, @Nullable String error) {
		throw liveRead("reportCall()");
	}

	@Override
	public AutoCloseable subscribe(ListenerObserver observer) {
		return () -> {
		};
	}

	@Override
	public String toString() {
		return "SnapshotOnlyListener[" + this.snapshot.name() + "]";
	}

	private static AssertionError liveRead(String accessor) {
		return new AssertionError(accessor + " read: a reader must read one snapshot() only");
	}

}
