package dev.clavier.filter;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import dev.clavier.endpoint.Endpoint;

/**
 * The {@code round-robin} filter: each pick takes the next endpoint in order, starting at a
 * random offset so that many clients do not all start on the first endpoint.
 */
enum RoundRobinFilter implements Filter {

	INSTANCE;

	@Override
	public String model() {
		return "round-robin";
	}

	@Override
	public EndpointSelector selector(List<Endpoint> endpoints) {
		int size = endpoints.size();
		if (size == 1) {
			return () -> 0;
		}
		return new Selector(size, ThreadLocalRandom.current().nextInt(size));
	}

	@Override
	public String toString() {
		return model();
	}

	static final class Selector implements EndpointSelector {

		private final int size;

		private final AtomicInteger position;

		Selector(int size, int start) {
			this.size = size;
			this.position = new AtomicInteger(start);
		}

		@Override
		public int select() {
			// Masked so that the counter survives overflow and stays non-negative.
			return (this.position.getAndIncrement() & Integer.MAX_VALUE) % this.size;
		}

	}

}
