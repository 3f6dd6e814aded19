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

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} that
 * puts Clavier's listeners behind Spring Cloud LoadBalancer: each load-balancer child context
 * whose service id is a declared listener picks through the listener, so that a
 * {@code @LoadBalanced} RestClient, RestTemplate or WebClient calling {@code http://<id>/} reaches
 * a healthy endpoint. Other service ids keep Spring Cloud's defaults. The child contexts of the
 * listeners are created at start-up, right after the listeners.
 */
@AutoConfiguration(after = ClavierAutoConfiguration.class, before = LoadBalancerAutoConfiguration.class)
@ConditionalOnClass({ Clavier.class, LoadBalancerClientFactory.class })
@ConditionalOnBooleanProperty(name = "clavier.enabled", matchIfMissing = true)
@ConditionalOnBean(Clavier.class)
@LoadBalancerClients(defaultConfiguration = ClavierLoadBalancerClientConfiguration.class)
public final class ClavierLoadBalancerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ClavierLoadBalancerContexts clavierLoadBalancerContexts(ObjectProvider<LoadBalancerClientFactory> clientFactory,
			ClavierProperties properties) {
		return new ClavierLoadBalancerContexts(clientFactory, properties.getListeners().keySet());
	}

}
