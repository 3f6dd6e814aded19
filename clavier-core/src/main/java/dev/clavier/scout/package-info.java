/**
 * Scouts: the plug-in kind that probes one endpoint, and the {@code tcp}, {@code http} and {@code none} models.
 */
@NullMarked
package dev.clavier.scout;

import org.jspecify.annotations.NullMarked;
