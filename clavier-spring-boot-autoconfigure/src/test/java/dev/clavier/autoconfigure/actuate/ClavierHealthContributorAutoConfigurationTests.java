package dev.clavier.autoconfigure.actuate;

import dev.clavier.Clavier;
import dev.clavier.actuate.ClavierHealthContributor;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClavierHealthContributorAutoConfiguration}.
 */
class ClavierHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClavierHealthContributorAutoConfiguration.class))
		.withUserConfiguration(ClavierConfiguration.class);

	@Test
	void runShouldCreateIndicator() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(ClavierHealthContributor.class)
			.hasBean("clavierHealthContributor"));
	}

	@Test
	void runWhenDisabledShouldNotCreateIndicator() {
		this.contextRunner.withPropertyValues("management.health.clavier.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ClavierHealthContributor.class)
				.doesNotHaveBean("clavierHealthContributor"));
	}

	@Test
	void runWhenDefaultsDisabledShouldNotCreateIndicator() {
		this.contextRunner.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ClavierHealthContributor.class));
	}

	@Test
	void runWhenNoClavierBeanShouldNotCreateIndicator() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ClavierHealthContributorAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ClavierHealthContributor.class));
	}

	@Test
	void runWhenHealthIsMissingShouldNotCreateIndicator() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HealthContributor.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("clavierHealthContributor"));
	}

	@Test
	void runWhenActuatorPackagesAreMissingShouldNotCreateIndicator() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health",
				"org.springframework.boot.actuate"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("clavierHealthContributor"));
	}

	@Test
	void runWhenUserDefinesContributorByNameShouldUseIt() {
		this.contextRunner.withUserConfiguration(UserContributorConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(ClavierHealthContributor.class)
				.getBean("clavierHealthContributor")
				.isInstanceOf(HealthIndicator.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class ClavierConfiguration {

		@Bean(destroyMethod = "close")
		Clavier clavier() {
			return Clavier.create();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserContributorConfiguration {

		@Bean
		HealthIndicator clavierHealthContributor() {
			return () -> Health.up().build();
		}

	}

}
