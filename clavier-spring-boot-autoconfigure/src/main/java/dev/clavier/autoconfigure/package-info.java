/**
 * Auto-configuration for Clavier: the engine and its listeners from {@code clavier.*} properties,
 * and the failure analyzer for bad configuration.
 */
@NullMarked
package dev.clavier.autoconfigure;

import org.jspecify.annotations.NullMarked;
