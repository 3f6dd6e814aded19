package dev.clavier.autoconfigure.loadbalancer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import dev.clavier.autoconfigure.ClavierConfigurationException;
import dev.clavier.autoconfigure.ClavierProperties;

/**
 * Adapts {@link ClavierProperties} to {@link ClavierLoadBalancerServices}: one service per
 * listener under {@code clavier.listeners}, in the order of the properties, its key as both
 * service id and listener name, with the listener's {@code secure} flag and its outlier
 * detection's failure statuses.
 * <p>
 * Two listeners whose keys differ only in case ({@code web} and {@code Web}) fail start-up with
 * a {@link ClavierConfigurationException} naming both: {@code http://web/} and
 * {@code http://Web/} are one host name, so the calls of one would silently reach the other.
 * Thread-safe; {@link #update} swaps the whole list.
 */
final class PropertiesClavierLoadBalancerServices implements ClavierLoadBalancerServices {

	private volatile List<ClavierServiceDetails> services;

	PropertiesClavierLoadBalancerServices(ClavierProperties properties) {
		this.services = services(properties);
	}

	/**
	 * Takes the listeners of a configuration changed at run time: child contexts created from now
	 * on (a service id called for the first time) see them; existing ones keep what they have, and
	 * follow their listener by name as it is replaced.
	 * @param properties the properties bound again
	 * @throws ClavierConfigurationException if two listeners' ids differ only in case; the
	 * services stay as they were
	 */
	void update(ClavierProperties properties) {
		this.services = services(properties);
	}

	private static List<ClavierServiceDetails> services(ClavierProperties properties) {
		List<ClavierServiceDetails> services = new ArrayList<>();
		for (Map.Entry<String, ClavierProperties.Listener> entry : properties.getListeners().entrySet()) {
			String id = entry.getKey();
			ClavierProperties.Listener listener = entry.getValue();
			for (ClavierServiceDetails other : services) {
				if (other.matches(id)) {
					throw new ClavierConfigurationException("clavier.listeners[" + id + "]", id,
							"the listeners '" + other.serviceId() + "' and '" + id + "' differ only in case, and "
									+ "service ids match as host names do, ignoring case: http://" + id
									+ "/ could reach either",
							"remove one of the listeners '" + other.serviceId() + "' and '" + id
									+ "', or rename one so that they differ in more than case");
				}
			}
			services.add(new ClavierServiceDetails(id, id, listener.isSecure(),
					new HashSet<>(listener.getOutlierDetection().getFailureStatuses())));
		}
		return List.copyOf(services);
	}

	@Override
	public List<ClavierServiceDetails> getServices() {
		return this.services;
	}

	@Override
	public String toString() {
		return "PropertiesClavierLoadBalancerServices"
				+ this.services.stream().map(ClavierServiceDetails::serviceId).toList();
	}

}
