package dev.clavier.internal.listener;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.listener.Listener;
import dev.clavier.listener.Pick;
import org.jspecify.annotations.Nullable;

/**
 * A pick whose call counts in flight against its endpoint's record until the first completion
 * or close; a completion also reports the outcome to the listener's outlier detection. The
 * counter is held, not looked up again, so a late completion never counts against a newer
 * record of the same address. Thread-safe.
 */
final class CountedPick implements Pick {

	private static final AtomicIntegerFieldUpdater<CountedPick> ENDED = AtomicIntegerFieldUpdater
		.newUpdater(CountedPick.class, "ended");

	private final Listener listener;

	private final Endpoint endpoint;

	private final @Nullable AtomicInteger counter;

	private volatile int ended;

	/**
	 * Creates a pick and counts its call in flight.
	 * @param listener the listener, to report the outcome to
	 * @param endpoint the endpoint picked
	 * @param counter its record's counter, or {@code null} for an endpoint with no record (the
	 * call is then not counted, its outcome still reported)
	 */
	CountedPick(Listener listener, Endpoint endpoint, @Nullable AtomicInteger counter) {
		this.listener = listener;
		this.endpoint = endpoint;
		this.counter = counter;
		if (counter != null) {
			counter.incrementAndGet();
		}
	}

	@Override
	public Endpoint endpoint() {
		return this.endpoint;
	}

	@Override
	public void complete(boolean success, @Nullable String error) {
		if (end()) {
			this.listener.reportCall(this.endpoint, success, error);
		}
	}

	@Override
	public void close() {
		end();
	}

	private boolean end() {
		if (!ENDED.compareAndSet(this, 0, 1)) {
			return false;
		}
		if (this.counter != null) {
			this.counter.decrementAndGet();
		}
		return true;
	}

	@Override
	public String toString() {
		return "Pick[" + this.endpoint + ((this.ended != 0) ? ", ended" : "") + "]";
	}

}
