package dev.clavier.autoconfigure.discovery;

import java.time.Duration;
import java.util.List;

import dev.clavier.Clavier;
import dev.clavier.autoconfigure.ClavierAutoConfiguration;
import dev.clavier.autoconfigure.ClavierConfigurationException;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.listener.Listener;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ClavierDiscoveryClientConfiguration}, imported by
 * {@link ClavierAutoConfiguration}.
 */
class ClavierDiscoveryClientConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClavierAutoConfiguration.class))
		.withPropertyValues("clavier.startup.wait=5s");

	@Test
	void runShouldAddTheFactory() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(DiscoveryClientDiscoveryFactory.class));
	}

	@Test
	void runWithoutSpringCloudCommonsShouldStartOtherModelsWithoutTheFactory() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(DiscoveryClient.class))
			.withPropertyValues("clavier.listeners.backend.discovery.model=static",
					"clavier.listeners.backend.discovery.static.endpoints=127.0.0.1:8080",
					"clavier.listeners.backend.scout.model=none")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(DiscoveryClientDiscoveryFactory.class);
				assertThat(context.getBean(Clavier.class).listener("backend")).isPresent();
			});
	}

	@Test
	void runWithoutSpringCloudCommonsShouldFailADiscoveryClientListenerNamingTheProperty() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(DiscoveryClient.class))
			.withPropertyValues("clavier.listeners.backend.discovery.model=discovery-client")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(ClavierConfigurationException.class)
					.hasMessageContaining("clavier.listeners.backend.discovery.model")
					.hasMessageContaining("Spring Cloud Commons is not on the class path");
			});
	}

	@Test
	void runWithoutDiscoveryClientBeanShouldSayWhatToAdd() {
		this.contextRunner.withPropertyValues("clavier.listeners.backend.discovery.model=discovery-client")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(ClavierConfigurationException.class)
					.hasMessageContaining("clavier.listeners.backend.discovery.model")
					.hasMessageContaining("there is no single Spring Cloud DiscoveryClient bean");
			});
	}

	@Test
	void runWithFactoryOfTheApplicationShouldUseIt() {
		this.contextRunner.withUserConfiguration(UserFactoryConfiguration.class)
			.withPropertyValues("clavier.listeners.backend.discovery.model=discovery-client",
					"clavier.listeners.backend.scout.model=none")
			.run((context) -> {
				assertThat(context).hasSingleBean(DiscoveryClientDiscoveryFactory.class);
				Listener listener = context.getBean(Clavier.class).listener("backend").orElseThrow();
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(listener.selection().endpoints())
						.containsExactly(Endpoint.of("127.0.0.4", 8084)));
				assertThat(listener.discoveryState().target()).isEqualTo("DiscoveryClient backend");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserFactoryConfiguration {

		@Bean
		DiscoveryClientDiscoveryFactory userFactory() {
			DiscoveryClient client = new DiscoveryClient() {

				@Override
				public String description() {
					return "user";
				}

				@Override
				public List<ServiceInstance> getInstances(String serviceId) {
					return List.of(new DefaultServiceInstance("one", serviceId, "127.0.0.4", 8084, false));
				}

				@Override
				public List<String> getServices() {
					return List.of("backend");
				}

			};
			return (serviceId, refreshInterval) -> DiscoveryClientDiscovery.of(client, serviceId, refreshInterval);
		}

	}

}
