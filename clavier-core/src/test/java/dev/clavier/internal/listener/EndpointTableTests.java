package dev.clavier.internal.listener;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.HealthStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EndpointTable}: the diff of discovery answers, alone.
 */
class EndpointTableTests {

	private static final Endpoint A = Endpoint.of("127.0.0.2", 8080);

	private static final Endpoint B = Endpoint.of("127.0.0.1", 8080);

	private static final Endpoint C = Endpoint.of("127.0.0.1", 9090);

	private final EndpointTable table = new EndpointTable(2, 2);

	@Test
	void applyWhenNewShouldAddInAddressOrderAndIndex() {
		EndpointTable.Change change = this.table.apply(List.of(A, C, B, B));
		assertThat(change.addedEndpoints()).containsExactly(B, C, A);
		assertThat(change.removed()).isEmpty();
		assertThat(this.table.records()).extracting(EndpointRecord::endpoint).containsExactly(B, C, A);
		assertThat(this.table.find(A)).isSameAs(change.added().get(2));
	}

	@Test
	void applyWhenSameSetShouldChangeNothing() {
		this.table.apply(List.of(A, B));
		assertThat(this.table.apply(List.of(B, A)).isEmpty()).isTrue();
	}

	@Test
	void applyWhenEndpointLeftShouldRetireItAndDropItFromIndex() {
		EndpointRecord a = this.table.apply(List.of(A, B)).added().get(1);
		EndpointTable.Change change = this.table.apply(List.of(B));
		assertThat(change.removed()).containsExactly(a);
		assertThat(a.isRemoved()).isTrue();
		assertThat(this.table.find(A)).isNull();
		assertThat(this.table.size()).isEqualTo(1);
	}

	@Test
	void applyWhenWeightChangesShouldKeepRecordAndHealth() {
		EndpointRecord a = this.table.apply(List.of(A)).added().get(0);
		a.probed(true, Duration.ofMillis(1), null, Instant.EPOCH);
		Endpoint heavier = A.withWeight(5);
		EndpointTable.Change change = this.table.apply(List.of(heavier));
		assertThat(change.updated()).isTrue();
		assertThat(change.added()).isEmpty();
		assertThat(a.endpoint()).isEqualTo(heavier);
		assertThat(a.status()).isEqualTo(HealthStatus.HEALTHY);
		assertThat(this.table.find(heavier)).isSameAs(a);
	}

	@Test
	void clearShouldRetireEverything() {
		List<EndpointRecord> records = this.table.apply(List.of(A, B)).added();
		assertThat(this.table.clear()).containsExactlyInAnyOrderElementsOf(records);
		assertThat(records).allMatch(EndpointRecord::isRemoved);
		assertThat(this.table.isEmpty()).isTrue();
		assertThat(this.table.find(A)).isNull();
	}

}
