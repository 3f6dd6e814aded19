package dev.clavier.autoconfigure.actuate;

import dev.clavier.Clavier;
import dev.clavier.actuate.ClavierHealthContributor;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for the {@link ClavierHealthContributor}: one health entry per listener
 * under {@code clavier}, when Spring Boot's health support is on the class path and a
 * {@link Clavier} bean exists. Turned off with {@code management.health.clavier.enabled=false};
 * a user bean named {@code clavierHealthContributor} replaces it.
 * <p>
 * The contributor is in no health group but the default one: not in {@code liveness}, not in
 * {@code readiness}. A backend being down must not make Kubernetes restart this application or
 * take it out of its Service; see {@link ClavierHealthContributor} for why, and how to opt in.
 */
@AutoConfiguration(afterName = "dev.clavier.autoconfigure.ClavierAutoConfiguration")
@ConditionalOnClass({ Clavier.class, HealthContributor.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(Clavier.class)
public final class ClavierHealthContributorAutoConfiguration {

	// The health module's own condition sits on the method: evaluated only once the class passed
	// @ConditionalOnClass, so that a class path without it never needs its condition class.
	@Bean
	@ConditionalOnEnabledHealthIndicator("clavier")
	@ConditionalOnMissingBean(name = "clavierHealthContributor")
	HealthContributor clavierHealthContributor(Clavier clavier) {
		return new ClavierHealthContributor(clavier);
	}

}
