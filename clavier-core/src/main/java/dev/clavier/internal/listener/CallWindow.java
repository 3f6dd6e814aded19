package dev.clavier.internal.listener;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts one endpoint's real calls and failed calls over a sliding window, for the
 * failure-percentage rule: ten buckets, each a tenth of the window, each one {@code long} that
 * holds its bucket's number, calls and failures, updated by compare-and-set. Lock-free, exact
 * within a bucket, and free of allocation; a bucket holds at most about a million calls.
 * <p>
 * Thread-safe: calls are counted from any thread.
 */
final class CallWindow {

	private static final int BUCKETS = 10;

	private static final int COUNT_BITS = 20;

	private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;

	private static final int TAG_SHIFT = 2 * COUNT_BITS;

	private static final long TAG_MASK = (1L << (Long.SIZE - TAG_SHIFT)) - 1;

	private final long bucketMillis;

	private final AtomicLongArray cells = new AtomicLongArray(BUCKETS);

	/** Whether an ejection this window asked for is on its way to the scheduler. */
	private final AtomicBoolean claimed = new AtomicBoolean();

	/**
	 * Creates an empty window.
	 * @param window the time over which calls count
	 */
	CallWindow(Duration window) {
		this.bucketMillis = Math.max(1, window.toMillis() / BUCKETS);
	}

	/**
	 * Counts one call.
	 * @param nowMillis the time of the call, in milliseconds
	 * @param failed whether it failed
	 */
	void record(long nowMillis, boolean failed) {
		long bucket = nowMillis / this.bucketMillis;
		long tag = bucket & TAG_MASK;
		int index = (int) Math.floorMod(bucket, (long) BUCKETS);
		while (true) {
			long cell = this.cells.get(index);
			long calls = 0;
			long failures = 0;
			if ((cell >>> TAG_SHIFT) == tag) {
				calls = (cell >>> COUNT_BITS) & COUNT_MASK;
				failures = cell & COUNT_MASK;
			}
			if (calls < COUNT_MASK) {
				calls++;
				failures += failed ? 1 : 0;
			}
			if (this.cells.compareAndSet(index, cell, (tag << TAG_SHIFT) | (calls << COUNT_BITS) | failures)) {
				return;
			}
		}
	}

	/**
	 * Returns whether the calls within the window are at least {@code minimumCalls} and their
	 * failures at least {@code threshold} percent of them.
	 * @param nowMillis the time now, in milliseconds
	 * @param threshold the share of failures, in percent, 1 to 100
	 * @param minimumCalls the fewest calls for the share to count
	 * @return whether the window meets the threshold
	 */
	boolean exceeds(long nowMillis, int threshold, int minimumCalls) {
		long bucket = nowMillis / this.bucketMillis;
		long calls = 0;
		long failures = 0;
		for (int i = 0; i < BUCKETS; i++) {
			long past = bucket - i;
			long cell = this.cells.get((int) Math.floorMod(past, (long) BUCKETS));
			if ((cell >>> TAG_SHIFT) == (past & TAG_MASK)) {
				calls += (cell >>> COUNT_BITS) & COUNT_MASK;
				failures += cell & COUNT_MASK;
			}
		}
		return calls >= minimumCalls && failures * 100 >= (long) threshold * calls;
	}

	/**
	 * Claims the ejection the window asks for, so that one is sent to the scheduler at a time.
	 * @return {@code true} if the caller claimed it and must {@link #release()} it
	 */
	boolean claim() {
		return !this.claimed.get() && this.claimed.compareAndSet(false, true);
	}

	/**
	 * Releases a claim.
	 */
	void release() {
		this.claimed.set(false);
	}

	/**
	 * Forgets every call, as when the endpoint is ejected.
	 */
	void clear() {
		for (int i = 0; i < BUCKETS; i++) {
			this.cells.set(i, 0);
		}
	}

}
