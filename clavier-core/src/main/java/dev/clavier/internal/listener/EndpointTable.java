package dev.clavier.internal.listener;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.clavier.endpoint.Endpoint;
import org.jspecify.annotations.Nullable;

/**
 * The discovered endpoints of one listener, each with its {@link EndpointRecord}, in address
 * order. Applies each new discovery answer as a diff: records of endpoints that stay keep their
 * health (a new weight or attribute included), new endpoints get a new record, and those that
 * left are retired.
 * <p>
 * Confined to the engine's scheduler thread, except {@link #find(Endpoint)}, which reads an
 * index replaced whole on each change so that calls reported from any thread find their record.
 */
final class EndpointTable {

	/** Endpoints are kept and shown in this order: host, then port. */
	static final Comparator<Endpoint> ADDRESS_ORDER = Comparator
		.comparing((Endpoint endpoint) -> endpoint.host().toLowerCase(Locale.ROOT))
		.thenComparingInt(Endpoint::port);

	private final int rise;

	private final int fall;

	private final TreeMap<Endpoint, EndpointRecord> records = new TreeMap<>(ADDRESS_ORDER);

	private volatile Map<Endpoint, EndpointRecord> index = Map.of();

	/** The records in address order, each at its {@link EndpointRecord#position}. */
	private List<EndpointRecord> ordered = List.of();

	EndpointTable(int rise, int fall) {
		this.rise = rise;
		this.fall = fall;
	}

	/**
	 * Applies a discovery answer.
	 * @param found the endpoints discovered, duplicates allowed (the first of an address wins)
	 * @return what changed
	 */
	Change apply(List<Endpoint> found) {
		TreeMap<Endpoint, Endpoint> wanted = new TreeMap<>(ADDRESS_ORDER);
		for (Endpoint endpoint : found) {
			wanted.putIfAbsent(endpoint, endpoint);
		}
		List<EndpointRecord> removed = new ArrayList<>();
		boolean updated = false;
		for (Iterator<EndpointRecord> iterator = this.records.values().iterator(); iterator.hasNext();) {
			EndpointRecord record = iterator.next();
			Endpoint replacement = wanted.get(record.endpoint());
			if (replacement == null) {
				iterator.remove();
				record.remove();
				removed.add(record);
			}
			else if (!replacement.equals(record.endpoint())) {
				record.replace(replacement);
				updated = true;
			}
		}
		List<EndpointRecord> added = new ArrayList<>();
		for (Endpoint endpoint : wanted.values()) {
			if (!this.records.containsKey(endpoint)) {
				EndpointRecord record = new EndpointRecord(endpoint, this.rise, this.fall);
				this.records.put(endpoint, record);
				added.add(record);
			}
		}
		Change change = new Change(added, removed, updated);
		if (!change.isEmpty()) {
			reindex();
		}
		return change;
	}

	/**
	 * Returns the record of an endpoint; any thread.
	 * @param endpoint the endpoint as picks returned it
	 * @return the record, or {@code null} if it is not (any more) discovered
	 */
	@Nullable EndpointRecord find(Endpoint endpoint) {
		return this.index.get(endpoint);
	}

	/**
	 * Returns whether an address is discovered.
	 * @param endpoint the endpoint
	 * @return {@code true} if one of the same host and port is
	 */
	boolean contains(Endpoint endpoint) {
		return this.records.containsKey(endpoint);
	}

	/**
	 * Returns the records in address order, each at its {@link EndpointRecord#position}.
	 * @return the records, unmodifiable
	 */
	List<EndpointRecord> records() {
		return this.ordered;
	}

	int size() {
		return this.records.size();
	}

	boolean isEmpty() {
		return this.records.isEmpty();
	}

	/**
	 * Retires every record, as the listener closes.
	 * @return the records there were
	 */
	List<EndpointRecord> clear() {
		List<EndpointRecord> all = new ArrayList<>(this.records.values());
		for (EndpointRecord record : all) {
			record.remove();
		}
		this.records.clear();
		this.index = Map.of();
		this.ordered = List.of();
		return all;
	}

	private void reindex() {
		Map<Endpoint, EndpointRecord> byEndpoint = new HashMap<>();
		List<EndpointRecord> inOrder = new ArrayList<>(this.records.size());
		for (EndpointRecord record : this.records.values()) {
			byEndpoint.put(record.endpoint(), record);
			record.position = inOrder.size();
			inOrder.add(record);
		}
		this.index = Map.copyOf(byEndpoint);
		this.ordered = Collections.unmodifiableList(inOrder);
	}

	/**
	 * What one discovery answer changed.
	 *
	 * @param added records of the endpoints that appeared, in address order
	 * @param removed records of the endpoints that left, in address order
	 * @param updated whether an endpoint that stayed changed its weight or attributes
	 */
	record Change(List<EndpointRecord> added, List<EndpointRecord> removed, boolean updated) {

		boolean isEmpty() {
			return this.added.isEmpty() && this.removed.isEmpty() && !this.updated;
		}

		List<Endpoint> addedEndpoints() {
			return endpoints(this.added);
		}

		List<Endpoint> removedEndpoints() {
			return endpoints(this.removed);
		}

		private static List<Endpoint> endpoints(List<EndpointRecord> records) {
			List<Endpoint> endpoints = new ArrayList<>(records.size());
			for (EndpointRecord record : records) {
				endpoints.add(record.endpoint());
			}
			return endpoints;
		}

	}

}
