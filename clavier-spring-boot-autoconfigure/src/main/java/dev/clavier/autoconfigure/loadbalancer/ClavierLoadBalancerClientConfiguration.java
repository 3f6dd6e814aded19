package dev.clavier.autoconfigure.loadbalancer;

import java.util.Map;

import dev.clavier.Clavier;
import dev.clavier.autoconfigure.ClavierProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SearchStrategy;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancerProperties;
import org.springframework.cloud.loadbalancer.core.ReactorLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.cloud.loadbalancer.support.LoadBalancerEnvironmentPropertyUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.AbstractAotProcessor;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Load-balancer client configuration, applied to every load-balancer child context through
 * {@code @LoadBalancerClients(defaultConfiguration = ...)}; not an auto-configuration. It reads
 * the child's service id from {@code loadbalancer.client.name} and, only when that id names a
 * service of the application context's {@link ClavierLoadBalancerServices} (by default, a
 * declared listener), ignoring case as host names do ({@code http://WEB/} reaches the listener
 * {@code web}), adds a {@link ServiceInstanceListSupplier} and a
 * {@link ReactorLoadBalancer} over the listener, and a lifecycle that reports call outcomes to
 * it. Other service ids keep Spring Cloud's defaults. Spring Cloud's hints and request-based
 * sticky sessions of the service ({@code spring.cloud.loadbalancer.[clients.<id>.]hint*},
 * {@code sticky-session.*}, {@code configurations}: request-based sticky sessions and the
 * same-instance preference) apply over the listener's pickable endpoints
 * ({@link ClavierRequestPreferences}).
 * <p>
 * The beans read the service's {@link ClavierServiceDetails}, found in the application
 * context's {@link ClavierLoadBalancerServices}, and share one {@link ClavierServiceView} of the
 * listener; none reads {@code clavier.*} properties. Each bean backs off when the child already
 * has one of its type, so that a {@code @LoadBalancerClient(configuration = ...)} of the
 * application wins; when that configuration brings its own supplier, Spring Cloud's balancer
 * runs over it.
 * <p>
 * Public because Spring AOT generates code outside this package that names it.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(ClavierLoadBalancerClientConfiguration.OnDeclaredListenerCondition.class)
public final class ClavierLoadBalancerClientConfiguration {

	@Bean
	@ConditionalOnMissingBean(search = SearchStrategy.CURRENT)
	ClavierServiceDetails clavierServiceDetails(Environment environment, ClavierLoadBalancerServices services) {
		String serviceId = LoadBalancerClientFactory.getName(environment);
		return services.find(serviceId)
			.orElseThrow(() -> new IllegalStateException("No Clavier service details for the service id '"
					+ serviceId + "' in " + services + "; the listeners under clavier.listeners "
					+ "and the beans of ClavierLoadBalancerServices must name the same services"));
	}

	@Bean
	@ConditionalOnMissingBean(ServiceInstanceListSupplier.class)
	ClavierServiceView clavierServiceView(Clavier clavier, ClavierServiceDetails details) {
		return new ClavierServiceView(clavier, details);
	}

	@Bean
	@ConditionalOnMissingBean(ServiceInstanceListSupplier.class)
	ClavierServiceInstanceListSupplier clavierServiceInstanceListSupplier(Environment environment,
			ClavierServiceView view) {
		return new ClavierServiceInstanceListSupplier(LoadBalancerClientFactory.getName(environment), view);
	}

	@Bean
	@ConditionalOnBean(ClavierServiceInstanceListSupplier.class)
	@ConditionalOnMissingBean
	ReactorLoadBalancer<ServiceInstance> clavierLoadBalancer(ClavierServiceView view,
			ClavierRequestPreferences preferences) {
		return new ClavierLoadBalancer(view, preferences);
	}

	@Bean
	@ConditionalOnBean(ClavierServiceInstanceListSupplier.class)
	@ConditionalOnMissingBean
	ClavierRequestPreferences clavierRequestPreferences(Environment environment, ClavierServiceView view,
			ObjectProvider<LoadBalancerClientFactory> clientFactory) {
		// Spring Cloud's own settings of this service: clients.<id>.* over the defaults.
		String serviceId = LoadBalancerClientFactory.getName(environment);
		LoadBalancerClientFactory factory = clientFactory.getIfAvailable();
		LoadBalancerProperties properties = (factory != null && serviceId != null) ? factory.getProperties(serviceId)
				: null;
		return ClavierRequestPreferences.of(view, (properties != null) ? properties : new LoadBalancerProperties(),
				LoadBalancerEnvironmentPropertyUtils.equalToForClientOrDefault(environment, "configurations",
						ClavierRequestPreferences.STICKY_SESSION_CONFIGURATION),
				LoadBalancerEnvironmentPropertyUtils.equalToForClientOrDefault(environment, "configurations",
						ClavierRequestPreferences.SAME_INSTANCE_CONFIGURATION));
	}

	@Bean
	@ConditionalOnBean(ClavierServiceInstanceListSupplier.class)
	@ConditionalOnMissingBean
	ClavierLoadBalancerLifecycle clavierLoadBalancerLifecycle(ClavierServiceView view, ClavierServiceDetails details,
			ObjectProvider<ClavierCallHandoff> handoff) {
		return new ClavierLoadBalancerLifecycle(view, details.failureStatuses(), handoff.getIfAvailable());
	}

	/**
	 * Matches in a child context whose service id names a service of the application context's
	 * {@link ClavierLoadBalancerServices}, ignoring case, with Clavier enabled. Without such a
	 * parent (a context standing in for a child in tests), and while Spring AOT processes the
	 * application at build time, the listeners under {@code clavier.listeners} are the services.
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
			ClavierLoadBalancerServices services = parentServices(context);
			if (services != null) {
				return services.find(serviceId)
					.map((service) -> ConditionOutcome
						.match("service id '" + serviceId + "' names the Clavier service '" + service.serviceId() + "'"))
					.orElseGet(() -> ConditionOutcome
						.noMatch("service id '" + serviceId + "' is not a Clavier service of " + services));
			}
			Map<String, ClavierProperties.Listener> listeners = Binder.get(environment)
				.bind("clavier.listeners", Bindable.mapOf(String.class, ClavierProperties.Listener.class))
				.orElse(Map.of());
			String canonical = ClavierServiceDetails.canonical(serviceId);
			for (String name : listeners.keySet()) {
				if (ClavierServiceDetails.canonical(name).equals(canonical)) {
					return ConditionOutcome.match("service id '" + serviceId + "' names the Clavier listener '"
							+ name + "'");
				}
			}
			return ConditionOutcome.noMatch("service id '" + serviceId + "' is not a Clavier listener");
		}

		// The parent's beans are ready when a child context is created; the child's own are not.
		private static @Nullable ClavierLoadBalancerServices parentServices(ConditionContext context) {
			// During AOT processing the parent holds bean definitions only: a bean created now
			// would be bound to no property, so it must not decide what the generated code holds.
			if (Boolean.getBoolean(AbstractAotProcessor.AOT_PROCESSING)) {
				return null;
			}
			ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
			BeanFactory parent = (beanFactory != null) ? beanFactory.getParentBeanFactory() : null;
			if (parent == null) {
				return null;
			}
			return parent.getBeanProvider(ClavierLoadBalancerServices.class).getIfUnique();
		}

	}

}
