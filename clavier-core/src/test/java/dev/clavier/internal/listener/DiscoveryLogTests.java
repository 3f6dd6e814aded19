package dev.clavier.internal.listener;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DiscoveryLog}'s wording of failures: each stated once.
 */
class DiscoveryLogTests {

	@Test
	void failureWhenMessageNamesWhatWasLookedUpShouldNotRepeatIt() {
		DiscoveryLog log = new DiscoveryLog("backend", "backend.svc.test. A_AAAA via 127.0.0.1:53");
		assertThat(log.failure("dns lookup of backend.svc.test. A via 127.0.0.1:53 failed: timed out"))
			.isEqualTo("dns lookup of backend.svc.test. A via 127.0.0.1:53 failed: timed out");
	}

	@Test
	void failureWhenMessageDoesNotNameTheTargetShouldNameIt() {
		DiscoveryLog log = new DiscoveryLog("orders", "DiscoveryClient orders");
		assertThat(log.failure("connection refused"))
			.isEqualTo("discovery of DiscoveryClient orders failed: connection refused");
		DiscoveryLog srv = new DiscoveryLog("greeter", "_grpc._tcp.greeter.svc. SRV via 127.0.0.1:53");
		assertThat(srv.failure("dns lookup of host1.svc. A via 127.0.0.1:53 failed: SERVFAIL")).isEqualTo(
				"discovery of _grpc._tcp.greeter.svc. SRV via 127.0.0.1:53 failed: dns lookup of host1.svc. A via "
						+ "127.0.0.1:53 failed: SERVFAIL");
	}

}
