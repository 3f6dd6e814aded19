package dev.clavier.scout;

/**
 * A running watch of one endpoint's health, as {@link ScoutSession#watch} opens it: the
 * endpoint pushes its status over one open stream instead of being asked at every interval.
 * Closing it cancels the stream. Thread-safe.
 */
public interface HealthWatch extends AutoCloseable {

	/**
	 * Cancels the stream and releases what it holds; after this the watch reports nothing more.
	 * Idempotent.
	 */
	@Override
	void close();

}
