package dev.clavier.filter;

import java.util.List;

import dev.clavier.endpoint.Endpoint;

/**
 * The weights the built-in filters pick by, derived once per list of endpoints from
 * {@link Endpoint#weight()}.
 * <p>
 * Weight 0 follows RFC 2782: "in the presence of records containing weights greater than 0,
 * records with weight 0 should have a very small chance of being selected". Exactly: when at least
 * one endpoint has a positive weight, every positive weight counts 100 times and every weight-0
 * endpoint counts 1, so a weight-0 endpoint gets one pick in {@code 100 × (sum of the positive
 * weights) + (number of weight-0 endpoints)}, never none. When every weight is 0 they all count 1
 * (equal shares). The effective weights are then divided by their greatest common divisor, so
 * that weights 2 and 2 are the same as 1 and 1, and the period of the picks is as short as it can be.
 * <p>
 * Immutable and thread-safe.
 */
final class Weights {

	/**
	 * How many times a positive weight counts against a weight-0 endpoint's 1.
	 */
	static final long ZERO_WEIGHT_DIVISOR = 100;

	private final long[] weights;

	private final long total;

	private final boolean uniform;

	private Weights(long[] weights) {
		this.weights = weights;
		long total = 0;
		boolean uniform = true;
		for (long weight : weights) {
			total += weight;
			uniform &= (weight == weights[0]);
		}
		this.total = total;
		this.uniform = uniform;
	}

	/**
	 * Returns the effective weights of the given endpoints, reduced by their greatest common divisor.
	 * @param endpoints the endpoints, not empty
	 * @return the weights
	 */
	static Weights of(List<Endpoint> endpoints) {
		return of(endpoints.stream().mapToInt(Endpoint::weight).toArray());
	}

	/**
	 * Returns the effective weights of the given raw weights, reduced by their greatest common divisor.
	 * @param raw the weights as discovery gave them, each 0 or more, at least one
	 * @return the weights
	 */
	static Weights of(int[] raw) {
		boolean anyPositive = false;
		boolean anyZero = false;
		for (int weight : raw) {
			anyPositive |= (weight > 0);
			anyZero |= (weight == 0);
		}
		long[] weights = new long[raw.length];
		long gcd = 0;
		for (int i = 0; i < raw.length; i++) {
			long weight;
			if (!anyPositive) {
				weight = 1;
			}
			else if (anyZero) {
				weight = (raw[i] == 0) ? 1 : raw[i] * ZERO_WEIGHT_DIVISOR;
			}
			else {
				weight = raw[i];
			}
			weights[i] = weight;
			gcd = gcd(gcd, weight);
		}
		for (int i = 0; i < weights.length; i++) {
			weights[i] /= gcd;
		}
		return new Weights(weights);
	}

	static long gcd(long a, long b) {
		while (b != 0) {
			long t = a % b;
			a = b;
			b = t;
		}
		return a;
	}

	/**
	 * Returns how many endpoints there are.
	 * @return the count
	 */
	int size() {
		return this.weights.length;
	}

	/**
	 * Returns the effective weight of one endpoint, at least 1.
	 * @param index the endpoint's index
	 * @return the weight
	 */
	long weight(int index) {
		return this.weights[index];
	}

	/**
	 * Returns the sum of the effective weights: the length of one period of weighted round robin.
	 * @return the total
	 */
	long total() {
		return this.total;
	}

	/**
	 * Returns whether every endpoint has the same effective weight (then every weight is 1).
	 * @return {@code true} for equal weights
	 */
	boolean isUniform() {
		return this.uniform;
	}

	/**
	 * Returns the running sums of the weights: entry {@code i} is the sum of the weights of
	 * endpoints {@code 0..i}, so the last entry is {@link #total()}.
	 * @return a new array
	 */
	long[] cumulative() {
		long[] sums = new long[this.weights.length];
		long sum = 0;
		for (int i = 0; i < this.weights.length; i++) {
			sum += this.weights[i];
			sums[i] = sum;
		}
		return sums;
	}

	/**
	 * Returns the index of the endpoint that owns a point of {@code [0, total)} when each endpoint
	 * owns a run of points as long as its weight, in order.
	 * @param cumulative the running sums from {@link #cumulative()}
	 * @param point a point in {@code [0, total)}
	 * @return the endpoint's index
	 */
	static int owner(long[] cumulative, long point) {
		int low = 0;
		int high = cumulative.length - 1;
		while (low < high) {
			int middle = (low + high) >>> 1;
			if (cumulative[middle] > point) {
				high = middle;
			}
			else {
				low = middle + 1;
			}
		}
		return low;
	}

	/**
	 * Returns one period of nginx's smooth weighted round robin: each step adds every endpoint's
	 * weight to its current weight, picks the largest current weight (the first on a tie) and
	 * takes the total from it. Weights 5, 1, 1 give {@code 0 0 1 0 2 0 0}; equal weights give
	 * {@code 0 1 2 ...}.
	 * @return the sequence, {@link #total()} indexes long
	 * @throws IllegalStateException if the total does not fit an array
	 */
	int[] smoothSequence() {
		if (this.total > Integer.MAX_VALUE - 8) {
			throw new IllegalStateException("total: " + this.total + " (expected: < 2^31)");
		}
		int length = (int) this.total;
		int[] sequence = new int[length];
		long[] current = new long[this.weights.length];
		for (int step = 0; step < length; step++) {
			int best = 0;
			for (int i = 0; i < current.length; i++) {
				current[i] += this.weights[i];
				if (current[i] > current[best]) {
					best = i;
				}
			}
			current[best] -= this.total;
			sequence[step] = best;
		}
		return sequence;
	}

}
