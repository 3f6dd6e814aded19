/**
 * The Clavier engine: listeners that discover a service's endpoints, probe them and pick a healthy one.
 */
@NullMarked
package dev.clavier;

import org.jspecify.annotations.NullMarked;
