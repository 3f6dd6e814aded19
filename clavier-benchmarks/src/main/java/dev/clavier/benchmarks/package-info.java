/**
 * JMH and scale benchmarks of Clavier against Spring Cloud LoadBalancer, with the cheap
 * loopback peers they run against; see {@code docs/benchmarks.md} for how to run them.
 */
@NullMarked
package dev.clavier.benchmarks;

import org.jspecify.annotations.NullMarked;
