package dev.clavier.autoconfigure;

import java.util.Map;

import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.cloud.commons.config.DefaultsBindHandlerAdvisor;

/**
 * How {@code clavier.defaults.*} reaches every listener: each {@code clavier.listeners.<id>} is
 * bound onto a listener first bound from {@code clavier.defaults}, so a listener's own key wins
 * and every key it does not set is inherited, map entries merged key by key, lists replaced
 * whole. It is Spring Cloud's own mechanism, the one that gives
 * {@code spring.cloud.loadbalancer.clients.<id>.*} its global defaults
 * ({@link DefaultsBindHandlerAdvisor}), so the built-in defaults stay the field initialisers of
 * {@link ClavierProperties.Listener} and a property added there is inherited with no list to
 * keep.
 */
final class ClavierDefaults {

	static final ConfigurationPropertyName LISTENERS = ConfigurationPropertyName.of("clavier.listeners");

	static final ConfigurationPropertyName DEFAULTS = ConfigurationPropertyName.of("clavier.defaults");

	private ClavierDefaults() {
	}

	/**
	 * Returns the mapping Spring Cloud's {@link DefaultsBindHandlerAdvisor} applies when it
	 * binds {@link ClavierProperties}.
	 * @return {@code clavier.listeners} to {@code clavier.defaults}
	 */
	static Map<ConfigurationPropertyName, ConfigurationPropertyName> mappings() {
		return Map.of(LISTENERS, DEFAULTS);
	}

	/**
	 * Returns a bind handler that applies the defaults as the application context does, for
	 * binding done outside it.
	 * @param parent the handler to delegate to
	 * @return the handler
	 */
	static BindHandler handler(BindHandler parent) {
		return new DefaultsBindHandlerAdvisor(mappings()).apply(parent);
	}

}
