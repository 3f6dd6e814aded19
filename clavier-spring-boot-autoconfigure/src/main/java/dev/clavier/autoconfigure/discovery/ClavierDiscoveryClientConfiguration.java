package dev.clavier.autoconfigure.discovery;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Configuration of the {@code discovery-client} discovery model, imported by Clavier's
 * auto-configuration and active only when Spring Cloud Commons' {@link DiscoveryClient} is on
 * the class path: a {@link DiscoveryClientDiscoveryFactory} over the application's
 * {@link DiscoveryClient}, unless the application declares its own. Without it, a listener
 * whose model is {@code discovery-client} fails start-up naming its property; every other
 * model works, and Clavier's auto-configuration never loads a Spring Cloud discovery type.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(DiscoveryClient.class)
public final class ClavierDiscoveryClientConfiguration {

	@Bean
	@ConditionalOnMissingBean
	DiscoveryClientDiscoveryFactory clavierDiscoveryClientDiscoveryFactory(ObjectProvider<DiscoveryClient> clients) {
		return DiscoveryClientDiscoveryFactory.of(clients);
	}

}
