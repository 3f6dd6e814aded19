package dev.clavier.internal.listener;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BiFunction;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DeterministicSubset}, and the simulation of issue 13 without sockets: 300
 * application instances with ordinal ids over 100 backends, subsets of 10.
 */
class DeterministicSubsetTests {

	private static final int CLIENTS = 300;

	private static final int BACKENDS = 100;

	private static final int SIZE = 10;

	@Test
	void ordinalWhenIdEndsInNumberShouldBeThatNumber() {
		assertThat(DeterministicSubset.ordinal("orders-7")).isEqualTo(7);
		assertThat(DeterministicSubset.ordinal("orders-v2-12")).isEqualTo(12);
		// Spring Cloud's default id, host:application:port, and a pod's full host name.
		assertThat(DeterministicSubset.ordinal("orders-7:orders:8080")).isEqualTo(7);
		assertThat(DeterministicSubset.ordinal("orders-7.orders.prod.svc.cluster.local:orders:8080")).isEqualTo(7);
	}

	@Test
	void ordinalWhenIdHasNoOrdinalShouldBeStableHash() {
		long hashed = DeterministicSubset.ordinal("orders:8080");
		assertThat(hashed).isNotNegative().isNotEqualTo(8080).isEqualTo(DeterministicSubset.ordinal("orders:8080"));
		assertThat(DeterministicSubset.ordinal("9f1c2e4a-orders")).isNotEqualTo(hashed);
	}

	@Test
	void selectWhenNoMoreBackendsThanSizeShouldKeepAll() {
		assertThat(DeterministicSubset.select(5, backends(3), 3).cardinality()).isEqualTo(3);
		assertThat(DeterministicSubset.select(5, backends(2), 3).cardinality()).isEqualTo(2);
	}

	@Test
	void selectShouldDependOnAddressesNotOnTheirOrder() {
		List<String> backends = backends(37);
		List<String> shuffled = new ArrayList<>(backends);
		Collections.shuffle(shuffled, new Random(1));
		for (long client = 0; client < 50; client++) {
			Set<String> subset = subset(client, backends, 4);
			assertThat(subset).hasSize(4).isEqualTo(subset(client, shuffled, 4));
		}
	}

	@Test
	void selectWhenClientsOfOneRoundShouldTakeDisjointSlicesCoveringEveryBackend() {
		List<String> backends = backends(40);
		Set<String> covered = new HashSet<>();
		int members = 0;
		// 40 backends in subsets of 4: rounds of 10 clients; round 3 is clients 30 to 39.
		for (long client = 30; client < 40; client++) {
			Set<String> subset = subset(client, backends, 4);
			members += subset.size();
			covered.addAll(subset);
		}
		assertThat(members).isEqualTo(40);
		assertThat(covered).hasSize(40);
	}

	@Test
	void selectWhenFewerBackendsThanSlotsShouldStillFillEachSubset() {
		// 96 backends, subsets of 10: 10 slices of a round share 96 backends.
		List<String> backends = backends(96);
		for (long client = 0; client < 40; client++) {
			assertThat(subset(client, backends, 10)).hasSize(10);
		}
	}

	@Test
	void simulationShouldSpreadEvenlyCutProbeLoadAndChangeFewSubsets() {
		List<String> backends = backends(BACKENDS);
		List<Set<String>> subsets = subsets(backends, DeterministicSubsetTests::subset);
		Map<String, Integer> load = load(subsets);
		double mean = (double) CLIENTS * SIZE / BACKENDS;
		// Every backend is in between 0.9x and 1.1x of the mean number of subsets.
		assertThat(load).hasSize(BACKENDS);
		assertThat(load.values()).allSatisfy((count) -> assertThat(count).isBetween((int) Math.ceil(0.9 * mean),
				(int) Math.floor(1.1 * mean)));
		// Probe load per backend: each client probes its subset only, so every backend gets the
		// probes of at most 1.1 x 300 x 10 / 100 = 33 clients per interval instead of 300.
		assertThat(Collections.max(load.values())).isLessThanOrEqualTo((int) Math.floor(1.1 * CLIENTS * SIZE / BACKENDS));

		Churn removed = churnOnRemoval(backends, subsets, DeterministicSubsetTests::subset);
		Churn added = churnOnAddition(backends, subsets, DeterministicSubsetTests::subset);
		Churn bookRemoved = churnOnRemoval(backends, subsets(backends, DeterministicSubsetTests::book),
				DeterministicSubsetTests::book);
		System.out.printf("Subsetting, %d clients x %d backends, subsets of %d: load per backend %d..%d (mean %.0f, "
				+ "%d without subsetting); subsets changed by removing one backend: mean %.1f, worst %d (held it: %.0f; "
				+ "the SRE book's plain version: mean %.1f); by adding one: mean %.1f, worst %d%n", CLIENTS, BACKENDS, SIZE,
				Collections.min(load.values()), Collections.max(load.values()), mean, CLIENTS, removed.mean(),
				removed.worst(), mean, bookRemoved.mean(), added.mean(), added.worst());
		// At least the 30 clients that held the removed backend change; the book changes nearly all.
		assertThat(removed.worst()).isLessThanOrEqualTo(CLIENTS / 3);
		assertThat(added.worst()).isLessThanOrEqualTo(CLIENTS / 3);
		assertThat(bookRemoved.mean()).isGreaterThan(CLIENTS * 0.9);
	}

	@Test
	void simulationWhenIdsAreHashedShouldStillSpreadRoughlyEvenly() {
		List<String> backends = backends(BACKENDS);
		List<Set<String>> subsets = new ArrayList<>();
		for (int client = 0; client < CLIENTS; client++) {
			long ordinal = DeterministicSubset.ordinal("10.1." + (client / 200) + "." + (client % 200) + ":orders:8080");
			subsets.add(subset(ordinal, backends, SIZE));
		}
		Map<String, Integer> load = load(subsets);
		assertThat(load).hasSize(BACKENDS);
		// Random ordinals: as even as random placement, not exactly even.
		assertThat(load.values()).allSatisfy((count) -> assertThat(count).isBetween(10, 60));
	}

	private static Churn churnOnRemoval(List<String> backends, List<Set<String>> before,
			BiFunction<Long, List<String>, Set<String>> algorithm) {
		List<Integer> changes = new ArrayList<>();
		for (int removed = 0; removed < backends.size(); removed++) {
			List<String> fewer = new ArrayList<>(backends);
			fewer.remove(removed);
			changes.add(changed(before, subsets(fewer, algorithm)));
		}
		return Churn.of(changes);
	}

	private static Churn churnOnAddition(List<String> backends, List<Set<String>> before,
			BiFunction<Long, List<String>, Set<String>> algorithm) {
		List<Integer> changes = new ArrayList<>();
		for (int added = 0; added < 20; added++) {
			List<String> more = new ArrayList<>(backends);
			more.add("10.9.0." + (added + 1) + ":8080");
			changes.add(changed(before, subsets(more, algorithm)));
		}
		return Churn.of(changes);
	}

	private static int changed(List<Set<String>> before, List<Set<String>> after) {
		int changed = 0;
		for (int client = 0; client < before.size(); client++) {
			if (!before.get(client).equals(after.get(client))) {
				changed++;
			}
		}
		return changed;
	}

	private static List<Set<String>> subsets(List<String> backends,
			BiFunction<Long, List<String>, Set<String>> algorithm) {
		List<Set<String>> subsets = new ArrayList<>(CLIENTS);
		for (long client = 0; client < CLIENTS; client++) {
			subsets.add(algorithm.apply(client, backends));
		}
		return subsets;
	}

	private static Map<String, Integer> load(List<Set<String>> subsets) {
		Map<String, Integer> load = new HashMap<>();
		for (Set<String> subset : subsets) {
			for (String backend : subset) {
				load.merge(backend, 1, Integer::sum);
			}
		}
		return load;
	}

	private static Set<String> subset(long ordinal, List<String> backends) {
		return subset(ordinal, backends, SIZE);
	}

	private static Set<String> subset(long ordinal, List<String> backends, int size) {
		BitSet members = DeterministicSubset.select(ordinal, backends, size);
		Set<String> subset = new HashSet<>();
		members.stream().forEach((i) -> subset.add(backends.get(i)));
		return subset;
	}

	/**
	 * The SRE book's plain version, for comparison: shuffle with the round as seed, take the slice.
	 */
	private static Set<String> book(long client, List<String> backends) {
		int count = backends.size() / SIZE;
		List<String> shuffled = new ArrayList<>(backends);
		Collections.shuffle(shuffled, new Random(client / count));
		int slot = (int) (client % count);
		return new HashSet<>(shuffled.subList(slot * SIZE, slot * SIZE + SIZE));
	}

	private static List<String> backends(int count) {
		List<String> backends = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			backends.add("10.0." + (i / 250) + "." + (i % 250 + 1) + ":8080");
		}
		return backends;
	}

	private record Churn(double mean, int worst) {

		static Churn of(List<Integer> changes) {
			return new Churn(changes.stream().mapToInt(Integer::intValue).average().orElse(0),
					Collections.max(changes));
		}

	}

}
