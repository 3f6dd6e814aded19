package dev.clavier.autoconfigure.loadbalancer;

import java.util.List;
import java.util.Map;

import dev.clavier.Clavier;
import dev.clavier.autoconfigure.ClavierProperties;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ReactorLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Load-balancer client configuration, applied to every load-balancer child context through
 * {@code @LoadBalancerClients(defaultConfiguration = ...)}; not an auto-configuration. It reads
 * the child's service id from {@code loadbalancer.client.name} and, only when that id is a
 * declared Clavier listener, adds a {@link ServiceInstanceListSupplier} and a
 * {@link ReactorLoadBalancer} over the listener, and a lifecycle that reports call outcomes
 * to it. Other service ids keep Spring Cloud's defaults.
 * <p>
 * Each bean backs off when the child already has one of its type, so that a
 * {@code @LoadBalancerClient(configuration = ...)} of the application wins; when that
 * configuration brings its own supplier, Spring Cloud's balancer runs over it.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(ClavierLoadBalancerClientConfiguration.OnDeclaredListenerCondition.class)
class ClavierLoadBalancerClientConfiguration {

	@Bean
	@ConditionalOnMissingBean(ServiceInstanceListSupplier.class)
	ClavierServiceInstanceListSupplier clavierServiceInstanceListSupplier(Environment environment, Clavier clavier,
			ClavierProperties properties) {
		String serviceId = LoadBalancerClientFactory.getName(environment);
		ClavierProperties.Listener listener = properties.getListeners().get(serviceId);
		return new ClavierServiceInstanceListSupplier(serviceId, clavier, listener != null && listener.isSecure());
	}

	@Bean
	@ConditionalOnBean(ClavierServiceInstanceListSupplier.class)
	@ConditionalOnMissingBean
	ReactorLoadBalancer<ServiceInstance> clavierLoadBalancer(ClavierServiceInstanceListSupplier instances) {
		return new ClavierLoadBalancer(instances);
	}

	@Bean
	@ConditionalOnBean(ClavierServiceInstanceListSupplier.class)
	@ConditionalOnMissingBean
	ClavierLoadBalancerLifecycle clavierLoadBalancerLifecycle(ClavierServiceInstanceListSupplier instances,
			ClavierProperties properties) {
		ClavierProperties.Listener listener = properties.getListeners().get(instances.getServiceId());
		List<Integer> statuses = (listener != null) ? listener.getOutlierDetection().getFailureStatuses() : List.of();
		return new ClavierLoadBalancerLifecycle(instances, statuses);
	}

	/**
	 * Matches in a child context whose service id is a listener under {@code clavier.listeners},
	 * with Clavier enabled.
	 */
	static class OnDeclaredListenerCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Environment environment = context.getEnvironment();
			String serviceId = LoadBalancerClientFactory.getName(environment);
			if (serviceId == null) {
				return ConditionOutcome.noMatch("no loadbalancer.client.name: not a load-balancer child context");
			}
			if (!environment.getProperty("clavier.enabled", Boolean.class, true)) {
				return ConditionOutcome.noMatch("clavier.enabled is false");
			}
			Map<String, ClavierProperties.Listener> listeners = Binder.get(environment)
				.bind("clavier.listeners", Bindable.mapOf(String.class, ClavierProperties.Listener.class))
				.orElse(Map.of());
			if (!listeners.containsKey(serviceId)) {
				return ConditionOutcome.noMatch("service id '" + serviceId + "' is not a Clavier listener");
			}
			return ConditionOutcome.match("service id '" + serviceId + "' is a Clavier listener");
		}

	}

}
