package dev.clavier.autoconfigure;

import java.time.Duration;

import dev.clavier.filter.SlowStart;
import dev.clavier.listener.ListenerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LoadBalancerZone} and the other selection keys of a listener: its zone, taken
 * from Spring Cloud's keys when unset, and its filter's slow start, through the auto-configuration.
 */
class LoadBalancerZoneTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClavierAutoConfiguration.class))
		.withPropertyValues("clavier.startup.wait=0")
		.withPropertyValues(ClavierAutoConfigurationTests.staticListener("backend", "127.0.0.1:8080;zone=eu-1"))
		.withPropertyValues(ClavierAutoConfigurationTests.staticListener("orders", "127.0.0.2:8080"));

	@Test
	void runWithoutAnyZoneShouldPreferNone() {
		this.contextRunner.run((context) -> {
			assertThat(config(context, "backend").zone()).isNull();
			assertThat(config(context, "backend").slowStart()).isEqualTo(SlowStart.OFF);
		});
	}

	@Test
	void runWithListenerZoneShouldBindIt() {
		this.contextRunner
			.withPropertyValues("clavier.listeners.backend.zone=eu-1", "spring.cloud.loadbalancer.zone=eu-2")
			.run((context) -> {
				assertThat(config(context, "backend").zone()).isEqualTo("eu-1");
				assertThat(config(context, "orders").zone()).isEqualTo("eu-2");
			});
	}

	@Test
	void runWithSpringCloudZoneShouldBeEveryListenersDefault() {
		this.contextRunner.withPropertyValues("spring.cloud.loadbalancer.zone=eu-2").run((context) -> {
			assertThat(config(context, "backend").zone()).isEqualTo("eu-2");
			assertThat(config(context, "orders").zone()).isEqualTo("eu-2");
		});
	}

	@Test
	void runWithSpringCloudClientZoneShouldWinOverTheGlobalOne() {
		this.contextRunner
			.withPropertyValues("spring.cloud.loadbalancer.zone=eu-2",
					"spring.cloud.loadbalancer.clients.backend.zone=eu-3")
			.run((context) -> {
				assertThat(config(context, "backend").zone()).isEqualTo("eu-3");
				assertThat(config(context, "orders").zone()).isEqualTo("eu-2");
			});
	}

	@Test
	void runWithBlankSpringCloudZoneShouldPreferNone() {
		this.contextRunner.withPropertyValues("spring.cloud.loadbalancer.zone= ")
			.run((context) -> assertThat(config(context, "backend").zone()).isNull());
	}

	@Test
	void runWithBlankListenerZoneShouldFailNamingTheProperty() {
		this.contextRunner.withPropertyValues("clavier.listeners.backend.zone=\t").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(clavierFailure(context.getStartupFailure()).getProperty())
				.isEqualTo("clavier.listeners.backend.zone");
		});
	}

	@Test
	void clientPropertyShouldBracketIdsThatAreNotPlain() {
		assertThat(LoadBalancerZone.clientProperty("backend")).isEqualTo("spring.cloud.loadbalancer.clients.backend.zone");
		assertThat(LoadBalancerZone.clientProperty("orders.v2"))
			.isEqualTo("spring.cloud.loadbalancer.clients[orders.v2].zone");
	}

	@Test
	void runWithSlowStartShouldBindIt() {
		this.contextRunner
			.withPropertyValues("clavier.listeners.backend.filter.slow-start.window=30s",
					"clavier.listeners.backend.filter.slow-start.aggression=2",
					"clavier.listeners.backend.filter.slow-start.min-weight-percent=20")
			.run((context) -> {
				assertThat(config(context, "backend").slowStart())
					.isEqualTo(new SlowStart(Duration.ofSeconds(30), 2.0, 20));
				assertThat(config(context, "orders").slowStart()).isEqualTo(SlowStart.OFF);
			});
	}

	@Test
	void runWithSlowStartWindowOnlyShouldUseEnvoysDefaults() {
		this.contextRunner.withPropertyValues("clavier.listeners.backend.filter.slow-start.window=1m")
			.run((context) -> assertThat(config(context, "backend").slowStart())
				.isEqualTo(SlowStart.of(Duration.ofMinutes(1))));
	}

	@Test
	void runWithSlowStartOutOfRangeShouldFailNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("clavier.listeners.backend.filter.slow-start.window=30s",
					"clavier.listeners.backend.filter.slow-start.min-weight-percent=150")
			.run((context) -> {
				assertThat(context).hasFailed();
				ClavierConfigurationException failure = clavierFailure(context.getStartupFailure());
				assertThat(failure.getProperty())
					.isEqualTo("clavier.listeners.backend.filter.slow-start.min-weight-percent");
				assertThat(failure.getExpected()).isEqualTo("0...100");
			});
		this.contextRunner.withPropertyValues("clavier.listeners.backend.filter.slow-start.aggression=0")
			.run((context) -> assertThat(clavierFailure(context.getStartupFailure()).getProperty())
				.isEqualTo("clavier.listeners.backend.filter.slow-start.aggression"));
	}

	private static ListenerConfig config(AssertableApplicationContext context, String id) {
		assertThat(context).hasNotFailed();
		return context.getBean(ClavierLifecycle.class).getListenerConfigs().get(id);
	}

	private static ClavierConfigurationException clavierFailure(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof ClavierConfigurationException clavier) {
				return clavier;
			}
		}
		throw new AssertionError("no ClavierConfigurationException in " + failure);
	}

}
