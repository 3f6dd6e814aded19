package dev.clavier.autoconfigure;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.clavier.listener.ListenerConfig;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Live reconfiguration: on Spring Cloud's {@link EnvironmentChangeEvent} (published by
 * {@code /actuator/refresh}, Spring Cloud Config and Kubernetes configuration reloads), binds the
 * {@code clavier.*} properties again and hands the result to {@link ClavierLifecycle#reconfigure}:
 * listeners added under {@code clavier.listeners} start, removed ones stop, and those whose keys
 * changed are replaced in place, keeping the health of the endpoints they keep.
 * <p>
 * A listener counts as changed when a changed key is under {@code clavier.listeners.<id>} or
 * {@code spring.cloud.loadbalancer.clients.<id>}; a changed key elsewhere under {@code clavier.}
 * or {@code spring.cloud.loadbalancer.} may change every listener, so every one is replaced.
 * Engine-wide keys ({@code clavier.enabled}, {@code clavier.io-threads}) take effect only at the
 * next start, which a WARN says. A change that fails to bind or that a model rejects is logged
 * at ERROR with what was wrong and leaves the listeners as they were: the refresh itself never
 * fails because of Clavier.
 */
final class ClavierRefreshListener implements ApplicationListener<EnvironmentChangeEvent> {

	private static final Logger logger = LoggerFactory.getLogger(ClavierRefreshListener.class);

	private static final ConfigurationPropertyName CLAVIER = ConfigurationPropertyName.of("clavier");

	private static final ConfigurationPropertyName LISTENERS = ConfigurationPropertyName.of("clavier.listeners");

	private static final ConfigurationPropertyName LOAD_BALANCER = ConfigurationPropertyName
		.of("spring.cloud.loadbalancer");

	private static final ConfigurationPropertyName CLIENTS = ConfigurationPropertyName
		.of("spring.cloud.loadbalancer.clients");

	private static final Set<ConfigurationPropertyName> AT_NEXT_START = Set
		.of(ConfigurationPropertyName.of("clavier.enabled"), ConfigurationPropertyName.of("clavier.io-threads"));

	private final Environment environment;

	private final ClavierLifecycle lifecycle;

	private final ClavierListenerConfigMapper mapper;

	ClavierRefreshListener(Environment environment, ClavierLifecycle lifecycle, ClavierListenerConfigMapper mapper) {
		this.environment = environment;
		this.lifecycle = lifecycle;
		this.mapper = mapper;
	}

	@Override
	public void onApplicationEvent(EnvironmentChangeEvent event) {
		Set<ConfigurationPropertyName> keys = new LinkedHashSet<>();
		boolean unnamed = false;
		for (String key : event.getKeys()) {
			ConfigurationPropertyName name = ConfigurationPropertyName.adapt(key, '.');
			if (name.isEmpty()) {
				// Not a property name Boot can read; it may still mean one of ours.
				unnamed |= key.toLowerCase(Locale.ROOT).startsWith("clavier");
			}
			else if (CLAVIER.isAncestorOf(name) || LOAD_BALANCER.isAncestorOf(name)) {
				keys.add(name);
			}
		}
		if (keys.isEmpty() && !unnamed) {
			return;
		}
		for (ConfigurationPropertyName key : keys) {
			if (AT_NEXT_START.contains(key)) {
				logger.warn("{} changed; Clavier applies it at the next start only", key);
			}
		}
		Map<String, ListenerConfig> next;
		try {
			next = this.mapper.map(ClavierProperties.bind(this.environment));
		}
		catch (RuntimeException ex) {
			logger.error("Clavier configuration change not applied, the listeners run on as they were: {}",
					ex.getMessage(), ex);
			return;
		}
		Set<String> changed = changed(next.keySet(), keys, unnamed);
		try {
			this.lifecycle.reconfigure(next, changed);
			logger.info("Clavier configuration changed: {} listener(s) now, changed: {}", next.size(), changed);
		}
		catch (RuntimeException ex) {
			logger.error("Clavier configuration change not fully applied: {}", ex.getMessage(), ex);
		}
	}

	/**
	 * The ids of the listeners a set of changed keys concerns.
	 */
	private static Set<String> changed(Set<String> ids, Set<ConfigurationPropertyName> keys, boolean unnamed) {
		Set<String> changed = new LinkedHashSet<>();
		for (ConfigurationPropertyName key : keys) {
			String id = listenerId(key);
			if (id == null) {
				if (!AT_NEXT_START.contains(key)) {
					return ids;
				}
			}
			else {
				changed.add(id);
			}
		}
		if (unnamed) {
			return ids;
		}
		Set<String> matched = new LinkedHashSet<>();
		for (String id : ids) {
			if (changed.contains(id.toLowerCase(Locale.ROOT))) {
				matched.add(id);
			}
		}
		return matched;
	}

	/**
	 * The lower-case listener id of a key under {@code clavier.listeners.<id>} or
	 * {@code spring.cloud.loadbalancer.clients.<id>}, or {@code null} for any other key.
	 */
	private static @Nullable String listenerId(ConfigurationPropertyName key) {
		for (ConfigurationPropertyName parent : new ConfigurationPropertyName[] { LISTENERS, CLIENTS }) {
			if (parent.isAncestorOf(key)) {
				return key.getElement(parent.getNumberOfElements(), ConfigurationPropertyName.Form.ORIGINAL)
					.toLowerCase(Locale.ROOT);
			}
		}
		return null;
	}

}
