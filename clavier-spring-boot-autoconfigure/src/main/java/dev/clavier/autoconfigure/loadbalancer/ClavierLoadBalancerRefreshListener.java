package dev.clavier.autoconfigure.loadbalancer;

import dev.clavier.autoconfigure.ClavierProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Keeps {@link PropertiesClavierLoadBalancerServices} in step with {@code clavier.listeners}
 * changed at run time (Spring Cloud's {@link EnvironmentChangeEvent}), so that a listener added
 * by a refresh is balanced by Clavier from its first call. A service id already called through
 * Spring Cloud's own balancer before it became a listener keeps that balancer until restart
 * (Spring Cloud creates a service's child context once); a removed listener's calls fail,
 * naming it, until restart.
 */
final class ClavierLoadBalancerRefreshListener implements ApplicationListener<EnvironmentChangeEvent> {

	private static final Logger logger = LoggerFactory.getLogger(ClavierLoadBalancerRefreshListener.class);

	private final Environment environment;

	private final ClavierLoadBalancerServices services;

	/**
	 * Creates the listener.
	 * @param environment the environment
	 * @param services the services; only those made from the properties follow changes (an
	 * application's own bean decides for itself)
	 */
	ClavierLoadBalancerRefreshListener(Environment environment, ClavierLoadBalancerServices services) {
		this.environment = environment;
		this.services = services;
	}

	@Override
	public void onApplicationEvent(EnvironmentChangeEvent event) {
		if (!(this.services instanceof PropertiesClavierLoadBalancerServices properties)
				|| event.getKeys().stream().noneMatch((key) -> key.startsWith("clavier."))) {
			return;
		}
		try {
			properties.update(ClavierProperties.bind(this.environment));
		}
		catch (RuntimeException ex) {
			// ClavierRefreshListener reports the same configuration error once, at ERROR.
			logger.debug("Clavier load-balancer services not updated: {}", ex.getMessage(), ex);
		}
	}

}
