package dev.clavier.scout;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test opened (servers, sessions, contexts), last first, after each test.
 * Register it on an instance field with {@code @RegisterExtension}. Not thread-safe: a test adds
 * from its own thread.
 */
final class Closeables implements AfterEachCallback {

	private final List<AutoCloseable> opened = new ArrayList<>();

	/**
	 * Closes the given resource after the test, before those added earlier.
	 * @param closeable the resource
	 */
	void add(AutoCloseable closeable) {
		this.opened.add(closeable);
	}

	@Override
	public void afterEach(ExtensionContext context) throws Exception {
		try {
			for (int i = this.opened.size() - 1; i >= 0; i--) {
				this.opened.get(i).close();
			}
		}
		finally {
			this.opened.clear();
		}
	}

}
