package dev.clavier.autoconfigure.loadbalancer;

import java.util.Collection;
import java.util.List;

import dev.clavier.autoconfigure.ClavierLifecycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Creates the load-balancer child context of every listener at start-up, right after
 * {@link ClavierLifecycle} added the listeners, so that the first call does not pay for it and
 * a broken child configuration fails start-up. Thread-safe.
 * <p>
 * Not when the application runs from AOT-generated code: there a child context can only be
 * created from the initializer Spring AOT generated for it, which Spring Cloud installs, and
 * uses to create every child context itself, once the web server is initialized.
 */
final class ClavierLoadBalancerContexts implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ClavierLoadBalancerContexts.class);

	private final ObjectProvider<LoadBalancerClientFactory> clientFactory;

	private final List<String> serviceIds;

	private volatile boolean running;

	ClavierLoadBalancerContexts(ObjectProvider<LoadBalancerClientFactory> clientFactory, Collection<String> serviceIds) {
		this.clientFactory = clientFactory;
		this.serviceIds = List.copyOf(serviceIds);
	}

	@Override
	public void start() {
		LoadBalancerClientFactory factory = this.clientFactory.getIfAvailable();
		if (factory != null && !AotDetector.useGeneratedArtifacts()) {
			for (String serviceId : this.serviceIds) {
				factory.getInstance(serviceId);
			}
			logger.debug("Load-balancer contexts created for {}", this.serviceIds);
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return ClavierLifecycle.PHASE + 1;
	}

}
