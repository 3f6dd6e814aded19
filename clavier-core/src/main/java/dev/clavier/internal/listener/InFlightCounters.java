package dev.clavier.internal.listener;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.clavier.filter.CallsInFlight;
import org.jspecify.annotations.Nullable;

/**
 * The calls-in-flight counters of the records behind one selection, in the selection's order:
 * what the filter's selector reads and what a pick at an index counts against. The counters are
 * the records' own, so an endpoint keeps its count across selections and loses it with its
 * record when it leaves discovery. Immutable; the counters are atomic. Thread-safe.
 */
final class InFlightCounters implements CallsInFlight {

	static final InFlightCounters EMPTY = new InFlightCounters(new EndpointRecord[0]);

	private final @Nullable EndpointRecord[] records;

	private final AtomicInteger[] counters;

	private InFlightCounters(@Nullable EndpointRecord[] records) {
		this.records = records;
		this.counters = new AtomicInteger[records.length];
		for (int i = 0; i < records.length; i++) {
			EndpointRecord record = records[i];
			// No record (never expected): a counter of its own, which no call counts against.
			this.counters[i] = (record != null) ? record.callsInFlight : new AtomicInteger();
		}
	}

	/**
	 * Returns the counters of the given records.
	 * @param records the records, in the selection's order ({@code null} where none was found)
	 * @return the counters
	 */
	static InFlightCounters of(List<@Nullable EndpointRecord> records) {
		return records.isEmpty() ? EMPTY : new InFlightCounters(records.toArray(new EndpointRecord[0]));
	}

	@Override
	public int count(int index) {
		return this.counters[index].get();
	}

	/**
	 * Returns the counter at an index.
	 * @param index the index in the selection
	 * @return the counter
	 */
	AtomicInteger counter(int index) {
		return this.counters[index];
	}

	/**
	 * Returns whether these are the counters of exactly the given records, in order.
	 * @param others the records
	 * @return {@code true} for the same records
	 */
	boolean sameRecords(List<@Nullable EndpointRecord> others) {
		if (others.size() != this.records.length) {
			return false;
		}
		for (int i = 0; i < this.records.length; i++) {
			if (others.get(i) != this.records[i]) {
				return false;
			}
		}
		return true;
	}

}
