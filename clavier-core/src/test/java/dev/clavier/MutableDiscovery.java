package dev.clavier;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import dev.clavier.discovery.Discovery;
import dev.clavier.discovery.DiscoveryContext;
import dev.clavier.discovery.DiscoveryResult;
import dev.clavier.discovery.DiscoverySession;
import dev.clavier.endpoint.Endpoint;

/**
 * A discovery whose answer a test swaps at run time: endpoints, an empty answer, a failure or
 * no answer at all. Answers again every {@code refresh}.
 */
final class MutableDiscovery implements Discovery {

	private final Duration refresh;

	private volatile List<Endpoint> endpoints;

	private volatile boolean failing;

	private volatile boolean hanging;

	final AtomicInteger calls = new AtomicInteger();

	final AtomicInteger closedSessions = new AtomicInteger();

	MutableDiscovery(Duration refresh, Endpoint... endpoints) {
		this.refresh = refresh;
		this.endpoints = List.of(endpoints);
	}

	void set(Endpoint... endpoints) {
		this.endpoints = List.of(endpoints);
		this.failing = false;
	}

	void fail(boolean failing) {
		this.failing = failing;
	}

	void hang(boolean hanging) {
		this.hanging = hanging;
	}

	@Override
	public String model() {
		return "mutable";
	}

	@Override
	public DiscoverySession open(DiscoveryContext context) {
		return new DiscoverySession() {

			@Override
			public CompletableFuture<DiscoveryResult> discover() {
				MutableDiscovery.this.calls.incrementAndGet();
				if (MutableDiscovery.this.hanging) {
					return new CompletableFuture<>();
				}
				if (MutableDiscovery.this.failing) {
					return CompletableFuture.failedFuture(new IllegalStateException("scripted discovery failure"));
				}
				List<Endpoint> current = MutableDiscovery.this.endpoints;
				if (current.isEmpty()) {
					return CompletableFuture.completedFuture(DiscoveryResult.empty(MutableDiscovery.this.refresh, "NXDOMAIN"));
				}
				return CompletableFuture.completedFuture(DiscoveryResult.of(current, MutableDiscovery.this.refresh));
			}

			@Override
			public String target() {
				return "scripted list";
			}

			@Override
			public void close() {
				MutableDiscovery.this.closedSessions.incrementAndGet();
			}

		};
	}

}
