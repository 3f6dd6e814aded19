package dev.clavier.autoconfigure.loadbalancer;

import java.util.List;
import java.util.Set;

import dev.clavier.autoconfigure.ClavierAutoConfiguration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.loadbalancer.core.ReactorLoadBalancer;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClavierLoadBalancerClientConfiguration}: a plain runner with
 * {@code loadbalancer.client.name} stands in for a load-balancer child context, with the beans
 * of the application context ({@link ClavierLoadBalancerAutoConfiguration}) beside it.
 */
class ClavierLoadBalancerClientConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ClavierAutoConfiguration.class, ClavierLoadBalancerAutoConfiguration.class))
		.withPropertyValues("clavier.listeners.backend.discovery.model=static",
				"clavier.listeners.backend.discovery.static.endpoints=127.0.0.1:8080,127.0.0.2:8080",
				"clavier.listeners.backend.scout.model=none");

	@Test
	void shouldAddSupplierBalancerAndLifecycleForDeclaredListener() {
		this.contextRunner.withUserConfiguration(ClavierLoadBalancerClientConfiguration.class)
			.withPropertyValues("loadbalancer.client.name=backend")
			.run((context) -> {
				assertThat(context).hasSingleBean(ServiceInstanceListSupplier.class)
					.hasSingleBean(ReactorLoadBalancer.class)
					.hasSingleBean(LoadBalancerLifecycle.class);
				assertThat(context.getBean(ReactorLoadBalancer.class)).isInstanceOf(ClavierLoadBalancer.class);
				ServiceInstanceListSupplier supplier = context.getBean(ServiceInstanceListSupplier.class);
				assertThat(supplier.getServiceId()).isEqualTo("backend");
				assertThat(supplier.get().blockFirst()).extracting(ServiceInstance::getInstanceId)
					.containsExactly("127.0.0.1:8080", "127.0.0.2:8080");
			});
	}

	@Test
	void shouldAddNothingForUndeclaredServiceId() {
		this.contextRunner.withUserConfiguration(ClavierLoadBalancerClientConfiguration.class)
			.withPropertyValues("loadbalancer.client.name=other")
			.run((context) -> assertThat(context).doesNotHaveBean(ServiceInstanceListSupplier.class)
				.doesNotHaveBean(ReactorLoadBalancer.class)
				.doesNotHaveBean(LoadBalancerLifecycle.class));
	}

	@Test
	void shouldAddNothingWhenClavierDisabled() {
		this.contextRunner.withUserConfiguration(ClavierLoadBalancerClientConfiguration.class)
			.withPropertyValues("loadbalancer.client.name=backend", "clavier.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ServiceInstanceListSupplier.class)
				.doesNotHaveBean(ReactorLoadBalancer.class));
	}

	@Test
	void shouldAddNothingOutsideChildContext() {
		this.contextRunner.withUserConfiguration(ClavierLoadBalancerClientConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(ServiceInstanceListSupplier.class));
	}

	@Test
	void shouldBackOffWhenClientConfigurationBringsItsOwnSupplier() {
		this.contextRunner
			.withUserConfiguration(UserSupplierConfiguration.class, ClavierLoadBalancerClientConfiguration.class)
			.withPropertyValues("loadbalancer.client.name=backend")
			.run((context) -> {
				assertThat(context).hasSingleBean(ServiceInstanceListSupplier.class)
					.doesNotHaveBean(ClavierServiceInstanceListSupplier.class)
					.doesNotHaveBean(ReactorLoadBalancer.class)
					.doesNotHaveBean(ClavierLoadBalancerLifecycle.class);
			});
	}

	@Test
	void shouldKeepUserBalancerAndStillSupplyInstances() {
		this.contextRunner
			.withUserConfiguration(UserBalancerConfiguration.class, ClavierLoadBalancerClientConfiguration.class)
			.withPropertyValues("loadbalancer.client.name=backend")
			.run((context) -> {
				assertThat(context).hasSingleBean(ClavierServiceInstanceListSupplier.class);
				assertThat(context.getBean(ReactorLoadBalancer.class)).isInstanceOf(RoundRobinLoadBalancer.class);
			});
	}

	@Test
	void shouldAddSupplierBalancerAndLifecycleForServiceIdInAnotherCase() {
		this.contextRunner.withUserConfiguration(ClavierLoadBalancerClientConfiguration.class)
			.withPropertyValues("loadbalancer.client.name=BACKEND")
			.run((context) -> {
				assertThat(context).hasSingleBean(ClavierServiceInstanceListSupplier.class)
					.hasSingleBean(ClavierLoadBalancerLifecycle.class);
				assertThat(context.getBean(ReactorLoadBalancer.class)).isInstanceOf(ClavierLoadBalancer.class);
				assertThat(context.getBean(ClavierServiceDetails.class).serviceId()).isEqualTo("backend");
				ServiceInstanceListSupplier supplier = context.getBean(ServiceInstanceListSupplier.class);
				assertThat(supplier.getServiceId()).isEqualTo("BACKEND");
				assertThat(supplier.get().blockFirst()).extracting(ServiceInstance::getInstanceId)
					.containsExactly("127.0.0.1:8080", "127.0.0.2:8080");
			});
	}

	@Test
	void shouldReadDetailsPreparedInTheApplicationContext() {
		this.contextRunner.withUserConfiguration(ClavierLoadBalancerClientConfiguration.class)
			.withPropertyValues("loadbalancer.client.name=backend", "clavier.listeners.backend.secure=true",
					"clavier.listeners.backend.outlier-detection.failure-statuses=500,503")
			.run((context) -> {
				ClavierServiceDetails details = context.getBean(ClavierServiceDetails.class);
				assertThat(details).isSameAs(context.getBean(ClavierLoadBalancerServices.class).find("backend").get());
				assertThat(details.secure()).isTrue();
				assertThat(details.failureStatuses()).containsExactlyInAnyOrder(500, 503);
				assertThat(context.getBean(ServiceInstanceListSupplier.class).get().blockFirst())
					.extracting(ServiceInstance::isSecure)
					.containsOnly(true);
			});
	}

	@Test
	void shouldUseDetailsOfTheClientConfiguration() {
		this.contextRunner.withUserConfiguration(UserDetailsConfiguration.class,
				ClavierLoadBalancerClientConfiguration.class)
			.withPropertyValues("loadbalancer.client.name=backend")
			.run((context) -> {
				assertThat(context).hasSingleBean(ClavierServiceDetails.class);
				assertThat(context.getBean(ServiceInstanceListSupplier.class).get().blockFirst())
					.extracting(ServiceInstance::getServiceId)
					.containsOnly("backend-by-user");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserDetailsConfiguration {

		@Bean
		ClavierServiceDetails userDetails() {
			return new ClavierServiceDetails("backend-by-user", "backend", false, Set.of());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserSupplierConfiguration {

		@Bean
		ServiceInstanceListSupplier userSupplier() {
			return new ServiceInstanceListSupplier() {

				@Override
				public String getServiceId() {
					return "backend";
				}

				@Override
				public Flux<List<ServiceInstance>> get() {
					return Flux.just(List.of());
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBalancerConfiguration {

		@Bean
		ReactorLoadBalancer<ServiceInstance> userBalancer(
				org.springframework.beans.factory.ObjectProvider<ServiceInstanceListSupplier> supplier) {
			return new RoundRobinLoadBalancer(supplier, "backend");
		}

	}

}
