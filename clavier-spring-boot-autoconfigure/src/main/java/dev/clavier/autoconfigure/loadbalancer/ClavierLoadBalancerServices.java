package dev.clavier.autoconfigure.loadbalancer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The service ids whose calls Clavier balances, each with its {@link ClavierServiceDetails}:
 * prepared once in the application context, read by every load-balancer child context, so that
 * child beans never read {@code clavier.*} properties. By default one service per listener under
 * {@code clavier.listeners}, the listener's name as its service id; declare a bean of this type
 * to prepare them otherwise.
 * <p>
 * Service ids match as host names do, ignoring case, so no two services may differ only in
 * case. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface ClavierLoadBalancerServices {

	/**
	 * Returns the details of every service, in a stable order.
	 * @return the details, no two with service ids that differ only in case
	 */
	List<ClavierServiceDetails> getServices();

	/**
	 * Returns the details of the service a service id names, ignoring case as host names do.
	 * @param serviceId a service id, as a URI's host gives it
	 * @return the details, or empty if Clavier does not balance that service
	 */
	default Optional<ClavierServiceDetails> find(String serviceId) {
		Objects.requireNonNull(serviceId, "serviceId");
		for (ClavierServiceDetails service : getServices()) {
			if (service.matches(serviceId)) {
				return Optional.of(service);
			}
		}
		return Optional.empty();
	}

	/**
	 * Returns fixed services.
	 * @param services the details of every service
	 * @return the services
	 * @throws IllegalArgumentException if two service ids differ only in case
	 */
	static ClavierLoadBalancerServices of(Collection<ClavierServiceDetails> services) {
		List<ClavierServiceDetails> copy = List.copyOf(services);
		List<ClavierServiceDetails> seen = new ArrayList<>(copy.size());
		for (ClavierServiceDetails service : copy) {
			for (ClavierServiceDetails other : seen) {
				if (other.matches(service.serviceId())) {
					throw new IllegalArgumentException("services: '" + other.serviceId() + "' and '"
							+ service.serviceId() + "' (expected: service ids that differ in more than case)");
				}
			}
			seen.add(service);
		}
		return () -> copy;
	}

}
