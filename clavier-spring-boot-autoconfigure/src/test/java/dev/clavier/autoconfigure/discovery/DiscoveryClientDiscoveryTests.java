package dev.clavier.autoconfigure.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.clavier.discovery.DiscoveryContext;
import dev.clavier.discovery.DiscoveryResult;
import dev.clavier.discovery.DiscoverySession;
import dev.clavier.endpoint.Endpoint;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DiscoveryClientDiscovery}.
 */
@ExtendWith(OutputCaptureExtension.class)
class DiscoveryClientDiscoveryTests {

	private static final String BAD_WEIGHT_WARNING = "has metadata weight: 'heavy' "
			+ "(expected: an integer in 0...65535); using weight 1";

	@Test
	void discoverShouldTakeEachInstancesWeightFromItsMetadata(CapturedOutput output) throws Exception {
		List<ServiceInstance> instances = new ArrayList<>();
		instances.add(instance("three", "127.0.0.1", Map.of("weight", "3", "zone", "z1")));
		instances.add(instance("zero", "127.0.0.2", Map.of("weight", "0")));
		instances.add(instance("none", "127.0.0.3", Map.of()));
		instances.add(instance("padded", "127.0.0.4", Map.of("weight", " 7 ")));
		instances.add(instance("bad", "127.0.0.5", Map.of("weight", "heavy")));
		instances.add(instance("negative", "127.0.0.6", Map.of("weight", "-2")));
		instances.add(instance("huge", "127.0.0.7", Map.of("weight", "65536")));
		DiscoveryClientDiscovery discovery = DiscoveryClientDiscovery.of(client(instances), "backend",
				Duration.ofSeconds(30));
		try (DiscoverySession session = discovery.open(context("backend"))) {
			List<Endpoint> endpoints = discover(session).endpoints();
			assertThat(endpoints).extracting(Endpoint::weight).containsExactly(3, 0, 1, 7, 1, 1, 1);
			assertThat(endpoints.get(0).attributes()).containsEntry("weight", "3").containsEntry("zone", "z1");
			assertThat(output).contains("[backend] instance bad (127.0.0.5:8080) " + BAD_WEIGHT_WARNING)
				.contains("metadata weight: '-2'").contains("metadata weight: '65536'");
			discover(session);
			// Once per session for each instance and value, not at every refresh.
			assertThat(output.toString().split(java.util.regex.Pattern.quote(BAD_WEIGHT_WARNING), -1)).hasSize(2);
		}
	}

	private static DiscoveryResult discover(DiscoverySession session) throws Exception {
		return session.discover().get(10, TimeUnit.SECONDS);
	}

	private static ServiceInstance instance(String id, String host, Map<String, String> metadata) {
		return new DefaultServiceInstance(id, "backend", host, 8080, false, metadata);
	}

	private static DiscoveryClient client(List<ServiceInstance> instances) {
		return new DiscoveryClient() {

			@Override
			public String description() {
				return "test";
			}

			@Override
			public List<ServiceInstance> getInstances(String serviceId) {
				return instances;
			}

			@Override
			public List<String> getServices() {
				return List.of("backend");
			}

		};
	}

	private static DiscoveryContext context(String listenerName) {
		return new DiscoveryContext() {

			@Override
			public String listenerName() {
				return listenerName;
			}

			@Override
			public ScheduledExecutorService executor() {
				throw new UnsupportedOperationException();
			}

			@Override
			public EventLoopGroup eventLoop() {
				throw new UnsupportedOperationException();
			}

			@Override
			public <T extends AutoCloseable> T shared(Object key, Class<T> type, Supplier<T> factory) {
				throw new UnsupportedOperationException();
			}

		};
	}

}
