package dev.clavier.autoconfigure.loadbalancer;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What the load-balancer child context of one service id needs to know, prepared once in the
 * application context: the service id that {@code http://<id>/} calls name, the Clavier listener
 * they reach, whether its endpoints speak TLS, and which HTTP statuses count as failed calls for
 * passive outlier detection. Service ids match as host names do, ignoring case
 * ({@link #matches(String)}).
 * <p>
 * Read from {@link ClavierLoadBalancerServices} by each child context; a
 * {@code @LoadBalancerClient(configuration = ...)} may declare its own bean of this type to
 * change one service. Immutable and thread-safe.
 *
 * @param serviceId the service id, a host name
 * @param listenerName the name of the Clavier listener that picks the service's endpoints
 * @param secure whether calls use TLS ({@code http://} calls become {@code https://})
 * @param failureStatuses the HTTP statuses that count as failed calls, besides connection errors
 * and time-outs; empty to count those only
 */
public record ClavierServiceDetails(String serviceId, String listenerName, boolean secure,
		Set<Integer> failureStatuses) {

	/**
	 * The statuses that count as failed calls unless configured otherwise: 502, 503 and 504.
	 */
	public static final Set<Integer> DEFAULT_FAILURE_STATUSES = Set.of(502, 503, 504);

	/**
	 * Creates the details of a service.
	 * @throws IllegalArgumentException if the service id or listener name is blank, or a status
	 * is not an HTTP status code
	 */
	public ClavierServiceDetails {
		Objects.requireNonNull(serviceId, "serviceId");
		Objects.requireNonNull(listenerName, "listenerName");
		Objects.requireNonNull(failureStatuses, "failureStatuses");
		if (serviceId.isBlank()) {
			throw new IllegalArgumentException("serviceId: '" + serviceId + "' (expected: a host name)");
		}
		if (listenerName.isBlank()) {
			throw new IllegalArgumentException("listenerName: '" + listenerName + "' (expected: a listener name)");
		}
		for (Integer status : failureStatuses) {
			if (status == null || status < 100 || status > 599) {
				throw new IllegalArgumentException(
						"failureStatuses: " + failureStatuses + " (expected: HTTP status codes from 100 to 599)");
			}
		}
		failureStatuses = Set.copyOf(failureStatuses);
	}

	/**
	 * Returns the details of a service whose listener has the service id as its name, without
	 * TLS, with the {@link #DEFAULT_FAILURE_STATUSES default failure statuses}.
	 * @param serviceId the service id and listener name
	 * @return the details
	 */
	public static ClavierServiceDetails of(String serviceId) {
		return new ClavierServiceDetails(serviceId, serviceId, false, DEFAULT_FAILURE_STATUSES);
	}

	/**
	 * Returns whether a service id names this service: host names are case-insensitive, so
	 * {@code http://WEB/} and {@code http://web/} reach the same service.
	 * @param serviceId a service id, as a URI's host gives it
	 * @return {@code true} if it names this service
	 */
	public boolean matches(String serviceId) {
		return canonical(this.serviceId).equals(canonical(serviceId));
	}

	/**
	 * Returns a service id in the form two ids that name the same service share.
	 * @param serviceId a service id
	 * @return the id in lower case
	 */
	static String canonical(String serviceId) {
		return serviceId.toLowerCase(Locale.ROOT);
	}

}
