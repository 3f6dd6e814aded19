package dev.clavier.autoconfigure.actuate;

import dev.clavier.Clavier;
import dev.clavier.actuate.ClavierMeterBinder;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for the {@link ClavierMeterBinder}: Micrometer meters named
 * {@code clavier.*} for every listener, when Micrometer is on the class path and both a
 * {@link MeterRegistry} and a {@link Clavier} bean exist. Spring Boot binds the binder to the
 * registry once every singleton exists; from then on the binder follows the engine, so listeners
 * the engine's lifecycle starts later, or that the application adds at run time, get their
 * meters too.
 */
@AutoConfiguration(afterName = { "dev.clavier.autoconfigure.ClavierAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass({ Clavier.class, MeterRegistry.class })
@ConditionalOnBean({ Clavier.class, MeterRegistry.class })
public final class ClavierMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ClavierMeterBinder clavierMeterBinder(Clavier clavier) {
		return new ClavierMeterBinder(clavier);
	}

}
