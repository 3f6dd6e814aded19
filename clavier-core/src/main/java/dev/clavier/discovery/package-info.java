/**
 * Discovery: the plug-in kind that finds a listener's endpoints, and its {@code static} model.
 */
@NullMarked
package dev.clavier.discovery;

import org.jspecify.annotations.NullMarked;
