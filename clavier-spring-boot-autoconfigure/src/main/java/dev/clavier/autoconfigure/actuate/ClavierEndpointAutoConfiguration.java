package dev.clavier.autoconfigure.actuate;

import dev.clavier.Clavier;
import dev.clavier.actuate.ClavierEndpoint;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for the {@link ClavierEndpoint}: present
 * when the actuator is on the class path, a {@link Clavier} bean exists, and the endpoint is
 * available (access not {@code none}, and exposed, for example with
 * {@code management.endpoints.web.exposure.include=clavier}).
 *
 * @see ClavierEndpoint
 */
@AutoConfiguration(afterName = "dev.clavier.autoconfigure.ClavierAutoConfiguration")
@ConditionalOnClass({ Clavier.class, Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(Clavier.class)
public final class ClavierEndpointAutoConfiguration {

	// The actuator's own conditions sit on the method: evaluated only once the class passed
	// @ConditionalOnClass, so that a class path without the actuator never needs them.
	@Bean
	@ConditionalOnAvailableEndpoint(ClavierEndpoint.class)
	@ConditionalOnMissingBean
	ClavierEndpoint clavierEndpoint(Clavier clavier) {
		return new ClavierEndpoint(clavier);
	}

}
