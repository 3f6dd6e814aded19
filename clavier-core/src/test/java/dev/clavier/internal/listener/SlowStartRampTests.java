package dev.clavier.internal.listener;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.endpoint.HealthTransition;
import dev.clavier.filter.SlowStart;
import dev.clavier.model.NamedThreadFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link SlowStartRamp}: which endpoints ramp, and the weights selectors are made over.
 */
class SlowStartRampTests {

	private static final Duration LATENCY = Duration.ofMillis(1);

	private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1,
			new NamedThreadFactory("test-scheduler"));

	private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

	private final AtomicBoolean ready = new AtomicBoolean();

	private final AtomicInteger republished = new AtomicInteger();

	private final SlowStartRamp ramp = new SlowStartRamp("backend", SlowStart.of(Duration.ofMinutes(10)),
			this.scheduler, this.clock, this.ready::get, this.republished::incrementAndGet);

	@AfterEach
	void stop() {
		this.ramp.close();
		this.scheduler.shutdownNow();
	}

	@Test
	void transitionedWhenFoundHealthyInFirstRoundShouldNotRamp() {
		EndpointRecord record = record("127.0.0.1", 1);
		this.ramp.transitioned(record, record.probed(true, LATENCY, null, this.clock.instant()));
		assertThat(this.ramp.isRamping()).isFalse();
		assertThat(record.state().effectiveWeight()).isEqualTo(1.0);
	}

	@Test
	void transitionedWhenHealthyAfterFirstRoundShouldRampFromTheFloor() {
		this.ready.set(true);
		EndpointRecord record = record("127.0.0.1", 3);
		this.ramp.transitioned(record, record.probed(true, LATENCY, null, this.clock.instant()));
		assertThat(this.ramp.isRamping()).isTrue();
		assertThat(record.state().effectiveWeight()).isCloseTo(0.3, within(1e-9));
	}

	@Test
	void transitionedWhenRecoveredShouldRampAndWhenDownAgainShouldStop() {
		EndpointRecord record = record("127.0.0.1", 2);
		record.probed(true, LATENCY, null, this.clock.instant());
		record.probed(false, LATENCY, null, this.clock.instant());
		HealthTransition down = record.probed(false, LATENCY, null, this.clock.instant());
		assertThat(down.to()).isEqualTo(HealthStatus.UNHEALTHY);
		this.ramp.transitioned(record, down);
		record.probed(true, LATENCY, null, this.clock.instant());
		HealthTransition up = record.probed(true, LATENCY, null, this.clock.instant());
		this.ramp.transitioned(record, up);
		assertThat(this.ramp.isRamping()).isTrue();
		assertThat(record.rampFactor()).isEqualTo(0.1);
		this.ramp.transitioned(record, record.eject("calls failed", this.clock.instant()));
		assertThat(this.ramp.isRamping()).isFalse();
		assertThat(record.rampFactor()).isEqualTo(1.0);
		assertThat(record.state().effectiveWeight()).isEqualTo(2.0);
	}

	@Test
	void weighWhenOneRampsShouldScaleEveryWeightAndRampItsOwn() {
		this.ready.set(true);
		EndpointRecord steady = record("127.0.0.1", 1);
		EndpointRecord zero = record("127.0.0.2", 0);
		EndpointRecord ramping = record("127.0.0.3", 4);
		List<Endpoint> pickable = List.of(steady.endpoint(), zero.endpoint(), ramping.endpoint());
		assertThat(this.ramp.weigh(pickable)).isSameAs(pickable);
		this.ramp.transitioned(ramping, ramping.probed(true, LATENCY, null, this.clock.instant()));
		List<Endpoint> weighted = this.ramp.weigh(pickable);
		assertThat(weighted).extracting(Endpoint::weight).containsExactly(20, 0, 8);
		assertThat(weighted).extracting(Endpoint::address)
			.containsExactly("127.0.0.1:8080", "127.0.0.2:8080", "127.0.0.3:8080");
		this.ramp.removed(ramping);
		assertThat(this.ramp.weigh(pickable)).isSameAs(pickable);
	}

	@Test
	void scaledShouldKeepAPositiveWeightAboveZero() {
		assertThat(SlowStartRamp.scaled(1, 0.0)).isEqualTo(1);
		assertThat(SlowStartRamp.scaled(0, 1.0)).isZero();
		assertThat(SlowStartRamp.scaled(65535, 1.0)).isEqualTo(1_310_700);
		assertThat(SlowStartRamp.scaled(3, 0.5)).isEqualTo(30);
		assertThat(SlowStartRamp.scaled(1, 0.12)).isEqualTo(2);
	}

	@Test
	void stepNanosShouldBeAHundredthOfTheWindowWithinBounds() {
		assertThat(SlowStartRamp.stepNanos(Duration.ofSeconds(30))).isEqualTo(Duration.ofMillis(300).toNanos());
		assertThat(SlowStartRamp.stepNanos(Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(50).toNanos());
		assertThat(SlowStartRamp.stepNanos(Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(1).toNanos());
	}

	private static EndpointRecord record(String host, int weight) {
		return new EndpointRecord(new Endpoint(host, 8080, weight, Map.of()), 2, 2);
	}

}
