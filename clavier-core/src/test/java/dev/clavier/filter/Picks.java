package dev.clavier.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.clavier.endpoint.Endpoint;

/**
 * What the filter tests share: endpoints with given weights, and how often a selector picks each.
 */
final class Picks {

	private Picks() {
	}

	/**
	 * Returns one endpoint per weight, on 127.0.0.1, 127.0.0.2... port 8080.
	 * @param weights the weights
	 * @return the endpoints, in that order
	 */
	static List<Endpoint> weighted(int... weights) {
		List<Endpoint> endpoints = new ArrayList<>();
		for (int i = 0; i < weights.length; i++) {
			endpoints.add(new Endpoint("127.0.0." + (i + 1), 8080, weights[i], Map.of()));
		}
		return endpoints;
	}

	/**
	 * Returns how many of {@code picks} picks went to each index.
	 * @param selector the selector
	 * @param size the number of endpoints it picks from
	 * @param picks how many picks to make
	 * @return the counts by index
	 */
	static int[] counts(EndpointSelector selector, int size, int picks) {
		int[] counts = new int[size];
		for (int i = 0; i < picks; i++) {
			counts[selector.select()]++;
		}
		return counts;
	}

}
