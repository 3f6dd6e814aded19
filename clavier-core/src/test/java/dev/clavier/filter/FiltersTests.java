package dev.clavier.filter;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import dev.clavier.Clavier;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.scout.Scouts;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Filters} and the built-in filters.
 */
class FiltersTests {

	private static List<Endpoint> endpoints(int count) {
		return IntStream.rangeClosed(1, count).mapToObj((i) -> Endpoint.of("127.0.0." + i, 8080)).toList();
	}

	@Test
	void roundRobinShouldVisitEveryEndpointEvenly() {
		EndpointSelector selector = Filters.roundRobin().selector(endpoints(7));
		Map<Integer, Integer> counts = new HashMap<>();
		for (int i = 0; i < 7000; i++) {
			counts.merge(selector.select(), 1, Integer::sum);
		}
		assertThat(counts).hasSize(7).allSatisfy((index, count) -> assertThat(count).isEqualTo(1000));
	}

	@Test
	void roundRobinShouldTakeConsecutiveIndexes() {
		EndpointSelector selector = Filters.roundRobin().selector(endpoints(3));
		int first = selector.select();
		assertThat(selector.select()).isEqualTo((first + 1) % 3);
		assertThat(selector.select()).isEqualTo((first + 2) % 3);
	}

	@Test
	void roundRobinShouldSurviveCounterOverflow() {
		RoundRobinFilter.Selector selector = new RoundRobinFilter.Selector(3, Integer.MAX_VALUE - 1);
		for (int i = 0; i < 10; i++) {
			assertThat(selector.select()).isBetween(0, 2);
		}
	}

	@Test
	void roundRobinShouldStartAtRandomOffsets() {
		List<Endpoint> list = endpoints(50);
		long distinctStarts = IntStream.range(0, 50)
			.map((i) -> Filters.roundRobin().selector(list).select())
			.distinct()
			.count();
		// 50 draws over 50 offsets: all equal would mean no randomness (chance 50^-49).
		assertThat(distinctStarts).isGreaterThan(1);
	}

	@Test
	void selectorWhenSingleEndpointShouldAlwaysReturnIt() {
		assertThat(Filters.roundRobin().selector(endpoints(1)).select()).isZero();
		assertThat(Filters.random().selector(endpoints(1)).select()).isZero();
	}

	@Test
	void randomShouldStayInRange() {
		EndpointSelector selector = Filters.random().selector(endpoints(4));
		for (int i = 0; i < 1000; i++) {
			assertThat(selector.select()).isBetween(0, 3);
		}
	}

	@Test
	void roundRobinWhenListenerHasStaticWeightsShouldPickByThem() throws Exception {
		try (Clavier clavier = Clavier.create()) {
			Listener listener = clavier.addListener("weighted", ListenerConfig
				.builder(StaticDiscovery.parse(0, List.of("127.0.0.1:8081;weight=1", "127.0.0.1:8082;weight=9")))
				.scout(Scouts.none())
				.build());
			assertThat(listener.awaitReady(Duration.ofSeconds(10))).isTrue();
			Map<Integer, Integer> counts = new HashMap<>();
			for (int i = 0; i < 1000; i++) {
				counts.merge(listener.getEndpoint().port(), 1, Integer::sum);
			}
			assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of(8081, 100, 8082, 900));
		}
	}

	@Test
	void createShouldFindBuiltInAndServiceLoadedModels() {
		assertThat(Filters.create("round-robin", Map.of())).isSameAs(Filters.roundRobin());
		assertThat(Filters.create("random", Map.of())).isSameAs(Filters.random());
		assertThat(Filters.create("first", Map.of()).model()).isEqualTo("first");
		assertThat(Filters.models()).contains("first", "random", "round-robin");
	}

	@Test
	void createWhenUnknownShouldListKnownModels() {
		assertThatIllegalArgumentException().isThrownBy(() -> Filters.create("fastest", Map.of()))
			.withMessage("unknown filter model 'fastest' (expected one of: first, least-request, random, round-robin)");
	}

	@Test
	void createWhenOptionsGivenToOptionlessFilterShouldFail() {
		assertThatIllegalArgumentException().isThrownBy(() -> Filters.create("random", Map.of("seed", "1")))
			.withMessage("filter 'random' takes no options, got [seed]");
	}

}
