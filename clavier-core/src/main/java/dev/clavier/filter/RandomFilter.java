package dev.clavier.filter;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import dev.clavier.endpoint.Endpoint;

/**
 * The {@code random} filter: each pick takes an endpoint uniformly at random.
 */
enum RandomFilter implements Filter {

	INSTANCE;

	@Override
	public String model() {
		return "random";
	}

	@Override
	public EndpointSelector selector(List<Endpoint> endpoints) {
		int size = endpoints.size();
		if (size == 1) {
			return () -> 0;
		}
		return () -> ThreadLocalRandom.current().nextInt(size);
	}

	@Override
	public String toString() {
		return model();
	}

}
