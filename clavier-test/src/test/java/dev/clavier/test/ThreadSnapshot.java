package dev.clavier.test;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finds the live threads whose names start with a prefix, to check that servers name their
 * threads and stop them on close.
 */
final class ThreadSnapshot {

	private ThreadSnapshot() {
	}

	static Set<Thread> live(String prefix) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().startsWith(prefix) && thread.isAlive())
			.collect(Collectors.toSet());
	}

	static Set<Thread> started(String prefix, Set<Thread> before) {
		Set<Thread> started = live(prefix);
		started.removeAll(before);
		return started;
	}

}
