package dev.clavier.discovery;

import dev.clavier.model.ModelContext;

/**
 * What the engine gives a discovery session: everything a {@link ModelContext} gives; its
 * {@link #listenerName()} is the default DNS name to resolve. Thread-safe.
 */
public interface DiscoveryContext extends ModelContext {

}
