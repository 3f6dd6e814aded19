package dev.clavier.filter;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.model.InvalidOptionException;

/**
 * The {@code least-request} filter: the power of two choices over the calls in flight to each
 * endpoint, as Envoy's and gRPC's {@code least_request} do. Each pick draws
 * {@link #choiceCount()} candidates at random and keeps the least loaded, the first drawn on a
 * tie; a slow endpoint, whose calls pile up, then gets fewer new ones. Unlike Envoy's, the
 * candidates are distinct endpoints (with equal weights; with unequal ones, a candidate that is
 * the best so far is drawn again up to {@value WeightedSelector#MAX_REDRAWS} times): a stuck
 * endpoint is then never picked while another has fewer calls in flight, where drawing with
 * replacement still sends it one pick in {@code size²} (gRFC A48 names this downside). A choice
 * count of at least the number of endpoints compares them all.
 * <pre>{@code
 * Filter filter = LeastRequestFilter.builder().choiceCount(3).build();
 * }</pre>
 * <p>
 * <b>Weights.</b> With equal weights every endpoint is equally likely to be drawn and the load is
 * the number of calls in flight. With unequal weights (as {@link Weights} derives them, weight 0
 * included) the candidates are drawn in proportion to their weights, and the load compared is
 * {@code active^bias / weight}, {@code active} being the calls in flight and {@code bias} the
 * {@link #activeRequestBias() active request bias}: Envoy's effective weight
 * {@code weight / (active + 1)^bias} turned into a lock-free rule. Idle endpoints tie, so picks
 * follow the weights exactly; endpoints busy in proportion to their weights tie too (bias 1), so a
 * steady load keeps the weights' shares; an endpoint slower than its weight says draws fewer.
 * Bias 0 ignores the load (weighted random); a larger bias reacts to load more strongly.
 * <p>
 * A pick neither locks nor allocates: it draws from {@link ThreadLocalRandom} and reads the live
 * counts through {@link CallsInFlight}. Only calls started through {@code Listener.pick()} or
 * the Spring Cloud LoadBalancer bridge are counted; over {@link #selector(List)} alone (no
 * counts) the filter is a weighted random pick. Immutable and thread-safe.
 */
public final class LeastRequestFilter implements Filter {

	/** The model name. */
	static final String MODEL = "least-request";

	private static final LeastRequestFilter DEFAULT = new LeastRequestFilter(2, 1.0);

	private final int choiceCount;

	private final double activeRequestBias;

	private LeastRequestFilter(int choiceCount, double activeRequestBias) {
		this.choiceCount = choiceCount;
		this.activeRequestBias = activeRequestBias;
	}

	/**
	 * Returns the filter with the defaults: two choices, bias 1.
	 * @return the filter
	 */
	static LeastRequestFilter defaults() {
		return DEFAULT;
	}

	/**
	 * Creates a builder.
	 * @return the builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns how many candidates each pick draws.
	 * @return the count, 2 or more
	 */
	public int choiceCount() {
		return this.choiceCount;
	}

	/**
	 * Returns how strongly calls in flight weigh against an endpoint's weight.
	 * @return the bias, 0 or more
	 */
	public double activeRequestBias() {
		return this.activeRequestBias;
	}

	@Override
	public String model() {
		return MODEL;
	}

	@Override
	public EndpointSelector selector(List<Endpoint> endpoints) {
		return selector(endpoints, CallsInFlight.none());
	}

	@Override
	public EndpointSelector selector(List<Endpoint> endpoints, CallsInFlight calls) {
		int size = endpoints.size();
		if (size == 1) {
			return () -> 0;
		}
		Weights weights = Weights.of(endpoints);
		if (weights.isUniform()) {
			return new UniformSelector(size, this.choiceCount, calls);
		}
		long[] effective = new long[size];
		for (int i = 0; i < size; i++) {
			effective[i] = weights.weight(i);
		}
		return new WeightedSelector(weights.cumulative(), effective, this.choiceCount, this.activeRequestBias, calls);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof LeastRequestFilter that && this.choiceCount == that.choiceCount
				&& Double.compare(this.activeRequestBias, that.activeRequestBias) == 0;
	}

	@Override
	public int hashCode() {
		return 31 * this.choiceCount + Double.hashCode(this.activeRequestBias);
	}

	@Override
	public String toString() {
		return MODEL + "(choice-count " + this.choiceCount + ", active-request-bias " + this.activeRequestBias + ")";
	}

	/**
	 * Equal weights: distinct candidates drawn uniformly, the fewest calls in flight wins. Two
	 * choices are a uniformly drawn pair of distinct endpoints; more walk from a random endpoint
	 * with a random stride coprime with the size, so that they are distinct without a record of
	 * those already drawn.
	 */
	static final class UniformSelector implements EndpointSelector {

		private final int size;

		private final int choices;

		private final CallsInFlight calls;

		/** The strides coprime with the size, for more than two choices. */
		private final int[] strides;

		UniformSelector(int size, int choiceCount, CallsInFlight calls) {
			this.size = size;
			this.choices = Math.min(choiceCount, size);
			this.calls = calls;
			this.strides = (this.choices > 2) ? strides(size) : new int[0];
		}

		private static int[] strides(int size) {
			return IntStream.range(1, size).filter((stride) -> Weights.gcd(size, stride) == 1).toArray();
		}

		@Override
		public int select() {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			if (this.choices == 2) {
				// One 64-bit draw gives both candidates: each half scaled to its range by a
				// multiply and shift (Lemire), off from uniform by at most size / 2^32.
				long bits = random.nextLong();
				int first = (int) (((bits >>> 32) * this.size) >>> 32);
				// The other is one of the size - 1 endpoints after the first, wrapping around.
				int other = first + 1 + (int) (((bits & 0xFFFFFFFFL) * (this.size - 1)) >>> 32);
				other -= this.size & ((this.size - 1 - other) >> 31);
				// Without branches: which candidate wins is a coin toss the CPU cannot predict.
				int otherFewer = (this.calls.count(other) - this.calls.count(first)) >> 31;
				return first ^ ((other ^ first) & otherFewer);
			}
			int best = random.nextInt(this.size);
			int bestCount = this.calls.count(best);
			int stride = this.strides[random.nextInt(this.strides.length)];
			int candidate = best;
			for (int i = 1; i < this.choices; i++) {
				candidate += stride;
				if (candidate >= this.size) {
					candidate -= this.size;
				}
				int count = this.calls.count(candidate);
				if (count < bestCount) {
					best = candidate;
					bestCount = count;
				}
			}
			return best;
		}

	}

	/**
	 * Unequal weights: candidates drawn in proportion to their weights, the lowest
	 * {@code active^bias / weight} wins.
	 */
	static final class WeightedSelector implements EndpointSelector {

		/** Draws per candidate that land on the best so far before it is compared with itself. */
		private static final int MAX_REDRAWS = 8;

		private final long[] cumulative;

		private final long[] weights;

		private final long total;

		private final int choices;

		private final double bias;

		private final CallsInFlight calls;

		WeightedSelector(long[] cumulative, long[] weights, int choices, double bias, CallsInFlight calls) {
			this.cumulative = cumulative;
			this.weights = weights;
			this.total = cumulative[cumulative.length - 1];
			this.choices = choices;
			this.bias = bias;
			this.calls = calls;
		}

		@Override
		public int select() {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			int best = Weights.owner(this.cumulative, random.nextLong(this.total));
			if (this.bias == 0) {
				// Load ignored: the first draw is a weighted random pick.
				return best;
			}
			for (int i = 1; i < this.choices; i++) {
				int candidate = Weights.owner(this.cumulative, random.nextLong(this.total));
				// Another endpoint than the best so far, most of the time: a heavy endpoint drawn
				// twice would otherwise win unopposed however loaded it is.
				for (int redraw = 0; candidate == best && redraw < MAX_REDRAWS; redraw++) {
					candidate = Weights.owner(this.cumulative, random.nextLong(this.total));
				}
				if (candidate != best && lighter(candidate, best)) {
					best = candidate;
				}
			}
			return best;
		}

		/**
		 * Returns whether {@code a} carries less load for its weight than {@code b}.
		 */
		boolean lighter(int a, int b) {
			long activeA = this.calls.count(a);
			long activeB = this.calls.count(b);
			if (this.bias == 1.0) {
				// Exact in integers: activeA / weightA < activeB / weightB.
				return activeA * this.weights[b] < activeB * this.weights[a];
			}
			return Math.pow(activeA, this.bias) / this.weights[a] < Math.pow(activeB, this.bias) / this.weights[b];
		}

	}

	/**
	 * Builds a {@link LeastRequestFilter}; each setter checks its value at once. Not thread-safe.
	 */
	public static final class Builder {

		private int choiceCount = 2;

		private double activeRequestBias = 1.0;

		Builder() {
		}

		/**
		 * Sets how many candidates each pick draws; the default is 2 (the power of two choices).
		 * More choices find the least loaded endpoint more surely, at the cost of herding
		 * concurrent picks onto it.
		 * @param choiceCount the count, 2 to 100
		 * @return this builder
		 * @throws InvalidOptionException if out of range (option {@code choiceCount})
		 */
		public Builder choiceCount(int choiceCount) {
			if (choiceCount < 2 || choiceCount > 100) {
				throw new InvalidOptionException("choiceCount", choiceCount, "2...100");
			}
			this.choiceCount = choiceCount;
			return this;
		}

		/**
		 * Sets how strongly calls in flight weigh against unequal weights; the default is 1.0
		 * (Envoy's {@code active_request_bias}). 0 ignores the load when weights differ
		 * (weighted random); with equal weights the bias has no effect.
		 * @param activeRequestBias the bias, 0 or more, finite
		 * @return this builder
		 * @throws InvalidOptionException if negative or not finite (option {@code activeRequestBias})
		 */
		public Builder activeRequestBias(double activeRequestBias) {
			if (!(activeRequestBias >= 0) || Double.isInfinite(activeRequestBias)) {
				throw new InvalidOptionException("activeRequestBias", activeRequestBias, ">= 0, finite");
			}
			this.activeRequestBias = activeRequestBias;
			return this;
		}

		/**
		 * Builds the filter.
		 * @return the filter
		 */
		public LeastRequestFilter build() {
			return new LeastRequestFilter(this.choiceCount, this.activeRequestBias);
		}

	}

}
