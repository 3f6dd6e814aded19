/**
 * A Spring Boot application that starts demo backends and a DNS server on loopback, calls them
 * through Clavier and {@code @LoadBalanced} clients, and serves a live dashboard.
 */
@NullMarked
package dev.clavier.sample;

import org.jspecify.annotations.NullMarked;
