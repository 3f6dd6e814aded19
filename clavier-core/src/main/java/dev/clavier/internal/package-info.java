/**
 * Engine internals: scheduling, the health state machine and shared I/O; no compatibility promise.
 */
@NullMarked
package dev.clavier.internal;

import org.jspecify.annotations.NullMarked;
