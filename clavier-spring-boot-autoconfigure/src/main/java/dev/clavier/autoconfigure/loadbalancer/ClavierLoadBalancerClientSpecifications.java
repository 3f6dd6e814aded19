package dev.clavier.autoconfigure.loadbalancer;

import java.util.Map;

import org.springframework.beans.factory.support.BeanDefinitionBuilder;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClientSpecification;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Names each listener under {@code clavier.listeners} as a load-balancer client, as
 * {@code @LoadBalancerClient(name = "<listener>")} would, with no configuration of its own (the
 * default configuration, {@link ClavierLoadBalancerClientConfiguration}, applies as before).
 * <p>
 * Spring AOT prepares a load-balancer child context only for the clients it can name at build
 * time; without this, every Clavier listener's child context fails to start from AOT-generated
 * code. A client the application already names keeps its own specification.
 */
class ClavierLoadBalancerClientSpecifications implements ImportBeanDefinitionRegistrar {

	private static final String SUFFIX = ".LoadBalancerClientSpecification";

	private final Environment environment;

	ClavierLoadBalancerClientSpecifications(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		Map<String, Object> listeners = Binder.get(this.environment)
			.bind("clavier.listeners", Bindable.mapOf(String.class, Object.class))
			.orElse(Map.of());
		for (String name : listeners.keySet()) {
			String beanName = name + SUFFIX;
			if (!registry.containsBeanDefinition(beanName)) {
				registry.registerBeanDefinition(beanName,
						BeanDefinitionBuilder.genericBeanDefinition(LoadBalancerClientSpecification.class)
							.addConstructorArgValue(name)
							.addConstructorArgValue(new Class<?>[0])
							.getBeanDefinition());
			}
		}
	}

}
