package dev.clavier.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * A caller thread making one real HTTP GET every {@code period} to an address a picker chooses,
 * recording each call (when, where, whether it worked); and helpers for the timing mains.
 */
final class CallLoop implements AutoCloseable {

	/** One call. */
	record Call(long nanos, String target, boolean ok, @Nullable String servedBy) {
	}

	/** Picks the next {@code host:port}, and hears how the call went. */
	interface Picker {

		String pick();

		default void outcome(String target, boolean ok, @Nullable String error) {
		}

	}

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(1))
		.build();

	private final List<Call> calls = new ArrayList<>();

	private final Thread thread;

	private volatile boolean stopped;

	CallLoop(Picker picker, Duration period) {
		this.thread = new Thread(() -> run(picker, period), "call-loop");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void run(Picker picker, Duration period) {
		long next = System.nanoTime();
		while (!this.stopped) {
			next += period.toNanos();
			String target;
			try {
				target = picker.pick();
			}
			catch (RuntimeException ex) {
				record(new Call(System.nanoTime(), "none", false, null));
				pause(next);
				continue;
			}
			long at = System.nanoTime();
			boolean ok;
			String servedBy = null;
			String error = null;
			try {
				HttpResponse<String> response = this.client.send(
						HttpRequest.newBuilder(URI.create("http://" + target + "/hello")).timeout(Duration.ofSeconds(1)).build(),
						HttpResponse.BodyHandlers.ofString());
				ok = response.statusCode() == 200;
				servedBy = response.headers().firstValue("X-Backend").orElse(null);
				error = ok ? null : "status " + response.statusCode();
			}
			catch (IOException ex) {
				ok = false;
				error = ex.toString();
			}
			catch (InterruptedException ex) {
				return;
			}
			picker.outcome(target, ok, error);
			record(new Call(at, target, ok, servedBy));
			pause(next);
		}
	}

	private static void pause(long until) {
		long wait = until - System.nanoTime();
		if (wait > 0) {
			try {
				Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private synchronized void record(Call call) {
		this.calls.add(call);
	}

	synchronized List<Call> callsSince(long nanos) {
		return this.calls.stream().filter((c) -> c.nanos() >= nanos).toList();
	}

	/** Stops the caller thread and waits for it. */
	void stop() {
		this.stopped = true;
		try {
			this.thread.join(5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		stop();
	}

	/** Polls a condition every millisecond; returns when it became true, or -1 on timeout. */
	static long awaitNanos(Supplier<Boolean> condition, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (condition.get()) {
				return System.nanoTime();
			}
			Thread.sleep(1);
		}
		return -1;
	}

	static String stats(List<Double> values) {
		if (values.isEmpty()) {
			return "n/a";
		}
		List<Double> sorted = values.stream().sorted().toList();
		return String.format(java.util.Locale.ROOT, "min %.0f / median %.0f / max %.0f", sorted.get(0),
				sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1));
	}

}
