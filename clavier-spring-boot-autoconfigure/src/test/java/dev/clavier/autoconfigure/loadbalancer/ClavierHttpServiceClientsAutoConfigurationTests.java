package dev.clavier.autoconfigure.loadbalancer;

import dev.clavier.autoconfigure.ClavierAutoConfiguration;
import dev.clavier.autoconfigure.ClavierConfigurationException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.registry.ImportHttpServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClavierHttpServiceClientsAutoConfiguration}: HTTP service groups named after a
 * listener need Spring Boot's HTTP service client support (spring-boot-http-client), which this
 * module's tests have; filtering it out stands for an application with a web starter alone.
 */
class ClavierHttpServiceClientsAutoConfigurationTests {

	private static final FilteredClassLoader WITHOUT_HTTP_SERVICE_CLIENT = new FilteredClassLoader(
			ClavierHttpServiceGroupsCheck.HTTP_SERVICE_CLIENT_PROPERTIES);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClavierAutoConfiguration.class,
				ClavierLoadBalancerAutoConfiguration.class, ClavierHttpServiceClientsAutoConfiguration.class))
		.withPropertyValues("clavier.listeners.backend.discovery.model=static",
				"clavier.listeners.backend.discovery.static.endpoints=127.0.0.1:8080",
				"clavier.listeners.backend.scout.model=none", "clavier.startup.wait=0");

	@Test
	void runWhenGroupNamesListenerWithoutHttpServiceClientSupportShouldFailNamingTheStarter() {
		this.contextRunner.withClassLoader(WITHOUT_HTTP_SERVICE_CLIENT)
			.withUserConfiguration(BackendGroup.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure())
					.isInstanceOfSatisfying(ClavierConfigurationException.class, (ex) -> {
						assertThat(ex.getProperty()).isEqualTo("clavier.listeners.backend");
						assertThat(ex.getReason()).startsWith(
								"the HTTP service group 'backend' (@ImportHttpServices [BackendApi]) would call localhost");
						assertThat(ex.getAction())
							.startsWith("add org.springframework.boot:spring-boot-starter-restclient");
					});
			});
	}

	@Test
	void runWhenGroupNamesListenerIgnoringCaseShouldFailToo() {
		this.contextRunner.withClassLoader(WITHOUT_HTTP_SERVICE_CLIENT)
			.withUserConfiguration(UpperCaseBackendGroup.class)
			.run((context) -> assertThat(context).hasFailed());
	}

	@Test
	void runWhenGroupNamesNoListenerShouldStart() {
		this.contextRunner.withClassLoader(WITHOUT_HTTP_SERVICE_CLIENT)
			.withUserConfiguration(OtherGroup.class)
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(ClavierHttpServiceGroupsCheck.class));
	}

	@Test
	void runWithHttpServiceClientSupportShouldNotCheck() {
		this.contextRunner.withUserConfiguration(BackendGroup.class)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ClavierHttpServiceGroupsCheck.class));
	}

	interface BackendApi {

		@GetExchange("/hello")
		String hello();

	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "backend", types = BackendApi.class)
	static class BackendGroup {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "BACKEND", types = BackendApi.class)
	static class UpperCaseBackendGroup {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "other", types = BackendApi.class)
	static class OtherGroup {

	}

}
