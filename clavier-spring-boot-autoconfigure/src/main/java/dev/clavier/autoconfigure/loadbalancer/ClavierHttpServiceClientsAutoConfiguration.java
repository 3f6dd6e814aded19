package dev.clavier.autoconfigure.loadbalancer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.context.annotation.Bean;
import org.springframework.web.service.registry.HttpServiceProxyRegistry;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} that
 * stops an application whose HTTP service clients ({@code @ImportHttpServices}) would bypass
 * Clavier: Spring Cloud LoadBalancer routes a group through its load balancer only when Spring
 * Boot's HTTP service client support ({@code spring-boot-http-client}, which
 * {@code spring-boot-starter-restclient} and {@code spring-boot-starter-webclient} bring) is on
 * the class path. A web starter alone lacks it, and a group named after a listener would then
 * call {@code localhost} without a word; {@link ClavierHttpServiceGroupsCheck} fails start-up
 * naming the dependency to add instead.
 */
@AutoConfiguration(after = ClavierLoadBalancerAutoConfiguration.class)
@ConditionalOnClass(HttpServiceProxyRegistry.class)
@ConditionalOnMissingClass(ClavierHttpServiceGroupsCheck.HTTP_SERVICE_CLIENT_PROPERTIES)
@ConditionalOnBean(ClavierLoadBalancerServices.class)
public final class ClavierHttpServiceClientsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	static ClavierHttpServiceGroupsCheck clavierHttpServiceGroupsCheck(ObjectProvider<HttpServiceProxyRegistry> registry,
			ObjectProvider<ClavierLoadBalancerServices> services) {
		return new ClavierHttpServiceGroupsCheck(registry, services);
	}

}
