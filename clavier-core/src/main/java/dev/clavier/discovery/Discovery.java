package dev.clavier.discovery;

/**
 * Discovery: the plug-in kind that finds a listener's endpoints. A {@code Discovery} is a
 * description (what to look up and how); the engine {@linkplain #open opens} one session per
 * listener, asks it for the endpoint set, and asks again when the answer says to.
 * <p>
 * Built-in models: {@link dev.clavier.discovery.dns.DnsDiscovery dns} and {@link StaticDiscovery static};
 * others plug in through {@link DiscoveryProvider}. Implementations must be thread-safe.
 */
public interface Discovery {

	/**
	 * Returns the model name, as written in configuration (for example {@code dns}).
	 * @return the model name
	 */
	String model();

	/**
	 * Opens a session for one listener. The engine closes it when the listener goes.
	 * @param context the listener's context
	 * @return the session
	 * @throws IllegalArgumentException if the configuration cannot work for this listener
	 */
	DiscoverySession open(DiscoveryContext context);

}
