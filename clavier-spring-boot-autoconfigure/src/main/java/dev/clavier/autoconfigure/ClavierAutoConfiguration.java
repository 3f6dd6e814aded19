package dev.clavier.autoconfigure;

import java.util.Map;

import dev.clavier.Clavier;
import dev.clavier.autoconfigure.discovery.ClavierDiscoveryClientConfiguration;
import dev.clavier.listener.ListenerConfig;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.commons.config.DefaultsBindHandlerAdvisor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for
 * the Clavier engine: one {@link Clavier} bean, closed with the context, and a
 * {@link ClavierLifecycle} that adds the listeners of {@code clavier.listeners} at start-up.
 * Each listener inherits the keys of {@code clavier.defaults} it does not set (through Spring
 * Cloud Commons' {@code DefaultsBindHandlerAdvisor}), and the properties as written are checked
 * before any bean is created ({@code ClavierPropertiesCheck}). The {@code discovery-client} model
 * is configured apart, only when Spring Cloud Commons is on the class path
 * ({@link ClavierDiscoveryClientConfiguration}). Switched off by {@code clavier.enabled=false}.
 * Where Spring Cloud Context is on the class path, a {@link ClavierRefreshListener} applies
 * configuration changes at run time (off with {@code clavier.refresh.enabled=false}).
 */
@AutoConfiguration
@ConditionalOnClass(Clavier.class)
@ConditionalOnBooleanProperty(name = "clavier.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ClavierProperties.class)
@Import(ClavierDiscoveryClientConfiguration.class)
public final class ClavierAutoConfiguration {

	@Bean
	static ClavierPropertiesCheck clavierPropertiesCheck(Environment environment) {
		return new ClavierPropertiesCheck(environment);
	}

	@Bean
	static DefaultsBindHandlerAdvisor.MappingsProvider clavierDefaultsMappingsProvider() {
		return ClavierDefaults::mappings;
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	Clavier clavier(ClavierProperties properties) {
		return ClavierListenerConfigMapper.engine(properties).build();
	}

	@Bean
	@ConditionalOnMissingBean
	ClavierLifecycle clavierLifecycle(Clavier clavier, ClavierProperties properties,
			ConfigurableListableBeanFactory beanFactory, Environment environment) {
		Map<String, ListenerConfig> configs;
		try {
			configs = mapper(beanFactory, environment).map(properties);
		}
		catch (ClavierConfigurationException ex) {
			throw ClavierPropertiesCheck.located(ex, environment, ClavierListenerConfigMapper.HIDDEN);
		}
		return new ClavierLifecycle(clavier, configs, properties.getStartup().getWait());
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
