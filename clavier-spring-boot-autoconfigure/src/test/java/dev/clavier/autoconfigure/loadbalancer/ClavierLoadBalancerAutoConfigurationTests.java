package dev.clavier.autoconfigure.loadbalancer;

import java.util.List;
import java.util.Set;

import dev.clavier.Clavier;
import dev.clavier.autoconfigure.ClavierAutoConfiguration;
import dev.clavier.autoconfigure.ClavierConfigurationException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

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
import org.springframework.core.NestedExceptionUtils;

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
	void runWhenListenersDeclaredShouldNameEachAsLoadBalancerClientForAot() {
		this.contextRunner.run((context) -> {
			assertThat(context.getBeansOfType(LoadBalancerClientSpecification.class).values())
				.filteredOn((specification) -> specification.getName().equals("backend"))
				.singleElement()
				.satisfies((specification) -> assertThat(specification.getConfiguration()).isEmpty());
			assertThat(context.getBean(LoadBalancerClientFactory.class).getInstance("backend"))
				.isInstanceOf(ClavierLoadBalancer.class);
		});
	}

	@Test
	void runWhenApplicationNamesListenerClientShouldKeepItsSpecification() {
		this.contextRunner
			.withBean("backend.LoadBalancerClientSpecification", LoadBalancerClientSpecification.class,
					() -> new LoadBalancerClientSpecification("backend", new Class<?>[] { Object.class }))
			.run((context) -> assertThat(context.getBeansOfType(LoadBalancerClientSpecification.class).values())
				.filteredOn((specification) -> specification.getName().equals("backend"))
				.singleElement()
				.satisfies((specification) -> assertThat(specification.getConfiguration())
					.containsExactly(Object.class)));
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
	void runShouldPrepareOneServicePerListener() {
		this.contextRunner.withPropertyValues("clavier.listeners.backend.secure=true").run((context) -> {
			assertThat(context).hasSingleBean(ClavierLoadBalancerServices.class);
			assertThat(context.getBean(ClavierLoadBalancerServices.class).getServices())
				.containsExactly(new ClavierServiceDetails("backend", "backend", true, Set.of(502, 503, 504)));
		});
	}

	@Test
	void runShouldRouteServiceIdsInAnotherCaseToTheListener() {
		this.contextRunner.run((context) -> {
			LoadBalancerClientFactory factory = context.getBean(LoadBalancerClientFactory.class);
			for (String serviceId : new String[] { "BACKEND", "Backend" }) {
				ReactiveLoadBalancer<ServiceInstance> balancer = factory.getInstance(serviceId);
				assertThat(balancer).isInstanceOf(ClavierLoadBalancer.class);
				ServiceInstance instance = Mono.from(balancer.choose()).block().getServer();
				assertThat(instance.getInstanceId()).isEqualTo("127.0.0.1:8080");
				assertThat(instance.getServiceId()).isEqualTo("backend");
				assertThat(factory.getInstance(serviceId, ServiceInstanceListSupplier.class).getServiceId())
					.isEqualTo(serviceId);
			}
		});
	}

	@Test
	void runWithListenerNamedInUpperCaseShouldServeItsIdInLowerCase() {
		this.contextRunner
			.withPropertyValues("clavier.listeners.Web.discovery.model=static",
					"clavier.listeners.Web.discovery.static.endpoints=127.0.0.3:8080",
					"clavier.listeners.Web.scout.model=none")
			.run((context) -> {
				assertThat(context.getBean(Clavier.class).listener("Web")).isPresent();
				LoadBalancerClientFactory factory = context.getBean(LoadBalancerClientFactory.class);
				assertThat(factory.getContextNames()).contains("Web");
				ReactiveLoadBalancer<ServiceInstance> balancer = factory.getInstance("web");
				assertThat(balancer).isInstanceOf(ClavierLoadBalancer.class);
				assertThat(Mono.from(balancer.choose()).block().getServer().getInstanceId())
					.isEqualTo("127.0.0.3:8080");
			});
	}

	@Test
	void runWithListenersThatDifferOnlyInCaseShouldFailNamingBoth() {
		this.contextRunner
			.withPropertyValues("clavier.listeners[Backend].discovery.model=static",
					"clavier.listeners[Backend].discovery.static.endpoints=127.0.0.2:8080",
					"clavier.listeners[Backend].scout.model=none")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(ClavierConfigurationException.class)
					.hasMessageContaining("clavier.listeners[Backend]")
					.hasMessageContaining("'backend' and 'Backend' differ only in case");
				ClavierConfigurationException failure = (ClavierConfigurationException) NestedExceptionUtils
					.getMostSpecificCause(context.getStartupFailure());
				assertThat(failure.getProperty()).isEqualTo("clavier.listeners[Backend]");
				assertThat(failure.getAction()).contains("'backend'").contains("'Backend'");
			});
	}

	@Test
	void runWithServicesOfTheApplicationShouldFollowThem() {
		this.contextRunner
			.withBean(ClavierLoadBalancerServices.class, () -> ClavierLoadBalancerServices
				.of(List.of(new ClavierServiceDetails("api", "backend", false, Set.of()))))
			.run((context) -> {
				LoadBalancerClientFactory factory = context.getBean(LoadBalancerClientFactory.class);
				assertThat(factory.getContextNames()).contains("api");
				ReactiveLoadBalancer<ServiceInstance> balancer = factory.getInstance("API");
				assertThat(balancer).isInstanceOf(ClavierLoadBalancer.class);
				ServiceInstance instance = Mono.from(balancer.choose()).block().getServer();
				assertThat(instance.getServiceId()).isEqualTo("api");
				assertThat(instance.getInstanceId()).isEqualTo("127.0.0.1:8080");
				assertThat(factory.getInstance("backend")).isNotInstanceOf(ClavierLoadBalancer.class);
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
