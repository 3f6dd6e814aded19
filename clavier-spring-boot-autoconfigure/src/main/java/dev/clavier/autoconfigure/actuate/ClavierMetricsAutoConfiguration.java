package dev.clavier.autoconfigure.actuate;

import dev.clavier.Clavier;
import dev.clavier.actuate.ClavierMeterBinder;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextRefreshedEvent;

/**
 * Auto-configuration for the {@link ClavierMeterBinder}: Micrometer meters named
 * {@code clavier.*} for every listener, when Micrometer is on the class path and both a
 * {@link MeterRegistry} and a {@link Clavier} bean exist. Spring Boot binds the binder to the
 * registry once every singleton exists; when the application context has refreshed (after the
 * engine's lifecycle started its listeners) the binder is refreshed, so listeners started late
 * get their meters too.
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

	@Bean
	static ClavierMeterBinderRefresher clavierMeterBinderRefresher(ObjectProvider<ClavierMeterBinder> binders) {
		return new ClavierMeterBinderRefresher(binders);
	}

	/**
	 * Binds the meters of listeners started after the binders were bound, once the context has
	 * refreshed (and again when a load-balancer child context refreshes: refreshing is cheap and
	 * idempotent).
	 */
	static final class ClavierMeterBinderRefresher implements ApplicationListener<ContextRefreshedEvent> {

		private final ObjectProvider<ClavierMeterBinder> binders;

		ClavierMeterBinderRefresher(ObjectProvider<ClavierMeterBinder> binders) {
			this.binders = binders;
		}

		@Override
		public void onApplicationEvent(ContextRefreshedEvent event) {
			this.binders.orderedStream().forEach(ClavierMeterBinder::refresh);
		}

	}

}
