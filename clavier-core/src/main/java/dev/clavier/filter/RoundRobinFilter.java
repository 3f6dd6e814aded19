package dev.clavier.filter;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import dev.clavier.endpoint.Endpoint;
import org.jspecify.annotations.Nullable;

/**
 * The {@code round-robin} filter: smooth weighted round robin, as nginx does it. Over each period
 * of {@code sum(weights)} picks (weights as {@link Weights} derives them, weight 0 included) every
 * endpoint gets exactly its weight's share, interleaved rather than in bursts: weights 5, 1, 1 give
 * {@code a a b a c a a}. Equal weights give the plain rotation {@code a b c a b c}.
 * <p>
 * The position in that sequence is kept per thread (a {@link ThreadLocal} per selector), so each
 * thread's picks are exactly even over the set on their own, and concurrent picks write no shared
 * counter. Each thread starts at a random position, so that many threads and many clients do not
 * all start on the first endpoint. A virtual thread (Java 21 and later) uses one counter shared by
 * every virtual thread instead, updated by compare-and-set, because a thread per request would
 * make every first pick allocate its own position. A thread's first pick on a new selector (after
 * each change of the list) allocates its position once; the positions of a replaced selector go
 * with it (a {@link ThreadLocal}'s entries are weakly keyed).
 * <p>
 * A pick is an array read: the period is precomputed when the selector is made, as long as it has
 * at most {@value #MAX_SEQUENCE} entries. A longer period (large or coprime weights) is walked
 * with a stride near {@code period / φ}, coprime with it, over the endpoints' cumulative weights:
 * still exact over each period and spread out within it, at the cost of a binary search.
 */
enum RoundRobinFilter implements Filter {

	INSTANCE;

	/**
	 * The longest period precomputed into an array of indexes.
	 */
	static final int MAX_SEQUENCE = 8192;

	/**
	 * Work budget (period × endpoints) for precomputing a period.
	 */
	private static final long MAX_SEQUENCE_WORK = 1L << 21;

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
		return Selector.of(Weights.of(endpoints));
	}

	@Override
	public String toString() {
		return model();
	}

	/**
	 * A selector over one list: the period to walk and the position of each thread in it.
	 */
	static final class Selector implements EndpointSelector {

		/**
		 * {@code Thread::isVirtual} on Java 21 and later, {@code null} before.
		 */
		private static final @Nullable MethodHandle IS_VIRTUAL = isVirtualHandle();

		/** The smooth sequence, or {@code null} for the plain rotation or the stride walk. */
		private final int @Nullable [] sequence;

		/** Running sums of the weights for the stride walk, else {@code null}. */
		private final long @Nullable [] cumulative;

		/** Length of one period. */
		private final long period;

		/** Step from one position to the next: 1, or the stride of the stride walk. */
		private final long step;

		/** Position each thread starts at, or -1 for a random one. */
		private final long start;

		private final ThreadLocal<Cursor> cursors;

		private final AtomicLong shared;

		/**
		 * Creates a plain rotation over {@code size} endpoints whose every thread starts at one
		 * position.
		 * @param size the number of endpoints
		 * @param start the starting position, reduced modulo {@code size}
		 */
		Selector(int size, int start) {
			this(null, null, size, 1, Math.floorMod(start, size));
		}

		private Selector(int @Nullable [] sequence, long @Nullable [] cumulative, long period, long step, long start) {
			this.sequence = sequence;
			this.cumulative = cumulative;
			this.period = period;
			this.step = step;
			this.start = start;
			this.cursors = ThreadLocal.withInitial(this::newCursor);
			this.shared = new AtomicLong(firstPosition());
		}

		/**
		 * Returns the selector for the given weights: plain rotation, a precomputed smooth
		 * sequence, or the stride walk for a period too long to precompute.
		 */
		static Selector of(Weights weights) {
			int size = weights.size();
			if (weights.isUniform()) {
				return new Selector(null, null, size, 1, -1);
			}
			long total = weights.total();
			if (total <= MAX_SEQUENCE && total * size <= MAX_SEQUENCE_WORK) {
				return new Selector(weights.smoothSequence(), null, total, 1, -1);
			}
			return new Selector(null, weights.cumulative(), total, stride(total), -1);
		}

		/**
		 * Returns a step coprime with the period and near {@code period / φ}: successive positions
		 * then land far apart in every window (a golden-ratio walk), and one period visits every
		 * position once.
		 */
		static long stride(long period) {
			long stride = Math.max(1, Math.round(period * 0.6180339887498949));
			while (Weights.gcd(period, stride) != 1) {
				stride = (stride + 1 < period) ? stride + 1 : 1;
			}
			return stride;
		}

		@Override
		public int select() {
			long position = (IS_VIRTUAL != null && isVirtual(Thread.currentThread())) ? nextShared() : nextLocal();
			return index(position);
		}

		/**
		 * Returns this thread's next position, moving it on: no write any other thread sees.
		 */
		long nextLocal() {
			Cursor cursor = this.cursors.get();
			long position = cursor.position;
			cursor.position = advance(position);
			return position;
		}

		/**
		 * Returns the next position of the counter shared by virtual threads, moving it on.
		 */
		long nextShared() {
			while (true) {
				long position = this.shared.get();
				if (this.shared.compareAndSet(position, advance(position))) {
					return position;
				}
			}
		}

		int index(long position) {
			int[] sequence = this.sequence;
			if (sequence != null) {
				return sequence[(int) position];
			}
			long[] cumulative = this.cumulative;
			return (cumulative != null) ? Weights.owner(cumulative, position) : (int) position;
		}

		private long advance(long position) {
			long next = position + this.step;
			return (next >= this.period) ? next - this.period : next;
		}

		private Cursor newCursor() {
			return new Cursor(firstPosition());
		}

		private long firstPosition() {
			return (this.start >= 0) ? this.start : ThreadLocalRandom.current().nextLong(this.period);
		}

		private static @Nullable MethodHandle isVirtualHandle() {
			try {
				return MethodHandles.publicLookup()
					.findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
			}
			catch (ReflectiveOperationException ex) {
				return null;
			}
		}

		private static boolean isVirtual(Thread thread) {
			try {
				return (boolean) IS_VIRTUAL.invokeExact(thread);
			}
			catch (Throwable ex) {
				return false;
			}
		}

	}

	/**
	 * One thread's position in one selector's period; read and written by that thread only.
	 */
	static final class Cursor {

		long position;

		Cursor(long position) {
			this.position = position;
		}

	}

}
