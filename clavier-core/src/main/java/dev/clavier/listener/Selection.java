package dev.clavier.listener;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.filter.EndpointSelector;
import org.jspecify.annotations.Nullable;

/**
 * The set of endpoints a listener currently picks from, with its filter's selector over them.
 * A new instance replaces the old one whole whenever the set changes, so a caller may cache
 * work keyed on identity (for example one wrapper object per endpoint).
 * <p>
 * Immutable apart from the selector's own position; thread-safe. {@link #nextIndex()} and
 * {@link #get(int)} neither lock nor allocate.
 */
public final class Selection {

	private static final Selection EMPTY = new Selection(new Endpoint[0], () -> 0, null);

	/** Why picks fall back to every discovered endpoint when {@link #of} is told so without a reason. */
	private static final String ALL_DOWN = "no endpoint is healthy (all-down policy: all)";

	private final Endpoint[] endpoints;

	private final List<Endpoint> list;

	private final EndpointSelector selector;

	private final @Nullable String fallbackReason;

	private Selection(Endpoint[] endpoints, EndpointSelector selector, @Nullable String fallbackReason) {
		this.endpoints = endpoints;
		this.list = List.of(endpoints);
		this.selector = selector;
		this.fallbackReason = fallbackReason;
	}

	/**
	 * Returns the empty selection.
	 * @return the empty selection
	 */
	public static Selection empty() {
		return EMPTY;
	}

	/**
	 * Returns a selection over the given endpoints.
	 * @param endpoints the endpoints, in a stable order; not empty
	 * @param selector the filter's selector over exactly these endpoints
	 * @param fallback whether these are all discovered endpoints picked because none is healthy
	 * @return the selection
	 */
	public static Selection of(List<Endpoint> endpoints, EndpointSelector selector, boolean fallback) {
		return of(endpoints, selector, fallback ? ALL_DOWN : null);
	}

	/**
	 * Returns a selection over the given endpoints, a fallback if a reason is given.
	 * @param endpoints the endpoints, in a stable order; not empty
	 * @param selector the filter's selector over exactly these endpoints
	 * @param fallbackReason why these are every discovered endpoint, healthy or not (none is
	 * healthy, or too few: the panic threshold), or {@code null} if they are not a fallback
	 * @return the selection
	 */
	public static Selection of(List<Endpoint> endpoints, EndpointSelector selector, @Nullable String fallbackReason) {
		Objects.requireNonNull(endpoints, "endpoints");
		Objects.requireNonNull(selector, "selector");
		if (endpoints.isEmpty()) {
			return EMPTY;
		}
		return new Selection(endpoints.toArray(new Endpoint[0]), selector, fallbackReason);
	}

	/**
	 * Returns the endpoints, in a stable order.
	 * @return an unmodifiable list
	 */
	public List<Endpoint> endpoints() {
		return this.list;
	}

	/**
	 * Returns how many endpoints there are.
	 * @return the size
	 */
	public int size() {
		return this.endpoints.length;
	}

	/**
	 * Returns whether there is nothing to pick.
	 * @return {@code true} when empty
	 */
	public boolean isEmpty() {
		return this.endpoints.length == 0;
	}

	/**
	 * Returns whether the endpoints are every discovered one, healthy or not, picked because none
	 * is healthy and the all-down policy is {@link AllDownPolicy#ALL}, or because fewer are
	 * healthy than the panic threshold ({@link ListenerConfig#panicThreshold()}).
	 * @return {@code true} in that fallback
	 */
	public boolean isFallback() {
		return this.fallbackReason != null;
	}

	/**
	 * Returns why the endpoints are a fallback, for example
	 * {@code panic: 1 of 4 probed endpoints healthy, below the panic threshold of 50%}.
	 * @return the reason, or {@code null} if they are not a fallback
	 */
	public @Nullable String fallbackReason() {
		return this.fallbackReason;
	}

	/**
	 * Returns the index of the next endpoint to use, as the filter picks it.
	 * @return an index in {@code [0, size())}
	 * @throws IllegalStateException if the selection is empty
	 */
	public int nextIndex() {
		if (this.endpoints.length == 0) {
			throw new IllegalStateException("empty selection");
		}
		return this.selector.select();
	}

	/**
	 * Returns the endpoint at an index.
	 * @param index the index
	 * @return the endpoint
	 */
	public Endpoint get(int index) {
		return this.endpoints[index];
	}

	/**
	 * Returns the next endpoint to use, as the filter picks it.
	 * @return the endpoint
	 * @throws IllegalStateException if the selection is empty
	 */
	public Endpoint next() {
		return this.endpoints[nextIndex()];
	}

	@Override
	public String toString() {
		return "Selection" + Arrays.toString(this.endpoints.length > 10 ? Arrays.copyOf(this.endpoints, 10) : this.endpoints)
				+ (this.endpoints.length > 10 ? "(+" + (this.endpoints.length - 10) + " more)" : "")
				+ ((this.fallbackReason != null) ? " (fallback: all discovered)" : "");
	}

}
