package dev.clavier.autoconfigure.loadbalancer;

import dev.clavier.autoconfigure.ClavierAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClientSpecification;
import org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration;
import org.springframework.cloud.loadbalancer.core.ReactorLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClavierLoadBalancerAutoConfiguration}.
 */
class ClavierLoadBalancerAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClavierAutoConfiguration.class,
				ClavierLoadBalancerAutoConfiguration.class, UtilAutoConfiguration.class,
				org.springframework.cloud.client.loadbalancer.LoadBalancerAutoConfiguration.class,
				LoadBalancerAutoConfiguration.class))
		.withPropertyValues("clavier.listeners.backend.discovery.model=static",
				"clavier.listeners.backend.discovery.static.endpoints=127.0.0.1:8080",
				"clavier.listeners.backend.scout.model=none");

	@Test
	void runShouldRegisterDefaultConfigurationAndNoParentBeans() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ClavierLoadBalancerContexts.class)
				.doesNotHaveBean(ServiceInstanceListSupplier.class)
				.doesNotHaveBean(ReactorLoadBalancer.class);
			assertThat(context.getBeansOfType(LoadBalancerClientSpecification.class).values())
				.anySatisfy((specification) -> {
					assertThat(specification.getName()).startsWith("default.");
					assertThat(specification.getConfiguration()).contains(ClavierLoadBalancerClientConfiguration.class);
				});
		});
	}

	@Test
	void runShouldCreateListenerChildContextsAtStartup() {
		this.contextRunner.run((context) -> {
			LoadBalancerClientFactory factory = context.getBean(LoadBalancerClientFactory.class);
			assertThat(factory.getContextNames()).contains("backend");
			assertThat(factory.getInstance("backend")).isInstanceOf(ClavierLoadBalancer.class);
			assertThat(factory.getInstance("other")).isNotInstanceOf(ClavierLoadBalancer.class);
			ReactiveLoadBalancer<ServiceInstance> balancer = factory.getInstance("backend");
			assertThat(reactor.core.publisher.Mono.from(balancer.choose()).block().getServer().getInstanceId()).isEqualTo("127.0.0.1:8080");
		});
	}

	@Test
	void runWithoutSpringCloudLoadBalancerShouldBackOff() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ClavierAutoConfiguration.class,
					ClavierLoadBalancerAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(LoadBalancerClientFactory.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(ClavierLoadBalancerContexts.class)
				.doesNotHaveBean(LoadBalancerClientSpecification.class));
	}

	@Test
	void runWhenDisabledShouldBackOff() {
		this.contextRunner.withPropertyValues("clavier.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ClavierLoadBalancerContexts.class));
	}

}
