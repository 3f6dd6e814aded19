/**
 * The {@code discovery-client} discovery model: the endpoints a Spring Cloud
 * {@code DiscoveryClient} knows, with its configuration guarded by the client's presence.
 */
@NullMarked
package dev.clavier.autoconfigure.discovery;

import org.jspecify.annotations.NullMarked;
