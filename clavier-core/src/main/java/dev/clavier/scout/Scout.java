package dev.clavier.scout;

/**
 * A scout: the plug-in kind that probes endpoints. A {@code Scout} is a description (how to
 * probe); the engine {@linkplain #open opens} one session per listener and calls it for each
 * probe. Built-in models: {@code tcp} ({@link TcpScout}), {@code http} ({@link HttpScout})
 * and {@code none} ({@link Scouts#none()}); {@code grpc} ({@code dev.clavier.scout.grpc.GrpcScout})
 * comes with the {@code dev.clavier:clavier-grpc} module; others plug in through
 * {@link ScoutProvider}. Implementations must be thread-safe.
 */
public interface Scout {

	/**
	 * Returns the model name, as written in configuration (for example {@code http}).
	 * @return the model name
	 */
	String model();

	/**
	 * Opens a session for one listener. The engine closes it when the listener goes.
	 * @param context the listener's context
	 * @return the session
	 */
	ScoutSession open(ScoutContext context);

}
