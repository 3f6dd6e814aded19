/**
 * Filters: the plug-in kind that picks one endpoint from a listener's current snapshot.
 */
@NullMarked
package dev.clavier.filter;

import org.jspecify.annotations.NullMarked;
