/**
 * Test kit for Clavier: an in-process DNS server with swappable answers and faults, and HTTP,
 * gRPC and TCP backends on loopback addresses whose health a test sets at run time.
 */
@NullMarked
package dev.clavier.test;

import org.jspecify.annotations.NullMarked;
