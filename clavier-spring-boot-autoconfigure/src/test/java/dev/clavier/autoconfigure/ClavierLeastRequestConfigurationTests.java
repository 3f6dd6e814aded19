package dev.clavier.autoconfigure;

import dev.clavier.filter.LeastRequestFilter;
import dev.clavier.listener.ListenerConfig;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the {@code least-request} filter's properties: bound to the engine's builder, and
 * rejected values named by their property.
 */
class ClavierLeastRequestConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClavierAutoConfiguration.class))
		.withPropertyValues("clavier.listeners.backend.discovery.model=static",
				"clavier.listeners.backend.discovery.static.endpoints=127.0.0.1:8080",
				"clavier.listeners.backend.scout.model=none", "clavier.startup.wait=0");

	@Test
	void runWithLeastRequestShouldBindItsSettings() {
		this.contextRunner
			.withPropertyValues("clavier.listeners.backend.filter.model=least-request",
					"clavier.listeners.backend.filter.least-request.choice-count=3",
					"clavier.listeners.backend.filter.least-request.active-request-bias=0.5")
			.run((context) -> {
				ListenerConfig config = context.getBean(ClavierLifecycle.class).getListenerConfigs().get("backend");
				assertThat(config.filter())
					.isEqualTo(LeastRequestFilter.builder().choiceCount(3).activeRequestBias(0.5).build());
			});
	}

	@Test
	void runWithLeastRequestDefaultsShouldUseTwoChoicesAndBiasOne() {
		this.contextRunner.withPropertyValues("clavier.listeners.backend.filter.model=least-request")
			.run((context) -> assertThat(
					context.getBean(ClavierLifecycle.class).getListenerConfigs().get("backend").filter())
				.isInstanceOfSatisfying(LeastRequestFilter.class, (filter) -> {
					assertThat(filter.choiceCount()).isEqualTo(2);
					assertThat(filter.activeRequestBias()).isEqualTo(1.0);
				}));
	}

	@Test
	void runWithChoiceCountBelowTwoShouldFailNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("clavier.listeners.backend.filter.model=least-request",
					"clavier.listeners.backend.filter.least-request.choice-count=1")
			.run((context) -> {
				assertThat(context).hasFailed();
				ClavierConfigurationException failure = clavierFailure(context.getStartupFailure());
				assertThat(failure.getProperty()).isEqualTo("clavier.listeners.backend.filter.least-request.choice-count");
				assertThat(failure).hasMessageContaining("2...100");
			});
	}

	@Test
	void runWithNegativeBiasShouldFailNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("clavier.listeners.backend.filter.model=least-request",
					"clavier.listeners.backend.filter.least-request.active-request-bias=-1")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(clavierFailure(context.getStartupFailure()).getProperty())
					.isEqualTo("clavier.listeners.backend.filter.least-request.active-request-bias");
			});
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
