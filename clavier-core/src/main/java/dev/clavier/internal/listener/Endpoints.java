package dev.clavier.internal.listener;

import java.util.List;

import dev.clavier.endpoint.Endpoint;

/**
 * Lists endpoints in log lines, at most ten of them, as every listener log line does.
 */
final class Endpoints {

	private static final int MAX_LISTED = 10;

	private Endpoints() {
	}

	/**
	 * Returns a list as text, the first ten and a count of the rest.
	 * @param endpoints the endpoints
	 * @return the text
	 */
	static String truncate(List<Endpoint> endpoints) {
		if (endpoints.size() <= MAX_LISTED) {
			return endpoints.toString();
		}
		return endpoints.subList(0, MAX_LISTED) + " (+" + (endpoints.size() - MAX_LISTED) + " more)";
	}

}
