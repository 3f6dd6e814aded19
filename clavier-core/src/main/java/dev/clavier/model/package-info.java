/**
 * What every plug-in model shares: its context in the engine, its string options and their errors, and the engine's one way to put failures and durations into words.
 */
@NullMarked
package dev.clavier.model;

import org.jspecify.annotations.NullMarked;
