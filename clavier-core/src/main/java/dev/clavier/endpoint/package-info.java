/**
 * Endpoint values: an address, its health status, its state and its health transitions; below every other engine package.
 */
@NullMarked
package dev.clavier.endpoint;

import org.jspecify.annotations.NullMarked;
