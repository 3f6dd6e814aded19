package dev.clavier.autoconfigure;

import dev.clavier.listener.ListenerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.commons.util.IdUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClavierSubsetDefaults}: the {@code clavier.listeners.<id>.subset.*} keys and
 * Spring Cloud LoadBalancer's {@code subset.*} keys as their defaults.
 */
class ClavierSubsetDefaultsTests {

	private static final String L = "clavier.listeners.backend.";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClavierAutoConfiguration.class))
		.withPropertyValues("clavier.startup.wait=0", L + "discovery.model=static",
				L + "discovery.static.endpoints=127.0.0.1:8080,127.0.0.2:8080,127.0.0.3:8080");

	@Test
	void runWithoutSubsetKeysShouldLeaveSubsettingOff() {
		this.contextRunner.withPropertyValues("spring.cloud.loadbalancer.subset.instance-id=orders-1")
			.run((context) -> assertThat(config(context).isSubsetting()).isFalse());
	}

	@Test
	void runWithClavierKeysShouldSetSizeAndInstanceId() {
		this.contextRunner.withPropertyValues(L + "subset.size=2", L + "subset.instance-id=orders-7")
			.run((context) -> {
				assertThat(config(context).subsetSize()).isEqualTo(2);
				assertThat(config(context).subsetInstanceId()).isEqualTo("orders-7");
				assertThat(context.getBean(ClavierLifecycle.class)).isNotNull();
			});
	}

	@Test
	void runWithSpringCloudSubsetKeysShouldTakeThemAsDefaults() {
		this.contextRunner.withPropertyValues("spring.application.name=orders",
				"spring.cloud.loadbalancer.subset.size=2",
				"spring.cloud.loadbalancer.subset.instance-id=${spring.application.name}-4")
			.run((context) -> {
				assertThat(config(context).subsetSize()).isEqualTo(2);
				assertThat(config(context).subsetInstanceId()).isEqualTo("orders-4");
			});
	}

	@Test
	void runWithPerClientSpringCloudKeysShouldPreferThemAndClavierKeysShouldWin() {
		this.contextRunner.withPropertyValues("spring.cloud.loadbalancer.subset.size=2",
				"spring.cloud.loadbalancer.clients.backend.subset.size=1",
				"spring.cloud.loadbalancer.subset.instance-id=orders-4",
				"spring.cloud.loadbalancer.clients.backend.subset.instance-id=orders-5")
			.run((context) -> {
				assertThat(config(context).subsetSize()).isEqualTo(1);
				assertThat(config(context).subsetInstanceId()).isEqualTo("orders-5");
			});
		this.contextRunner.withPropertyValues("spring.cloud.loadbalancer.clients.backend.subset.size=1",
				"spring.cloud.loadbalancer.clients.backend.subset.instance-id=orders-5", L + "subset.size=0")
			.run((context) -> assertThat(config(context).isSubsetting()).isFalse());
		this.contextRunner.withPropertyValues("spring.cloud.loadbalancer.clients.backend.subset.instance-id=orders-5",
				L + "subset.size=2", L + "subset.instance-id=orders-6")
			.run((context) -> assertThat(config(context).subsetInstanceId()).isEqualTo("orders-6"));
	}

	@Test
	void runWithoutInstanceIdShouldUseSpringCloudsDefaultInstanceId() {
		this.contextRunner.withPropertyValues(L + "subset.size=2", "spring.application.name=orders",
				"spring.cloud.client.hostname=orders-3", "server.port=8081")
			.run((context) -> {
				assertThat(config(context).subsetInstanceId()).isEqualTo("orders-3:orders:8081")
					.isEqualTo(IdUtils.getDefaultInstanceId(context.getEnvironment()));
			});
	}

	private static ListenerConfig config(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		return context.getBean(ClavierLifecycle.class).getListenerConfigs().get("backend");
	}

}
