package dev.clavier.sample;

import dev.clavier.test.LoopbackAddresses;

/**
 * Checks that the demo backends can run here, and puts them back as they started, so that tests sharing a cached application
 * context do not see each other's failures.
 */
final class DemoBackends {

	/**
	 * The reason given when {@link #loopbackAvailable()} is false.
	 */
	static final String LOOPBACK_MISSING = "the demo backends need 127.0.0.2 and 127.0.0.3, which this machine "
			+ "cannot bind (on macOS: sudo ifconfig lo0 alias 127.0.0.2 up, and the same for 127.0.0.3)";

	private DemoBackends() {
	}

	/**
	 * Returns whether the loopback addresses the demo backends use are bindable; for
	 * {@code @EnabledIf}, so that tests skip with a reason where they are missing.
	 * @return whether 127.0.0.2 and 127.0.0.3 are bindable
	 */
	static boolean loopbackAvailable() {
		return LoopbackAddresses.isBindable("127.0.0.2") && LoopbackAddresses.isBindable("127.0.0.3");
	}

	static void restore(DemoInfrastructure infrastructure) {
		for (DemoBackend backend : infrastructure.backends()) {
			backend.start();
			backend.failing(false);
		}
	}

}
