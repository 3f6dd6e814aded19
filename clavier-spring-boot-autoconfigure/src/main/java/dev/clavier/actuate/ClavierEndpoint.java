package dev.clavier.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.clavier.Clavier;
import dev.clavier.endpoint.Ejection;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.endpoint.HealthTransition;
import dev.clavier.listener.DiscoveryState;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.listener.ListenerSnapshot;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code clavier} actuator endpoint: every listener with its discovery state and each
 * endpoint's health. {@code GET /actuator/clavier} returns
 * <pre>{@code
 * { "listeners": { "backend": {
 *     "discovery": { "model": "dns", "target": "backend.svc A", "lastRefresh": "...", "nextRefresh": "...",
 *                    "lastError": null, "attempts": 0, "lastNote": null },
 *     "scout": { "model": "http", "interval": "PT2S", "timeout": "PT1S", "rise": 2, "fall": 2 },
 *     "filter": { "model": "round-robin" },
 *     "healthy": 1, "total": 1, "fallback": false, "fallbackReason": null,
 *     "endpoints": [ { "host": "127.0.0.2", "port": 8080, "weight": 1, "status": "HEALTHY",
 *                      "lastCheck": "...", "latencyMs": 1.3, "lastError": null,
 *                      "consecutiveSuccesses": 4, "consecutiveFailures": 0, "cause": "...",
 *                      "transitions": [ { "from": "UNKNOWN", "to": "HEALTHY", "cause": "...", "at": "..." } ],
 *                      "ejection": null, "inSubset": true, "probeMode": "poll", "probeModeReason": null,
 *                      "nextProbe": "...", "effectiveWeight": 1.0, "zone": "eu-1", "inFlight": 0 } ] } } }
 * }</pre>
 * {@code GET /actuator/clavier/{listener}} returns one listener (404 for an unknown name), and
 * {@code POST /actuator/clavier/{listener}} probes its endpoints now (400 for an unknown name: a
 * write operation that returns nothing answers 204, which would read as success). The write operation needs
 * unrestricted access ({@code management.endpoint.clavier.access=unrestricted}); by default the
 * endpoint is read-only.
 * <p>
 * The response shows models, targets and health only, never scout options: an HTTP scout's
 * headers (an {@code Authorization} header, say) never leave the engine. Descriptors are
 * snapshots that hold no engine object. Each listener in a response is read from one
 * {@link Listener#snapshot()}, so its counts, fallback flag, discovery state and endpoints always
 * show one moment. Thread-safe.
 */
@Endpoint(id = "clavier", defaultAccess = Access.READ_ONLY)
public final class ClavierEndpoint {

	private final Clavier clavier;

	/**
	 * Creates an endpoint over the given engine.
	 * @param clavier the engine
	 */
	public ClavierEndpoint(Clavier clavier) {
		this.clavier = Objects.requireNonNull(clavier, "clavier");
	}

	/**
	 * Returns every listener, sorted by name.
	 * @return the listeners
	 */
	@ReadOperation
	public ClavierDescriptor listeners() {
		Map<String, ListenerDescriptor> listeners = new LinkedHashMap<>();
		for (Listener listener : this.clavier.listeners()) {
			listeners.put(listener.name(), describe(listener));
		}
		return new ClavierDescriptor(Collections.unmodifiableMap(listeners));
	}

	/**
	 * Returns one listener.
	 * @param name the listener's name
	 * @return the listener, or {@code null} (HTTP 404) if there is none of that name
	 */
	@ReadOperation
	public @Nullable ListenerDescriptor listener(@Selector String name) {
		return this.clavier.listener(name).map(ClavierEndpoint::describe).orElse(null);
	}

	/**
	 * Probes every endpoint of one listener now, outside its schedule, and returns the
	 * listener as it is when the probes start (their results show in a later read).
	 * @param name the listener's name
	 * @return the listener
	 * @throws InvalidEndpointRequestException (HTTP 400) if there is no listener of that name
	 */
	@WriteOperation
	public ListenerDescriptor probe(@Selector String name) {
		Listener listener = this.clavier.listener(name)
			.orElseThrow(() -> new InvalidEndpointRequestException("No listener named '" + name + "'",
					"Unknown listener"));
		listener.probeNow();
		return describe(listener);
	}

	/**
	 * Returns one listener as one moment: everything comes from a single
	 * {@link Listener#snapshot()}, never from the listener's live accessors, except each
	 * endpoint's calls in flight: a live count ({@link Listener#callsInFlight}) read as the
	 * endpoint is described, since it changes with every call and no snapshot holds it.
	 * @param listener the listener
	 * @return the descriptor
	 */
	static ListenerDescriptor describe(Listener listener) {
		ListenerSnapshot snapshot = listener.snapshot();
		ListenerConfig config = snapshot.config();
		List<EndpointDescriptor> endpoints = new ArrayList<>(snapshot.endpoints().size());
		for (EndpointState state : snapshot.endpoints()) {
			endpoints.add(EndpointDescriptor.of(state, listener.callsInFlight(state.endpoint())));
		}
		return new ListenerDescriptor(DiscoveryDescriptor.of(snapshot.discovery()),
				new ScoutDescriptor(config.scout().model(), config.interval(), config.timeout(), config.rise(),
						config.fall()),
				new FilterDescriptor(config.filter().model()), snapshot.count(HealthStatus.HEALTHY),
				snapshot.endpoints().size(), snapshot.isFallback(), endpoints, snapshot.fallbackReason());
	}

	/**
	 * Every listener of the engine, by name. Immutable.
	 *
	 * @param listeners the listeners, sorted by name
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record ClavierDescriptor(Map<String, ListenerDescriptor> listeners) implements OperationResponseBody {

	}

	/**
	 * One listener: its discovery, scout and filter, and its endpoints. Immutable.
	 *
	 * @param discovery what discovery last did
	 * @param scout how endpoints are probed
	 * @param filter how one endpoint is picked
	 * @param healthy how many endpoints are healthy
	 * @param total how many endpoints are discovered
	 * @param fallback whether picks are made among every discovered endpoint because none is
	 * healthy (the all-down policy {@code ALL} is in effect) or too few are (the panic threshold)
	 * @param endpoints the endpoints, by host then port
	 * @param fallbackReason why picks fall back to every discovered endpoint, or {@code null}
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record ListenerDescriptor(DiscoveryDescriptor discovery, ScoutDescriptor scout, FilterDescriptor filter,
			int healthy, int total, boolean fallback, List<EndpointDescriptor> endpoints,
			@Nullable String fallbackReason) implements OperationResponseBody {

		/**
		 * Creates a descriptor.
		 */
		public ListenerDescriptor {
			endpoints = List.copyOf(endpoints);
		}

	}

	/**
	 * What a listener's discovery last did. Immutable.
	 *
	 * @param model the discovery model, for example {@code dns}
	 * @param target what is discovered, for example the DNS name and record type
	 * @param lastRefresh when discovery last answered, or {@code null}
	 * @param nextRefresh when it runs next, or {@code null} if never (a static list)
	 * @param lastError the last failure, or {@code null} if the last attempt succeeded
	 * @param attempts failed attempts in a row, 0 after a success
	 * @param lastNote what the last answer said besides endpoints (for example
	 * {@code NXDOMAIN}), or {@code null}
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record DiscoveryDescriptor(String model, String target, @Nullable Instant lastRefresh,
			@Nullable Instant nextRefresh, @Nullable String lastError, int attempts, @Nullable String lastNote) {

		static DiscoveryDescriptor of(DiscoveryState state) {
			return new DiscoveryDescriptor(state.model(), state.target(), state.lastRefresh(), state.nextRefresh(),
					state.lastError(), state.attempts(), state.lastNote());
		}

	}

	/**
	 * How a listener probes its endpoints: the model and the schedule, never the model's
	 * options (they may carry credentials). Immutable.
	 *
	 * @param model the scout model, for example {@code http}
	 * @param interval the time between two probes of one endpoint
	 * @param timeout how long a probe may take before it fails
	 * @param rise consecutive successes that make an unhealthy endpoint healthy
	 * @param fall consecutive failures that make a healthy endpoint unhealthy
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record ScoutDescriptor(String model, Duration interval, Duration timeout, int rise, int fall) {

	}

	/**
	 * How a listener picks one endpoint. Immutable.
	 *
	 * @param model the filter model, for example {@code round-robin}
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record FilterDescriptor(String model) {

	}

	/**
	 * One endpoint and its health. Immutable.
	 *
	 * @param host the host, an IP literal (IPv6 without brackets) or a host name
	 * @param port the port
	 * @param weight the relative weight discovery gave it
	 * @param status {@code HEALTHY}, {@code UNHEALTHY} or {@code UNKNOWN}
	 * @param lastCheck when the last probe finished, or {@code null} before the first
	 * @param latencyMs how long the last probe took, in milliseconds to 0.1 ms, or {@code null}
	 * before the first
	 * @param lastError the last probe's error, or {@code null} if it succeeded or none ran
	 * @param consecutiveSuccesses probes in a row that succeeded
	 * @param consecutiveFailures probes in a row that failed
	 * @param cause why the endpoint has its status
	 * @param transitions the most recent changes of status, oldest first
	 * @param ejection its ejection by failed calls while it lasts, or {@code null}
	 * @param inSubset whether it is in this application instance's subset, so probed and picked
	 * ({@code true} for every endpoint while subsetting is off); one outside is listed only
	 * @param probeMode how its health is learnt: {@code poll}, {@code watch} (a gRPC
	 * {@code Health/Watch} stream) or {@code none} (scout {@code none})
	 * @param probeModeReason why it is polled although the scout watches (its server has no
	 * watch stream), or {@code null}
	 * @param nextProbe when it is next probed, or {@code null} while a watch waits for the
	 * server's next status
	 * @param effectiveWeight the weight picks give it now: its weight, or less while slow start
	 * ramps it up (to 0.01)
	 * @param zone its zone (its attribute {@code zone}), or {@code null} if it has none
	 * @param inFlight the calls to it in flight when the response was made (picks through
	 * {@code Listener.pick()} and load-balanced calls, not yet ended): a live count, not part of
	 * the listener's snapshot
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record EndpointDescriptor(String host, int port, int weight, HealthStatus status,
			@Nullable Instant lastCheck, @Nullable Double latencyMs, @Nullable String lastError,
			int consecutiveSuccesses, int consecutiveFailures, String cause, List<TransitionDescriptor> transitions,
			@Nullable EjectionDescriptor ejection, boolean inSubset, String probeMode,
			@Nullable String probeModeReason, @Nullable Instant nextProbe, double effectiveWeight,
			@Nullable String zone, int inFlight) {

		/**
		 * Creates a descriptor.
		 */
		public EndpointDescriptor {
			transitions = List.copyOf(transitions);
		}

		static EndpointDescriptor of(EndpointState state, int inFlight) {
			List<TransitionDescriptor> transitions = new ArrayList<>(state.transitions().size());
			for (HealthTransition transition : state.transitions()) {
				transitions.add(new TransitionDescriptor(transition.from(), transition.to(), transition.cause(),
						transition.at()));
			}
			return new EndpointDescriptor(state.endpoint().host(), state.endpoint().port(), state.endpoint().weight(),
					state.status(), state.lastCheck(), millis(state.latency()), state.lastError(),
					state.consecutiveSuccesses(), state.consecutiveFailures(), state.cause(), transitions,
					EjectionDescriptor.of(state.ejection()), state.inSubset(),
					state.probeMode().name().toLowerCase(Locale.ROOT), state.probeModeReason(), state.nextProbe(),
					Math.round(state.effectiveWeight() * 100) / 100.0, state.endpoint().zone(), inFlight);
		}

		private static @Nullable Double millis(@Nullable Duration latency) {
			return (latency != null) ? Math.round(latency.toNanos() / 100_000.0) / 10.0 : null;
		}

	}

	/**
	 * An endpoint's ejection by failed calls (passive outlier detection). Immutable.
	 *
	 * @param until when it returns to rotation, unless a passing probe brings it back sooner
	 * @param times how many times it has been ejected, this time included (the count that
	 * lengthens each ejection; it decays while the endpoint stays in rotation)
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record EjectionDescriptor(Instant until, int times) {

		static @Nullable EjectionDescriptor of(@Nullable Ejection ejection) {
			return (ejection != null) ? new EjectionDescriptor(ejection.until(), ejection.times()) : null;
		}

	}

	/**
	 * One change of an endpoint's status. Immutable.
	 *
	 * @param from the status before
	 * @param to the status after
	 * @param cause why, for example {@code 2 consecutive failures, last: HTTP 503}
	 * @param at when
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record TransitionDescriptor(HealthStatus from, HealthStatus to, String cause, Instant at) {

	}

}
