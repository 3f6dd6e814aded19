/**
 * The engine's listener as a pipeline of parts: discovery refresh, endpoint table, endpoint records, probe scheduling, draining, outlier ejection and snapshot publishing; no compatibility promise.
 */
@NullMarked
package dev.clavier.internal.listener;

import org.jspecify.annotations.NullMarked;
