package dev.clavier.test;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Base of the kit's JUnit 5 extensions: starts a server before all tests when registered on a
 * static field, before each test when registered on an instance field, and closes it after the
 * scope that started it. Thread-safe.
 *
 * @param <T> the type of the server
 */
abstract class ServerExtension<T extends AutoCloseable>
		implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

	private final Supplier<T> starter;

	private final Object lock = new Object();

	// guarded by lock
	private @Nullable T server;

	// guarded by lock
	private @Nullable String owner;

	ServerExtension(Supplier<T> starter) {
		this.starter = starter;
	}

	/**
	 * Starts the server for the test class, when registered on a static field.
	 * @param context the extension context
	 */
	@Override
	public void beforeAll(ExtensionContext context) {
		startFor(context);
	}

	/**
	 * Starts the server for one test, unless already started for the test class.
	 * @param context the extension context
	 */
	@Override
	public void beforeEach(ExtensionContext context) {
		startFor(context);
	}

	/**
	 * Closes the server if it was started for this test.
	 * @param context the extension context
	 * @throws Exception if closing fails
	 */
	@Override
	public void afterEach(ExtensionContext context) throws Exception {
		closeFor(context);
	}

	/**
	 * Closes the server if it was started for this test class.
	 * @param context the extension context
	 * @throws Exception if closing fails
	 */
	@Override
	public void afterAll(ExtensionContext context) throws Exception {
		closeFor(context);
	}

	/**
	 * Returns the running server, starting it if no callback has yet.
	 * @return the server
	 */
	final T current() {
		synchronized (this.lock) {
			T current = this.server;
			if (current == null) {
				current = this.starter.get();
				this.server = current;
			}
			return current;
		}
	}

	private void startFor(ExtensionContext context) {
		synchronized (this.lock) {
			if (this.server == null) {
				this.server = this.starter.get();
				this.owner = context.getUniqueId();
			}
			else if (this.owner == null) {
				// started early through current(): owned by the first scope that sees it
				this.owner = context.getUniqueId();
			}
		}
	}

	private void closeFor(ExtensionContext context) throws Exception {
		T closed;
		synchronized (this.lock) {
			if (this.server == null || !context.getUniqueId().equals(this.owner)) {
				return;
			}
			closed = this.server;
			this.server = null;
			this.owner = null;
		}
		closed.close();
	}

}
