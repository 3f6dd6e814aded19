package dev.clavier.autoconfigure;

import dev.clavier.Clavier;
import dev.clavier.autoconfigure.discovery.ClavierDiscoveryClientConfiguration;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for
 * the Clavier engine: one {@link Clavier} bean, closed with the context, and a
 * {@link ClavierLifecycle} that adds the listeners of {@code clavier.listeners} at start-up.
 * The {@code discovery-client} model is configured apart, only when Spring Cloud Commons is on
 * the class path ({@link ClavierDiscoveryClientConfiguration}). Switched off by
 * {@code clavier.enabled=false}. Where Spring Cloud Context is on the class path, a
 * {@link ClavierRefreshListener} applies configuration changes at run time (off with
 * {@code clavier.refresh.enabled=false}).
 */
@AutoConfiguration
@ConditionalOnClass(Clavier.class)
@ConditionalOnBooleanProperty(name = "clavier.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ClavierProperties.class)
@Import(ClavierDiscoveryClientConfiguration.class)
public final class ClavierAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	Clavier clavier(ClavierProperties properties) {
		return ClavierListenerConfigMapper.engine(properties).build();
	}

	@Bean
	@ConditionalOnMissingBean
	ClavierLifecycle clavierLifecycle(Clavier clavier, ClavierProperties properties,
			ConfigurableListableBeanFactory beanFactory, Environment environment) {
		return new ClavierLifecycle(clavier, mapper(beanFactory, environment).map(properties),
				properties.getStartup().getWait());
	}

	private static ClavierListenerConfigMapper mapper(ConfigurableListableBeanFactory beanFactory,
			Environment environment) {
		return new ClavierListenerConfigMapper(beanFactory, beanFactory.getBeanClassLoader(), environment);
	}

	/**
	 * Live reconfiguration, where Spring Cloud Context publishes environment changes.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.cloud.context.environment.EnvironmentChangeEvent")
	@ConditionalOnBooleanProperty(name = "clavier.refresh.enabled", matchIfMissing = true)
	static class ClavierRefreshConfiguration {

		@Bean
		ClavierRefreshListener clavierRefreshListener(Environment environment, ClavierLifecycle lifecycle,
				ConfigurableListableBeanFactory beanFactory) {
			return new ClavierRefreshListener(environment, lifecycle, mapper(beanFactory, environment));
		}

	}

}
