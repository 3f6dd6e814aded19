package dev.clavier.internal;

import dev.clavier.endpoint.HealthStatus;
import org.jspecify.annotations.Nullable;

/**
 * The health state machine of one endpoint. UNKNOWN until the first probe, which alone
 * decides; after that HEALTHY needs {@code rise} consecutive successes and UNHEALTHY
 * {@code fall} consecutive failures. An endpoint that has never been healthy (its first probes
 * failed, say while a cold server warmed up) needs a single success, as in Envoy: {@code rise}
 * guards against flapping, and a never-healthy endpoint has not flapped. Pure and not thread-safe: the engine confines each
 * tracker to its scheduler thread.
 */
public final class HealthTracker {

	private final int rise;

	private final int fall;

	private HealthStatus status = HealthStatus.UNKNOWN;

	private int successes;

	private int failures;

	private boolean ejected;

	private boolean everHealthy;

	/**
	 * Creates a tracker in state UNKNOWN.
	 * @param rise consecutive successes that make an unhealthy endpoint healthy, 1 or more
	 * (as {@code ListenerConfig} guarantees)
	 * @param fall consecutive failures that make a healthy endpoint unhealthy, 1 or more
	 * (as {@code ListenerConfig} guarantees)
	 */
	public HealthTracker(int rise, int fall) {
		this.rise = rise;
		this.fall = fall;
	}

	/**
	 * Records one probe outcome.
	 * @param success whether the probe passed
	 * @return the new status if this outcome changed it, otherwise {@code null}
	 */
	public @Nullable HealthStatus record(boolean success) {
		if (success) {
			this.successes++;
			this.failures = 0;
		}
		else {
			this.failures++;
			this.successes = 0;
		}
		HealthStatus next = switch (this.status) {
			case UNKNOWN -> success ? HealthStatus.HEALTHY : HealthStatus.UNHEALTHY;
			case HEALTHY -> (this.failures >= this.fall) ? HealthStatus.UNHEALTHY : HealthStatus.HEALTHY;
			// An endpoint ejected by real call failures was healthy by its probes, and one never
			// healthy has not flapped: one passing probe is enough for either.
			case UNHEALTHY -> (this.successes >= ((this.ejected || !this.everHealthy) ? 1 : this.rise))
					? HealthStatus.HEALTHY : HealthStatus.UNHEALTHY;
		};
		if (next == this.status) {
			return null;
		}
		this.status = next;
		this.ejected = false;
		this.everHealthy |= (next == HealthStatus.HEALTHY);
		return next;
	}

	/**
	 * Records a failure that decides at once, whatever {@code fall} says: the endpoint itself
	 * said it does not serve (a status pushed over a watch stream), which no retry would change.
	 * @return {@code UNHEALTHY} if this outcome changed the status, otherwise {@code null}
	 */
	public @Nullable HealthStatus failNow() {
		this.failures++;
		this.successes = 0;
		this.ejected = false;
		if (this.status == HealthStatus.UNHEALTHY) {
			return null;
		}
		this.status = HealthStatus.UNHEALTHY;
		return HealthStatus.UNHEALTHY;
	}

	/**
	 * Takes a healthy endpoint out of rotation because real calls to it failed (passive
	 * outlier detection); the next passing probe brings it back.
	 * @return {@code true} if the endpoint was healthy and is now ejected
	 */
	public boolean eject() {
		if (this.status != HealthStatus.HEALTHY) {
			return false;
		}
		this.status = HealthStatus.UNHEALTHY;
		this.ejected = true;
		this.successes = 0;
		return true;
	}

	/**
	 * Returns whether the endpoint is out of rotation because real calls failed, and no probe
	 * has decided its health since.
	 * @return {@code true} while ejected
	 */
	public boolean ejected() {
		return this.ejected;
	}

	/**
	 * Ends an ejection whose time is up: the endpoint is healthy again, unless its probes have
	 * failed {@code fall} times in a row meanwhile, in which case it stays unhealthy by its probes.
	 * @return {@code true} if the endpoint is healthy again, {@code false} if it stays unhealthy
	 * or was not ejected
	 */
	public boolean endEjection() {
		if (!this.ejected) {
			return false;
		}
		this.ejected = false;
		if (this.failures >= this.fall) {
			return false;
		}
		this.status = HealthStatus.HEALTHY;
		this.successes = 0;
		return true;
	}

	/**
	 * Forces a status, for example HEALTHY for a listener whose scout is {@code none}.
	 * @param status the status
	 */
	public void force(HealthStatus status) {
		this.status = status;
		this.ejected = false;
		this.everHealthy |= (status == HealthStatus.HEALTHY);
		this.successes = 0;
		this.failures = 0;
	}

	/**
	 * Returns the current status.
	 * @return the status
	 */
	public HealthStatus status() {
		return this.status;
	}

	/**
	 * Returns whether the endpoint is between states: HEALTHY with failed probes in a row, not
	 * yet {@code fall} of them, or UNHEALTHY with passed probes in a row, not yet enough to rise.
	 * The engine probes such an endpoint at the fast interval (HAProxy's {@code fastinter}).
	 * @return {@code true} while a transition has begun and is not decided
	 */
	public boolean betweenStates() {
		return switch (this.status) {
			case HEALTHY -> this.failures > 0;
			case UNHEALTHY -> this.successes > 0;
			case UNKNOWN -> false;
		};
	}

	/**
	 * Returns the probes in a row that passed, up to now.
	 * @return the count
	 */
	public int successes() {
		return this.successes;
	}

	/**
	 * Returns the probes in a row that failed, up to now.
	 * @return the count
	 */
	public int failures() {
		return this.failures;
	}

}
