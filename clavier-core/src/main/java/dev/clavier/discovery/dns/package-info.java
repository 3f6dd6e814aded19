/**
 * The {@code dns} discovery model: A, AAAA and SRV lookups through dnsjava.
 */
@NullMarked
package dev.clavier.discovery.dns;

import org.jspecify.annotations.NullMarked;
