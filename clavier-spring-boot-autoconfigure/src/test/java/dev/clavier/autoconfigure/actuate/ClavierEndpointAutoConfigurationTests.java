package dev.clavier.autoconfigure.actuate;

import dev.clavier.Clavier;
import dev.clavier.actuate.ClavierEndpoint;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClavierEndpointAutoConfiguration}.
 */
class ClavierEndpointAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClavierEndpointAutoConfiguration.class))
		.withUserConfiguration(ClavierConfiguration.class);

	@Test
	void runWhenExposedShouldCreateEndpoint() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=clavier")
			.run((context) -> assertThat(context).hasSingleBean(ClavierEndpoint.class));
	}

	@Test
	void runWhenNotExposedShouldNotCreateEndpoint() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(ClavierEndpoint.class));
	}

	@Test
	void runWhenAccessNoneShouldNotCreateEndpoint() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=clavier", "management.endpoint.clavier.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(ClavierEndpoint.class));
	}

	@Test
	void runWhenNoClavierBeanShouldNotCreateEndpoint() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ClavierEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=clavier")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ClavierEndpoint.class));
	}

	@Test
	void runWhenActuatorIsMissingShouldNotCreateEndpoint() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.withPropertyValues("management.endpoints.web.exposure.include=clavier")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ClavierEndpoint.class));
	}

	@Test
	void runWhenActuatorPackagesAreMissingShouldNotCreateEndpoint() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.withPropertyValues("management.endpoints.web.exposure.include=clavier")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ClavierEndpoint.class));
	}

	@Test
	void runWhenUserDefinesEndpointShouldUseIt() {
		this.contextRunner.withUserConfiguration(UserEndpointConfiguration.class)
			.withPropertyValues("management.endpoints.web.exposure.include=clavier")
			.run((context) -> assertThat(context).hasSingleBean(ClavierEndpoint.class)
				.getBean(ClavierEndpoint.class)
				.isSameAs(context.getBean("userClavierEndpoint")));
	}

	@Configuration(proxyBeanMethods = false)
	static class ClavierConfiguration {

		@Bean(destroyMethod = "close")
		Clavier clavier() {
			return Clavier.create();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserEndpointConfiguration {

		@Bean
		ClavierEndpoint userClavierEndpoint(Clavier clavier) {
			return new ClavierEndpoint(clavier);
		}

	}

}
