package dev.clavier.internal.listener;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Deterministic subsetting, as the Google SRE book describes it (chapter "Load Balancing in the
 * Datacenter"), with the churn of its plain version removed. Each application instance (client)
 * has an ordinal {@code k}; with {@code n} backends and subsets of {@code size}, the clients
 * form rounds of {@code c = n / size} (rounded to nearest): client {@code k} is in round
 * {@code k / c} and takes slice {@code k % c} of that round, and the slices of one round are
 * disjoint and cover the backends, so over whole rounds every backend is in exactly as many
 * subsets as every other.
 * <p>
 * The book shuffles the backend list with the round as seed, so adding or removing one backend
 * reshuffles every round and changes nearly every client's subset (300 of 300 in the
 * simulation). Here each backend instead gets, per round, a hash of its address: its home slice
 * and its rank there. A slice keeps its {@code size} best-ranked home backends; the others go to
 * a pool that fills the slices short of {@code size}, by one greedy matching over per-slice
 * scores. A backend that comes or goes so moves only its own slice and, through the pool, a few
 * others: in the simulation of 300 clients over 100 backends with subsets of 10, removing one
 * backend changes 68 clients' subsets on average (30 held it, the least possible), adding one 57.
 * <p>
 * Pure functions of their arguments; thread-safe.
 */
final class DeterministicSubset {

	/**
	 * Pool backends each short slice offers to the matching, per backend it misses: enough that
	 * the matching stays exact in the simulation (every backend in 30 of 300 subsets), few enough
	 * that 10,000 endpoints take about 5 ms of CPU (the full matching took about 20).
	 */
	private static final int CANDIDATES_PER_SLOT = 16;

	/** An ordinal at the end of an id or of its host part: {@code orders-7}. */
	private static final Pattern ORDINAL = Pattern.compile(".*-(\\d{1,18})");

	private DeterministicSubset() {
	}

	/**
	 * Returns the ordinal of an application instance: the number that ends its id
	 * ({@code orders-7} is 7), the host part of an id such as Spring Cloud's default
	 * {@code host:application:port} ({@code orders-7:orders:8080}, or
	 * {@code orders-7.orders.ns.svc:orders:8080}), or else a hash of the whole id.
	 * @param instanceId the id
	 * @return the ordinal, 0 or more
	 */
	static long ordinal(String instanceId) {
		String id = instanceId.trim();
		int colon = id.indexOf(':');
		String host = (colon >= 0) ? id.substring(0, colon) : id;
		int dot = host.indexOf('.');
		String label = (dot >= 0) ? host.substring(0, dot) : host;
		for (String candidate : new String[] { id, host, label }) {
			Matcher matcher = ORDINAL.matcher(candidate);
			if (matcher.matches()) {
				return Long.parseLong(matcher.group(1));
			}
		}
		return hash(id) & Long.MAX_VALUE;
	}

	/**
	 * Returns the subset of one client.
	 * @param ordinal the client's ordinal, 0 or more
	 * @param keys the backends' keys (their addresses), distinct, in a stable order
	 * @param size the subset's size, 1 or more
	 * @return the positions in {@code keys} of the subset's members: all when there are no more
	 * than {@code size}
	 */
	static BitSet select(long ordinal, List<String> keys, int size) {
		int n = keys.size();
		BitSet members = new BitSet(n);
		if (n <= size) {
			members.set(0, n);
			return members;
		}
		// Rounded to nearest, so that c does not change between n - size/2 and n + size/2 - 1
		// (a change of c regroups every round).
		int count = Math.max(1, (n + size / 2) / size);
		long round = ordinal / count;
		int slot = (int) (ordinal % count);
		long seed = mix(round * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
		long[] key = new long[n];
		long[] rank = new long[n];
		int[] home = new int[n];
		for (int i = 0; i < n; i++) {
			key[i] = hash(keys.get(i));
			rank[i] = mix(key[i] ^ seed);
			home[i] = (int) Long.remainderUnsigned(rank[i], count);
		}
		Integer[] order = new Integer[n];
		for (int i = 0; i < n; i++) {
			order[i] = i;
		}
		Arrays.sort(order, (a, b) -> (home[a] != home[b]) ? Integer.compare(home[a], home[b])
				: (rank[a] != rank[b]) ? Long.compareUnsigned(rank[a], rank[b]) : Integer.compare(a, b));
		int[] filled = new int[count];
		int[] pool = new int[n];
		int pooled = 0;
		for (int i : order) {
			if (filled[home[i]] < size) {
				filled[home[i]]++;
				if (home[i] == slot) {
					members.set(i);
				}
			}
			else {
				pool[pooled++] = i;
			}
		}
		if (filled[slot] < size && pooled > 0) {
			match(members, slot, seed, key, filled, Arrays.copyOf(pool, pooled), size);
		}
		if (members.cardinality() < size) {
			borrow(members, slot, seed, key, size);
		}
		return members;
	}

	/**
	 * Fills the slices short of {@code size} from the pool, one greedy matching for the round:
	 * (slice, backend) pairs in the order of a per-pair score, each taken while the slice has
	 * room and the backend is free, until the client's own slice is full. Each short slice
	 * offers only its {@link #CANDIDATES_PER_SLOT} best-scored pool backends per missing one,
	 * which keeps the matching near-linear at ten thousand endpoints; a slice left short
	 * borrows (below).
	 */
	private static void match(BitSet members, int slot, long seed, long[] key, int[] filled, int[] pool, int size) {
		int count = filled.length;
		int sliceBits = bits(count);
		int poolBits = bits(pool.length);
		int scoreShift = sliceBits + poolBits;
		long[] pairs = new long[0];
		int p = 0;
		for (int j = 0; j < count; j++) {
			if (filled[j] >= size) {
				continue;
			}
			long sliceSeed = mix(seed + j + 1);
			long[] best = new long[Math.min(pool.length, (size - filled[j]) * CANDIDATES_PER_SLOT)];
			int kept = 0;
			for (int t = 0; t < pool.length; t++) {
				long score = mix(key[pool[t]] ^ sliceSeed) >>> 1;
				// One long per pair: the score's high bits, then the slice, then the pool index; ties
				// of the truncated score fall back to the indices, so the order is total.
				long pair = ((score >>> scoreShift) << scoreShift) | ((long) j << poolBits) | t;
				kept = keepSmallest(best, kept, pair);
			}
			if (p + kept > pairs.length) {
				pairs = Arrays.copyOf(pairs, Math.max(pairs.length * 2, p + kept));
			}
			System.arraycopy(best, 0, pairs, p, kept);
			p += kept;
		}
		Arrays.sort(pairs, 0, p);
		boolean[] taken = new boolean[pool.length];
		long sliceMask = (1L << sliceBits) - 1;
		long poolMask = (1L << poolBits) - 1;
		for (int i = 0; i < p; i++) {
			long pair = pairs[i];
			int j = (int) ((pair >>> poolBits) & sliceMask);
			int t = (int) (pair & poolMask);
			if (taken[t] || filled[j] >= size) {
				continue;
			}
			taken[t] = true;
			filled[j]++;
			if (j == slot) {
				members.set(pool[t]);
				if (filled[j] >= size) {
					return;
				}
			}
		}
	}

	/**
	 * Keeps the smallest values seen in a sorted array of bounded length.
	 * @return how many it holds now
	 */
	private static int keepSmallest(long[] best, int kept, long value) {
		if (kept == best.length && (kept == 0 || value >= best[kept - 1])) {
			return kept;
		}
		int i = (kept == best.length) ? kept - 1 : kept;
		while (i > 0 && best[i - 1] > value) {
			best[i] = best[i - 1];
			i--;
		}
		best[i] = value;
		return (kept == best.length) ? kept : kept + 1;
	}

	/**
	 * Completes a slice the pool could not fill (fewer backends than slots) with the backends
	 * its own score ranks first, members of other slices: only this slice's clients are moved.
	 */
	private static void borrow(BitSet members, int slot, long seed, long[] key, int size) {
		long sliceSeed = mix(seed + slot + 1);
		Integer[] others = IntStream.range(0, key.length)
			.filter((i) -> !members.get(i))
			.boxed()
			.toArray(Integer[]::new);
		Arrays.sort(others, (a, b) -> Long.compareUnsigned(mix(key[a] ^ sliceSeed), mix(key[b] ^ sliceSeed)));
		for (int t = 0; t < others.length && members.cardinality() < size; t++) {
			members.set(others[t]);
		}
	}

	private static int bits(int values) {
		return Math.max(1, 32 - Integer.numberOfLeadingZeros(Math.max(1, values - 1)));
	}

	/**
	 * Returns a 64-bit hash of a text: FNV-1a over its UTF-8 bytes, then mixed.
	 */
	static long hash(String text) {
		long hash = 0xcbf29ce484222325L;
		for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
			hash ^= (b & 0xff);
			hash *= 0x100000001b3L;
		}
		return mix(hash);
	}

	/**
	 * Returns a well-mixed 64-bit value: MurmurHash3's finaliser.
	 */
	private static long mix(long value) {
		long z = value;
		z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
		z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
		return z ^ (z >>> 33);
	}

}
