package dev.clavier.internal.listener;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.listener.ListenerConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SubsetPolicy}: membership marked on the table's records after each change.
 */
class SubsetPolicyTests {

	private final EndpointTable table = new EndpointTable(2, 2);

	@Test
	void applyWhenSubsettingOffShouldKeepEveryRecordIn() {
		SubsetPolicy policy = new SubsetPolicy("backend", config(0, ""));
		EndpointTable.Change change = this.table.apply(endpoints(5));
		assertThat(policy.apply(this.table.records(), change.added())).isEqualTo(SubsetPolicy.Change.NONE);
		assertThat(this.table.records()).allSatisfy((record) -> assertThat(record.inSubset()).isTrue());
	}

	@Test
	void applyShouldMarkSizeRecordsInAndTheRestOutUnprobed() {
		SubsetPolicy policy = new SubsetPolicy("backend", config(2, "orders-1"));
		EndpointTable.Change change = this.table.apply(endpoints(6));
		SubsetPolicy.Change moved = policy.apply(this.table.records(), change.added());
		// Newly discovered records are neither entering nor leaving: they start where they belong.
		assertThat(moved.entered()).isEmpty();
		assertThat(moved.left()).isEmpty();
		assertThat(this.table.records()).filteredOn(EndpointRecord::inSubset).hasSize(2);
		assertThat(this.table.records()).filteredOn((record) -> !record.inSubset()).allSatisfy((record) -> {
			assertThat(record.state().inSubset()).isFalse();
			assertThat(record.state().cause()).contains("outside this instance's subset");
		});
	}

	@Test
	void applyWhenSetChangesShouldKeepHealthOfMembersThatStayAndForgetThatOfLeavers() {
		SubsetPolicy policy = new SubsetPolicy("backend", config(3, "orders-2"));
		List<Endpoint> all = endpoints(12);
		EndpointTable.Change found = this.table.apply(all);
		policy.apply(this.table.records(), found.added());
		assertThat(members()).hasSize(3);
		for (EndpointRecord record : this.table.records()) {
			if (record.inSubset()) {
				record.probed(true, Duration.ofMillis(1), null, Instant.EPOCH);
			}
		}
		List<Endpoint> before = members();
		// Drop one member: only it leaves the table; the others stay members with their health.
		List<Endpoint> fewer = new ArrayList<>(all);
		fewer.remove(before.get(0));
		EndpointTable.Change change = this.table.apply(fewer);
		SubsetPolicy.Change moved = policy.apply(this.table.records(), change.added());
		assertThat(members()).hasSize(3);
		assertThat(moved.entered()).isNotEmpty();
		for (EndpointRecord record : this.table.records()) {
			if (record.inSubset() && before.contains(record.endpoint())) {
				assertThat(record.status()).isEqualTo(HealthStatus.HEALTHY);
			}
		}
		for (EndpointRecord record : moved.left()) {
			assertThat(record.status()).isEqualTo(HealthStatus.UNKNOWN);
			assertThat(record.probed()).isFalse();
		}
		for (EndpointRecord record : moved.entered()) {
			assertThat(record.inSubset()).isTrue();
			assertThat(before).doesNotContain(record.endpoint());
		}
	}

	private List<Endpoint> members() {
		return this.table.records().stream().filter(EndpointRecord::inSubset).map(EndpointRecord::endpoint).toList();
	}

	private static ListenerConfig config(int size, String instanceId) {
		return ListenerConfig.builder(StaticDiscovery.of(Endpoint.of("127.0.0.1", 80))).subset(size, instanceId).build();
	}

	private static List<Endpoint> endpoints(int count) {
		List<Endpoint> endpoints = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			endpoints.add(Endpoint.of("127.0.0." + (i + 1), 8080));
		}
		return endpoints;
	}

}
