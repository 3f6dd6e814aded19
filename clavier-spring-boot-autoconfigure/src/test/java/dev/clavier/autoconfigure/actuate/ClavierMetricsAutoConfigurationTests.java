package dev.clavier.autoconfigure.actuate;

import dev.clavier.Clavier;
import dev.clavier.actuate.ClavierMeterBinder;
import dev.clavier.autoconfigure.ClavierAutoConfiguration;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.scout.Scouts;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClavierMetricsAutoConfiguration}.
 */
class ClavierMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, ClavierMetricsAutoConfiguration.class))
		.withUserConfiguration(ClavierConfiguration.class);

	@Test
	void runShouldBindListenerMeters() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ClavierMeterBinder.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("clavier.endpoints").tag("listener", "backend").meters()).hasSize(3);
			assertThat(registry.find("clavier.probe").tag("listener", "backend").meters()).hasSize(2);
		});
	}

	@Test
	void runWhenListenerStartsWithLifecycleShouldBindItsMetersAfterRefresh() {
		this.contextRunner.withUserConfiguration(LateListenerConfiguration.class).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("clavier.endpoints").tag("listener", "late").meters()).hasSize(3);
		});
	}

	@Test
	void runWithClavierAutoConfigurationShouldBindListenersItStarts() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ClavierAutoConfiguration.class, MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
					ClavierMetricsAutoConfiguration.class))
			.withPropertyValues("clavier.listeners.backend.discovery.model=static",
					"clavier.listeners.backend.discovery.static.endpoints=127.0.0.1:1",
					"clavier.listeners.backend.scout.model=none")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ClavierMeterBinder.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("clavier.endpoints").tags("listener", "backend", "status", "healthy").gauge().value())
					.isEqualTo(1.0);
			});
	}

	@Test
	void runWhenNoMeterRegistryShouldNotCreateBinder() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ClavierMetricsAutoConfiguration.class))
			.withUserConfiguration(ClavierConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ClavierMeterBinder.class));
	}

	@Test
	void runWhenNoClavierBeanShouldNotCreateBinder() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
					ClavierMetricsAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ClavierMeterBinder.class));
	}

	@Test
	void runWhenMicrometerIsMissingShouldNotCreateBinder() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ClavierMetricsAutoConfiguration.class))
			.withUserConfiguration(ClavierConfiguration.class)
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ClavierMeterBinder.class));
	}

	@Test
	void runWhenUserDefinesBinderShouldUseIt() {
		this.contextRunner.withUserConfiguration(UserBinderConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(ClavierMeterBinder.class)
				.getBean(ClavierMeterBinder.class)
				.isSameAs(context.getBean("userClavierMeterBinder")));
	}

	@Configuration(proxyBeanMethods = false)
	static class ClavierConfiguration {

		@Bean(destroyMethod = "close")
		Clavier clavier() {
			Clavier clavier = Clavier.create();
			clavier.addListener("backend",
					ListenerConfig.builder(StaticDiscovery.of(Endpoint.of("127.0.0.1", 1))).scout(Scouts.none()).build());
			return clavier;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LateListenerConfiguration {

		@Bean
		SmartLifecycle lateListener(Clavier clavier) {
			return new SmartLifecycle() {

				private volatile boolean running;

				@Override
				public void start() {
					clavier.addListener("late", ListenerConfig.builder(StaticDiscovery.of(Endpoint.of("127.0.0.1", 2)))
						.scout(Scouts.none())
						.build());
					this.running = true;
				}

				@Override
				public void stop() {
					clavier.removeListener("late");
					this.running = false;
				}

				@Override
				public boolean isRunning() {
					return this.running;
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBinderConfiguration {

		@Bean
		ClavierMeterBinder userClavierMeterBinder(Clavier clavier) {
			return new ClavierMeterBinder(clavier);
		}

	}

}
