package dev.clavier.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The zone Spring Cloud LoadBalancer gives a client, which a listener without
 * {@code clavier.listeners.<id>.zone} takes: {@code spring.cloud.loadbalancer.clients.<id>.zone},
 * then {@code spring.cloud.loadbalancer.zone} (the key Spring Cloud's
 * {@code ZonePreferenceServiceInstanceListSupplier} reads). Read with Spring Boot's relaxed
 * binding, so {@code SPRING_CLOUD_LOADBALANCER_ZONE} works as well; a blank value counts as none.
 * Thread-safe.
 */
final class LoadBalancerZone {

	/** Spring Cloud's own zone key, for every client. */
	static final String ZONE_PROPERTY = "spring.cloud.loadbalancer.zone";

	private final Binder binder;

	/**
	 * Creates the reader over an environment.
	 * @param environment the application's environment
	 */
	LoadBalancerZone(Environment environment) {
		this.binder = Binder.get(environment);
	}

	/**
	 * Returns the name of the per-client zone property of a service id.
	 * @param serviceId the service id
	 * @return {@code spring.cloud.loadbalancer.clients.<id>.zone}, the id in brackets when it is not plain
	 */
	static String clientProperty(String serviceId) {
		boolean plain = serviceId.chars().allMatch((c) -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
		return "spring.cloud.loadbalancer.clients" + (plain ? "." + serviceId : "[" + serviceId + "]") + ".zone";
	}

	/**
	 * Returns the zone Spring Cloud's keys give a service id.
	 * @param serviceId the service id
	 * @return the zone, or {@code null} when neither key is set (or both are blank)
	 */
	@Nullable String zone(String serviceId) {
		String client = value(clientProperty(serviceId));
		return (client != null) ? client : value(ZONE_PROPERTY);
	}

	private @Nullable String value(String property) {
		String value = this.binder.bind(property, String.class).orElse(null);
		return (value != null && !value.isBlank()) ? value.trim() : null;
	}

}
