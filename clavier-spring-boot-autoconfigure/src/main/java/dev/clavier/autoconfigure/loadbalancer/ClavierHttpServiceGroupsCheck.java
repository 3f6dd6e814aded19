package dev.clavier.autoconfigure.loadbalancer;

import java.util.List;
import java.util.Objects;

import dev.clavier.autoconfigure.ClavierConfigurationException;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.web.service.registry.HttpServiceProxyRegistry;

/**
 * Fails start-up when an HTTP service group ({@code @ImportHttpServices}) is named after a
 * service Clavier balances but cannot be load-balanced, because Spring Boot's HTTP service client
 * support is missing: without it Spring Cloud LoadBalancer's group configurers never run, and the
 * group's relative URLs go to {@code localhost}. Groups named after no listener are not Clavier's
 * to judge. Runs once, after every singleton exists; thread-safe.
 */
final class ClavierHttpServiceGroupsCheck implements SmartInitializingSingleton {

	/**
	 * The class whose bean Spring Cloud LoadBalancer's HTTP service group configurers need.
	 */
	static final String HTTP_SERVICE_CLIENT_PROPERTIES = "org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientProperties";

	static final String ACTION = "add org.springframework.boot:spring-boot-starter-restclient "
			+ "(or spring-boot-starter-webclient for WebClient groups); it brings "
			+ "org.springframework.boot:spring-boot-http-client, with which Spring Cloud LoadBalancer "
			+ "routes the group to http://<group>";

	private final ObjectProvider<HttpServiceProxyRegistry> registry;

	private final ObjectProvider<ClavierLoadBalancerServices> services;

	ClavierHttpServiceGroupsCheck(ObjectProvider<HttpServiceProxyRegistry> registry,
			ObjectProvider<ClavierLoadBalancerServices> services) {
		this.registry = Objects.requireNonNull(registry, "registry");
		this.services = Objects.requireNonNull(services, "services");
	}

	@Override
	public void afterSingletonsInstantiated() {
		HttpServiceProxyRegistry groups = this.registry.getIfAvailable();
		ClavierLoadBalancerServices balanced = this.services.getIfAvailable();
		if (groups == null || balanced == null) {
			return;
		}
		for (String group : groups.getGroupNames()) {
			if (balanced.find(group).isPresent()) {
				List<String> types = groups.getClientTypesInGroup(group).stream().map(Class::getSimpleName).sorted().toList();
				throw new ClavierConfigurationException("clavier.listeners." + group, group,
						"the HTTP service group '" + group + "' (@ImportHttpServices " + types
								+ ") would call localhost, not this listener: Spring Cloud LoadBalancer load-balances "
								+ "HTTP service groups only with Spring Boot's HTTP service client support, "
								+ "and " + HTTP_SERVICE_CLIENT_PROPERTIES + " is not on the class path",
						ACTION);
			}
		}
	}

}
