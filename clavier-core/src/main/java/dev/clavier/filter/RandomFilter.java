package dev.clavier.filter;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import dev.clavier.endpoint.Endpoint;

/**
 * The {@code random} filter: each pick takes an endpoint at random with a chance proportional to
 * its weight, weight 0 as {@link Weights} says (a very small chance when some weight is positive;
 * equal chances when every weight is 0). Equal weights give a uniform pick. A pick draws one number
 * from {@link ThreadLocalRandom} and, for unequal weights, binary-searches the cumulative weights.
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
		Weights weights = Weights.of(endpoints);
		if (weights.isUniform()) {
			return () -> ThreadLocalRandom.current().nextInt(size);
		}
		long[] cumulative = weights.cumulative();
		long total = weights.total();
		return () -> Weights.owner(cumulative, ThreadLocalRandom.current().nextLong(total));
	}

	@Override
	public String toString() {
		return model();
	}

}
