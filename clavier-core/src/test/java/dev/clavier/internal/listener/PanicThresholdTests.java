package dev.clavier.internal.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.clavier.Clavier;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.HealthStatus;
import dev.clavier.listener.AllDownPolicy;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.listener.NoHealthyEndpointException;
import dev.clavier.scout.HttpScout;
import dev.clavier.test.TestHttpBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link PanicThreshold}: the rule, and a listener over real HTTP backends on
 * 127.0.0.1 whose health the tests flip.
 */
class PanicThresholdTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final Clavier clavier = Clavier.create();

	private final List<TestHttpBackend> backends = new ArrayList<>();

	@AfterEach
	void close() {
		this.clavier.close();
		this.backends.forEach(TestHttpBackend::close);
	}

	@Test
	void reasonShouldPanicOnlyBelowTheShareOfProbedEndpoints() {
		assertThat(PanicThreshold.reason(0, 0, 4)).isNull();
		assertThat(PanicThreshold.reason(50, 2, 4)).isNull();
		assertThat(PanicThreshold.reason(50, 1, 4))
			.isEqualTo("panic: 1 of 4 probed endpoint(s) healthy, below the panic threshold of 50%");
		assertThat(PanicThreshold.reason(50, 0, 4)).isNotNull();
		// Nothing probed yet: no panic before the first probes.
		assertThat(PanicThreshold.reason(50, 0, 0)).isNull();
		assertThat(PanicThreshold.reason(100, 3, 4)).isNotNull();
	}

	private Listener listener(int backends, int panicThreshold, AllDownPolicy allDownPolicy) throws Exception {
		List<Endpoint> endpoints = new ArrayList<>();
		for (int i = 0; i < backends; i++) {
			TestHttpBackend backend = TestHttpBackend.start("127.0.0.1", 0);
			this.backends.add(backend);
			endpoints.add(Endpoint.of("127.0.0.1", backend.port()));
		}
		Listener listener = this.clavier.addListener("svc", ListenerConfig.builder(StaticDiscovery.of(endpoints))
			.scout(HttpScout.builder().path(TestHttpBackend.DEFAULT_HEALTH_PATH).build())
			.interval(Duration.ofMillis(200))
			.timeout(Duration.ofMillis(150))
			.rise(1)
			.fall(1)
			.panicThreshold(panicThreshold)
			.allDownPolicy(allDownPolicy)
			.build());
		assertThat(listener.awaitReady(WAIT)).isTrue();
		await().atMost(WAIT).until(() -> listener.snapshot().count(HealthStatus.HEALTHY) == backends);
		return listener;
	}

	@Test
	void selectionWhenHealthyShareFallsBelowThresholdShouldPanicAndReleaseWhenItRises() throws Exception {
		Listener listener = listener(4, 50, AllDownPolicy.FAIL);
		this.backends.get(0).healthStatus(503);
		this.backends.get(1).healthStatus(503);
		await().atMost(WAIT).until(() -> listener.snapshot().count(HealthStatus.HEALTHY) == 2);
		// 2 of 4 is not below 50%: healthy endpoints only.
		assertThat(listener.selection().isFallback()).isFalse();
		assertThat(listener.selection().size()).isEqualTo(2);
		this.backends.get(2).healthStatus(503);
		await().atMost(WAIT).until(() -> listener.snapshot().count(HealthStatus.HEALTHY) == 1);
		assertThat(listener.snapshot().isFallback()).isTrue();
		assertThat(listener.snapshot().fallbackReason())
			.isEqualTo("panic: 1 of 4 probed endpoint(s) healthy, below the panic threshold of 50%");
		assertThat(listener.selection().size()).isEqualTo(4);
		// Every endpoint is picked, the unhealthy ones too.
		List<Endpoint> picked = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			picked.add(listener.getEndpoint());
		}
		assertThat(picked).containsAll(listener.selection().endpoints());
		this.backends.get(2).healthStatus(200);
		await().atMost(WAIT).until(() -> listener.snapshot().count(HealthStatus.HEALTHY) == 2);
		assertThat(listener.snapshot().isFallback()).isFalse();
		assertThat(listener.snapshot().fallbackReason()).isNull();
		assertThat(listener.selection().size()).isEqualTo(2);
	}

	@Test
	void selectionWhenNoneHealthyAndPanicThresholdSetShouldPanicEvenWithAllDownPolicyFail() throws Exception {
		Listener listener = listener(2, 50, AllDownPolicy.FAIL);
		this.backends.forEach((backend) -> backend.healthStatus(503));
		await().atMost(WAIT).until(() -> listener.snapshot().count(HealthStatus.UNHEALTHY) == 2);
		assertThat(listener.snapshot().fallbackReason()).startsWith("panic: 0 of 2");
		assertThat(listener.getEndpoint()).isNotNull();
	}

	@Test
	void selectionWhenPanicThresholdOffShouldLeaveAllDownPolicyToDecide() throws Exception {
		Listener listener = listener(2, 0, AllDownPolicy.FAIL);
		this.backends.get(0).healthStatus(503);
		await().atMost(WAIT).until(() -> listener.snapshot().count(HealthStatus.HEALTHY) == 1);
		assertThat(listener.selection().isFallback()).isFalse();
		this.backends.get(1).healthStatus(503);
		await().atMost(WAIT).until(() -> listener.snapshot().count(HealthStatus.HEALTHY) == 0);
		assertThatExceptionOfType(NoHealthyEndpointException.class).isThrownBy(listener::getEndpoint);
	}

}
