package dev.clavier.internal.listener;

import java.time.Duration;
import java.time.Instant;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.endpoint.HealthTransition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EndpointRecord}: the health of one endpoint, its causes and history, alone.
 */
class EndpointRecordTests {

	private static final Endpoint ENDPOINT = Endpoint.of("127.0.0.1", 8080);

	private static final Duration LATENCY = Duration.ofMillis(3);

	private final EndpointRecord record = new EndpointRecord(ENDPOINT, 2, 2);

	@Test
	void stateWhenNewShouldBeUnknownAndNotProbed() {
		assertThat(this.record.state().status()).isEqualTo(HealthStatus.UNKNOWN);
		assertThat(this.record.state().cause()).isEqualTo("discovered, not probed yet");
		assertThat(this.record.probed()).isFalse();
	}

	@Test
	void probedWhenFirstShouldDecideAndSayWhy() {
		HealthTransition transition = this.record.probed(false, LATENCY, "HTTP 503", Instant.EPOCH);
		assertThat(transition).isNotNull();
		assertThat(transition.cause()).isEqualTo("first probe failed: HTTP 503");
		assertThat(this.record.state().lastError()).isEqualTo("HTTP 503");
		assertThat(this.record.state().latency()).isEqualTo(LATENCY);
		assertThat(this.record.probed()).isTrue();
	}

	@Test
	void probedWhenFallReachedShouldCountFailuresInCause() {
		this.record.probed(true, LATENCY, null, Instant.EPOCH);
		assertThat(this.record.probed(false, LATENCY, null, Instant.EPOCH)).isNull();
		assertThat(this.record.state().lastError()).isEqualTo("failed");
		HealthTransition down = this.record.probed(false, LATENCY, "refused", Instant.EPOCH);
		assertThat(down.cause()).isEqualTo("2 consecutive probe(s) failed: refused");
		assertThat(this.record.state().cause()).isEqualTo(down.cause());
	}

	@Test
	void ejectWhenHealthyShouldLeaveRotationUntilOnePassingProbe() {
		this.record.probed(true, LATENCY, null, Instant.EPOCH);
		this.record.callFailures.set(5);
		HealthTransition ejected = this.record.eject("5 consecutive call(s) failed", Instant.EPOCH);
		assertThat(ejected.to()).isEqualTo(HealthStatus.UNHEALTHY);
		assertThat(this.record.callFailures.get()).isZero();
		assertThat(this.record.eject("again", Instant.EPOCH)).isNull();
		assertThat(this.record.probed(true, LATENCY, null, Instant.EPOCH).to()).isEqualTo(HealthStatus.HEALTHY);
	}

	@Test
	void ejectWhenRemovedShouldDoNothing() {
		this.record.probed(true, LATENCY, null, Instant.EPOCH);
		this.record.remove();
		assertThat(this.record.eject("calls failed", Instant.EPOCH)).isNull();
		assertThat(this.record.status()).isEqualTo(HealthStatus.HEALTHY);
	}

	@Test
	void transitionsShouldKeepTheLastTen() {
		for (int i = 0; i < 12; i++) {
			this.record.probed(i % 2 == 0, LATENCY, null, Instant.ofEpochSecond(i));
			this.record.probed(i % 2 == 0, LATENCY, null, Instant.ofEpochSecond(i));
		}
		assertThat(this.record.state().transitions()).hasSize(10);
		assertThat(this.record.state().transitions().get(9).at()).isEqualTo(Instant.ofEpochSecond(11));
	}

	@Test
	void drainingShouldSayItLeftDiscovery() {
		this.record.probed(true, LATENCY, null, Instant.EPOCH);
		this.record.draining(true);
		assertThat(this.record.state().cause()).startsWith("left discovery");
		assertThat(this.record.state().status()).isEqualTo(HealthStatus.HEALTHY);
	}

}
