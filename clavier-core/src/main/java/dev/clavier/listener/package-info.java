/**
 * Listeners: the public face of one logical service (picks, snapshots, observers) and its configuration.
 */
@NullMarked
package dev.clavier.listener;

import org.jspecify.annotations.NullMarked;
