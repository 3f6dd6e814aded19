package dev.clavier.autoconfigure.loadbalancer;

import dev.clavier.Clavier;
import dev.clavier.autoconfigure.ClavierAutoConfiguration;
import dev.clavier.autoconfigure.ClavierProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} that
 * puts Clavier's listeners behind Spring Cloud LoadBalancer: each load-balancer child context
 * whose service id names a declared listener (ignoring case, as host names do) picks through the
 * listener, so that a {@code @LoadBalanced} RestClient, RestTemplate or WebClient calling
 * {@code http://<id>/} reaches a healthy endpoint. Other service ids keep Spring Cloud's
 * defaults.
 * <p>
 * The application context holds the {@link ClavierLoadBalancerServices} the child contexts read
 * (from {@code clavier.listeners} unless the application declares its own) and creates the child
 * contexts of the listeners at start-up, right after the listeners. Two listeners whose names
 * differ only in case fail start-up.
 * <p>
 * Each listener is also named as a load-balancer client, so that Spring AOT prepares its child
 * context at build time; with AOT, the listeners are those configured at build time.
 */
@AutoConfiguration(after = ClavierAutoConfiguration.class, before = LoadBalancerAutoConfiguration.class)
@ConditionalOnClass({ Clavier.class, LoadBalancerClientFactory.class })
@ConditionalOnBooleanProperty(name = "clavier.enabled", matchIfMissing = true)
@ConditionalOnBean(Clavier.class)
@LoadBalancerClients(defaultConfiguration = ClavierLoadBalancerClientConfiguration.class)
@Import(ClavierLoadBalancerClientSpecifications.class)
public final class ClavierLoadBalancerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ClavierLoadBalancerServices clavierLoadBalancerServices(ClavierProperties properties) {
		return new PropertiesClavierLoadBalancerServices(properties);
	}

	@Bean
	@ConditionalOnMissingBean
	ClavierLoadBalancerContexts clavierLoadBalancerContexts(ObjectProvider<LoadBalancerClientFactory> clientFactory,
			ClavierLoadBalancerServices services) {
		return new ClavierLoadBalancerContexts(clientFactory,
				services.getServices().stream().map(ClavierServiceDetails::serviceId).toList());
	}

	@Bean
	@ConditionalOnMissingBean
	ClavierCallHandoff clavierCallHandoff() {
		return new ClavierCallHandoff();
	}

	/**
	 * Follows listeners added and removed at run time, where Spring Cloud Context publishes
	 * environment changes and the services come from the properties.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.cloud.context.environment.EnvironmentChangeEvent")
	@ConditionalOnBooleanProperty(name = "clavier.refresh.enabled", matchIfMissing = true)
	static class ClavierLoadBalancerRefreshConfiguration {

		@Bean
		ClavierLoadBalancerRefreshListener clavierLoadBalancerRefreshListener(Environment environment,
				ClavierLoadBalancerServices services) {
			return new ClavierLoadBalancerRefreshListener(environment, services);
		}

	}

	/**
	 * WebClient: cancelled exchanges end their calls in flight.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "org.springframework.web.reactive.function.client.WebClient",
			"org.springframework.cloud.client.loadbalancer.reactive.DeferringLoadBalancerExchangeFilterFunction" })
	static class WebClientConfiguration {

		@Bean
		static ClavierWebClientBuilderPostProcessor clavierWebClientBuilderPostProcessor(
				ObjectProvider<ClavierCallHandoff> handoff) {
			return new ClavierWebClientBuilderPostProcessor(handoff);
		}

	}

}
