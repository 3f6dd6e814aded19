package dev.clavier.internal.listener;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of a listener's discovered endpoints this application instance probes and picks, when
 * {@link ListenerConfig#subsetSize()} is set: worked out again by {@link DeterministicSubset}
 * whenever discovery changes the set, from the instance's id. Endpoints outside the subset are
 * kept in the table (and shown), neither probed nor picked; those that stay in keep their
 * health.
 * <p>
 * Confined to the engine's scheduler thread.
 */
final class SubsetPolicy {

	private static final Logger logger = LoggerFactory.getLogger(Listener.class);

	private final String name;

	private final int size;

	private final String instanceId;

	private final long ordinal;

	/**
	 * Creates the policy of one listener.
	 * @param name the listener's name
	 * @param config the listener's configuration
	 */
	SubsetPolicy(String name, ListenerConfig config) {
		this.name = name;
		this.size = config.subsetSize();
		this.instanceId = config.subsetInstanceId();
		this.ordinal = config.isSubsetting() ? DeterministicSubset.ordinal(this.instanceId) : 0;
	}

	/**
	 * Marks each record in or out of the subset after a table change.
	 * @param records the table's records, in address order
	 * @param added the records the change added, which start in the subset and are not reported
	 * as entering or leaving it
	 * @return the records that were discovered before and entered or left the subset
	 */
	Change apply(List<EndpointRecord> records, Collection<EndpointRecord> added) {
		if (this.size <= 0) {
			return Change.NONE;
		}
		List<String> keys = new ArrayList<>(records.size());
		for (EndpointRecord record : records) {
			keys.add(key(record.endpoint()));
		}
		BitSet members = DeterministicSubset.select(this.ordinal, keys, this.size);
		Set<EndpointRecord> fresh = new HashSet<>(added);
		List<EndpointRecord> entered = new ArrayList<>();
		List<EndpointRecord> left = new ArrayList<>();
		for (int i = 0; i < records.size(); i++) {
			EndpointRecord record = records.get(i);
			boolean in = members.get(i);
			if (record.inSubset() == in) {
				continue;
			}
			record.subset(in);
			if (!fresh.contains(record)) {
				(in ? entered : left).add(record);
			}
		}
		if (!entered.isEmpty() || !left.isEmpty() || !added.isEmpty()) {
			logger.info("[{}] subset of {} of {} endpoints for instance '{}' (ordinal {}): entered {}, left {}",
					this.name, members.cardinality(), records.size(), this.instanceId, this.ordinal,
					Endpoints.truncate(endpoints(entered)), Endpoints.truncate(endpoints(left)));
		}
		return new Change(entered, left);
	}

	private static String key(Endpoint endpoint) {
		// The address alone, as EndpointTable.ADDRESS_ORDER compares it: a new weight moves nothing.
		return endpoint.host().toLowerCase(Locale.ROOT) + ":" + endpoint.port();
	}

	private static List<Endpoint> endpoints(List<EndpointRecord> records) {
		List<Endpoint> endpoints = new ArrayList<>(records.size());
		for (EndpointRecord record : records) {
			endpoints.add(record.endpoint());
		}
		return endpoints;
	}

	/**
	 * Records that stayed discovered and changed membership.
	 *
	 * @param entered records now in the subset, to probe
	 * @param left records now out of it, no longer probed
	 */
	record Change(List<EndpointRecord> entered, List<EndpointRecord> left) {

		static final Change NONE = new Change(List.of(), List.of());

	}

}
