package dev.clavier.autoconfigure;

import dev.clavier.listener.ListenerConfig;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.commons.util.IdUtils;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Resolves a listener's subsetting from its {@code clavier.listeners.<id>.subset.*} keys, with
 * Spring Cloud LoadBalancer's own keys as defaults, so that an application that set
 * {@code spring.cloud.loadbalancer.subset.size} keeps its subsets when Clavier manages the id:
 * {@code spring.cloud.loadbalancer.clients.<id>.subset.*} first, then
 * {@code spring.cloud.loadbalancer.subset.*}. The instance id defaults, as in Spring Cloud's
 * {@code SubsetServiceInstanceListSupplier}, to {@link IdUtils#getDefaultInstanceId}. Spring
 * Cloud's own default size (100) is not taken: subsetting stays off unless a size is set.
 * Thread-safe.
 */
final class ClavierSubsetDefaults {

	private static final String LOADBALANCER = "spring.cloud.loadbalancer.";

	private final @Nullable Environment environment;

	private final @Nullable Binder binder;

	/**
	 * Creates the resolver over an environment.
	 * @param environment the application's environment, or {@code null} if there is none (then
	 * only the {@code clavier.*} keys count)
	 */
	ClavierSubsetDefaults(@Nullable Environment environment) {
		this.environment = environment;
		this.binder = (environment instanceof ConfigurableEnvironment configurable) ? Binder.get(configurable) : null;
	}

	/**
	 * Returns the subsetting of one listener.
	 * @param id the service id
	 * @param properties the listener's {@code subset} properties
	 * @return its size (0 for off) and the instance id ({@code ""} while off)
	 */
	Settings resolve(String id, ClavierProperties.Subset properties) {
		Integer size = properties.getSize();
		if (size == null) {
			size = loadBalancer(id, "size", Integer.class);
		}
		if (size == null || size == 0) {
			return new Settings(0, "");
		}
		String instanceId = properties.getInstanceId();
		if (!StringUtils.hasText(instanceId)) {
			instanceId = loadBalancer(id, "instance-id", String.class);
		}
		if (!StringUtils.hasText(instanceId) && this.environment != null) {
			instanceId = IdUtils.getDefaultInstanceId(this.environment);
		}
		return new Settings(size, (instanceId != null) ? instanceId.trim() : "");
	}

	private <T> @Nullable T loadBalancer(String id, String key, Class<T> type) {
		if (this.binder == null) {
			return null;
		}
		T client = this.binder.bind(LOADBALANCER + "clients[" + id + "].subset." + key, type).orElse(null);
		return (client != null) ? client : this.binder.bind(LOADBALANCER + "subset." + key, type).orElse(null);
	}

	/**
	 * A listener's subsetting, as {@link ListenerConfig.Builder#subset} takes it.
	 *
	 * @param size how many endpoints, 0 for off
	 * @param instanceId the id of this application instance
	 */
	record Settings(int size, String instanceId) {
	}

}
