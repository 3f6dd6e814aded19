/**
 * Auto-configuration of Clavier's actuator endpoint, health contributor and metrics.
 */
@NullMarked
package dev.clavier.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
