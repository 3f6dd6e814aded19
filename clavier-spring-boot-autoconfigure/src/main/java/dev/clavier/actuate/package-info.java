/**
 * Actuator support for Clavier: the {@code clavier} endpoint and its descriptors, the health
 * contributor and the Micrometer meter binder, usable without auto-configuration.
 */
@NullMarked
package dev.clavier.actuate;

import org.jspecify.annotations.NullMarked;
