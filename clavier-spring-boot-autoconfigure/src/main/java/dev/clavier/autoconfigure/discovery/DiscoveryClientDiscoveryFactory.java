package dev.clavier.autoconfigure.discovery;

import java.time.Duration;
import java.util.Objects;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * Creates the {@code discovery-client} discovery model of each listener that asks for it,
 * over the {@link DiscoveryClient} this factory chooses. The bean that
 * {@link ClavierDiscoveryClientConfiguration} registers chooses the application's single
 * (or primary) client, Spring Cloud's composite one when there are several; declare a bean of
 * this type to choose another one:
 * <pre>{@code
 * @Bean
 * DiscoveryClientDiscoveryFactory consulOnly(ConsulDiscoveryClient consul) {
 *     return (serviceId, refreshInterval) -> DiscoveryClientDiscovery.of(consul, serviceId, refreshInterval);
 * }
 * }</pre>
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface DiscoveryClientDiscoveryFactory {

	/**
	 * Creates a discovery that asks the chosen client for a service's instances.
	 * @param serviceId the service id to ask for
	 * @param refreshInterval how often to ask again, more than zero
	 * @return the discovery
	 * @throws IllegalStateException if there is no client to ask; the message says why
	 */
	DiscoveryClientDiscovery create(String serviceId, Duration refreshInterval);

	/**
	 * Creates a factory over the single {@link DiscoveryClient} bean of a provider (the primary
	 * one when there are several), looked up on each call.
	 * @param clients the application's {@link DiscoveryClient} beans
	 * @return the factory
	 */
	static DiscoveryClientDiscoveryFactory of(ObjectProvider<DiscoveryClient> clients) {
		Objects.requireNonNull(clients, "clients");
		return (serviceId, refreshInterval) -> {
			// Spring Cloud's composite client is the primary one when there are several.
			DiscoveryClient client = clients.getIfUnique();
			if (client == null) {
				throw new IllegalStateException("there is no single Spring Cloud DiscoveryClient bean");
			}
			return DiscoveryClientDiscovery.of(client, serviceId, refreshInterval);
		};
	}

}
