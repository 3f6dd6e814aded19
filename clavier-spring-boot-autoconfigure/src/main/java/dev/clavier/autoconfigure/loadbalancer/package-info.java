/**
 * Auto-configuration that puts Clavier's listeners behind Spring Cloud LoadBalancer: the
 * per-client configuration, the instance supplier, the load balancer and passive outlier detection.
 */
@NullMarked
package dev.clavier.autoconfigure.loadbalancer;

import org.jspecify.annotations.NullMarked;
