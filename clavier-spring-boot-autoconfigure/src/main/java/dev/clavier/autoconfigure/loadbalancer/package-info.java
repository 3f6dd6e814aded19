/**
 * Auto-configuration that puts Clavier's listeners behind Spring Cloud LoadBalancer: the
 * per-service details prepared in the application context, the per-client configuration, the
 * per-service view of a listener, the instance supplier, the load balancer and passive outlier
 * detection.
 */
@NullMarked
package dev.clavier.autoconfigure.loadbalancer;

import org.jspecify.annotations.NullMarked;
