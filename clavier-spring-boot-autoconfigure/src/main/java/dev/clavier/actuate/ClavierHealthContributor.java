package dev.clavier.actuate;

import java.util.Objects;
import java.util.stream.Stream;

import dev.clavier.Clavier;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;

/**
 * The health of every Clavier listener, one {@link ClavierListenerHealthIndicator} entry per
 * listener, named after it: {@code /actuator/health/clavier/backend}. The entries follow the
 * engine, so listeners added or removed at run time appear and disappear.
 * <p>
 * Auto-configured under the name {@code clavier}, this contributor belongs to the default health
 * group only, <em>not</em> to the {@code liveness} or {@code readiness} groups, and it should stay
 * out of them unless a user decides otherwise. A listener is {@code DOWN} when a remote backend is
 * down, which says nothing about this application: in the liveness group it would make Kubernetes
 * restart a healthy application (and restart every client of a failing backend at once, which
 * cannot bring the backend back); in the readiness group it would take every client out of its
 * Service, turning one backend's outage into an outage of every service that calls it, including
 * paths that do not need that backend. Clavier already routes around dead endpoints per call.
 * An application that is useless without a backend may opt in with
 * {@code management.endpoint.health.group.readiness.include=readinessState,clavier}.
 * <p>
 * Thread-safe.
 */
public final class ClavierHealthContributor implements CompositeHealthContributor {

	private final Clavier clavier;

	/**
	 * Creates a contributor over the given engine.
	 * @param clavier the engine
	 */
	public ClavierHealthContributor(Clavier clavier) {
		this.clavier = Objects.requireNonNull(clavier, "clavier");
	}

	@Override
	public @Nullable HealthContributor getContributor(String name) {
		return this.clavier.listener(name).map(ClavierListenerHealthIndicator::new).orElse(null);
	}

	@Override
	public Stream<Entry> stream() {
		return this.clavier.listeners()
			.stream()
			.map((listener) -> new Entry(listener.name(), new ClavierListenerHealthIndicator(listener)));
	}

	@Override
	public String toString() {
		return "ClavierHealthContributor" + this.clavier.listeners().stream().map((listener) -> listener.name()).toList();
	}

}
