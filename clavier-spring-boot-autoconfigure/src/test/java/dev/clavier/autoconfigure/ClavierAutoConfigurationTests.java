package dev.clavier.autoconfigure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.clavier.Clavier;
import dev.clavier.discovery.Discovery;
import dev.clavier.discovery.DiscoveryContext;
import dev.clavier.discovery.DiscoveryResult;
import dev.clavier.discovery.DiscoverySession;
import dev.clavier.discovery.StaticDiscovery;
import dev.clavier.discovery.dns.DnsDiscovery;
import dev.clavier.discovery.dns.DnsRecordType;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.endpoint.EndpointState;
import dev.clavier.filter.Filter;
import dev.clavier.filter.Filters;
import dev.clavier.listener.AllDownPolicy;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.listener.OutlierDetection;
import dev.clavier.scout.HttpScout;
import dev.clavier.scout.Scout;
import dev.clavier.scout.Scouts;
import dev.clavier.scout.grpc.GrpcScout;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ClavierAutoConfiguration}.
 */
class ClavierAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClavierAutoConfiguration.class))
		.withPropertyValues("clavier.startup.wait=5s");

	@Test
	void runWithoutListenersShouldCreateEngineAndLifecycle() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(Clavier.class).hasSingleBean(ClavierLifecycle.class);
			assertThat(context.getBean(Clavier.class).listeners()).isEmpty();
		});
	}

	@Test
	void runWhenDisabledShouldNotCreateEngine() {
		this.contextRunner.withPropertyValues("clavier.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(Clavier.class)
				.doesNotHaveBean(ClavierLifecycle.class)
				.doesNotHaveBean(ClavierProperties.class));
	}

	@Test
	void runWhenUserDefinesEngineShouldUseIt() {
		this.contextRunner.withUserConfiguration(UserClavierConfiguration.class)
			.withPropertyValues(staticListener("backend", "127.0.0.1:8080"))
			.run((context) -> {
				assertThat(context).hasSingleBean(Clavier.class);
				assertThat(context.getBean(Clavier.class)).isSameAs(context.getBean("userClavier"));
				assertThat(context.getBean(Clavier.class).listener("backend")).isPresent();
			});
	}

	@Test
	void runWhenContextClosesShouldCloseEngine() {
		Clavier[] engine = new Clavier[1];
		this.contextRunner.withPropertyValues(staticListener("backend", "127.0.0.1:8080"))
			.run((context) -> engine[0] = context.getBean(Clavier.class));
		assertThat(engine[0].isClosed()).isTrue();
	}

	@Test
	void runWithStaticListenerShouldAddListenerAndWaitUntilReady() {
		this.contextRunner.withPropertyValues(staticListener("backend", "127.0.0.1:8080", "[::1]:8081"))
			.run((context) -> {
				Listener listener = context.getBean(Clavier.class).listener("backend").orElseThrow();
				assertThat(listener.whenReady()).isDone();
				assertThat(listener.endpoints()).extracting(EndpointState::endpoint)
					.containsExactlyInAnyOrder(Endpoint.of("127.0.0.1", 8080), Endpoint.of("::1", 8081));
				assertThat(listener.getEndpoint()).isIn(Endpoint.of("127.0.0.1", 8080), Endpoint.of("::1", 8081));
			});
	}

	@Test
	void runWhenLifecycleStopsShouldRemoveListeners() {
		this.contextRunner.withPropertyValues(staticListener("backend", "127.0.0.1:8080")).run((context) -> {
			Clavier clavier = context.getBean(Clavier.class);
			ClavierLifecycle lifecycle = context.getBean(ClavierLifecycle.class);
			lifecycle.stop();
			assertThat(clavier.listener("backend")).isEmpty();
			lifecycle.start();
			assertThat(clavier.listener("backend")).isPresent();
		});
	}

	@Test
	void runShouldBindEveryListenerProperty() {
		this.contextRunner.withPropertyValues("clavier.listeners.backend.discovery.model=dns",
				"clavier.listeners.backend.discovery.dns.name=backend.svc.test",
				"clavier.listeners.backend.discovery.dns.port=8080",
				"clavier.listeners.backend.discovery.dns.record-type=a-aaaa",
				"clavier.listeners.backend.discovery.dns.servers=127.0.0.1:5353,[::1]:5353",
				"clavier.listeners.backend.discovery.dns.min-ttl=2s", "clavier.listeners.backend.discovery.dns.max-ttl=90s",
				"clavier.listeners.backend.discovery.dns.query-timeout=750ms",
				"clavier.listeners.backend.discovery.timeout=3s", "clavier.listeners.backend.discovery.retry-min=200ms",
				"clavier.listeners.backend.discovery.retry-max=20s",
				"clavier.listeners.backend.discovery.clear-on-empty=true", "clavier.listeners.backend.scout.model=http",
				"clavier.listeners.backend.scout.interval=3s", "clavier.listeners.backend.scout.timeout=500ms",
				"clavier.listeners.backend.scout.rise=3", "clavier.listeners.backend.scout.fall=4",
				"clavier.listeners.backend.scout.jitter=0.2", "clavier.listeners.backend.scout.max-in-flight=16",
				"clavier.listeners.backend.scout.http.path=/health",
				"clavier.listeners.backend.scout.http.method=HEAD",
				"clavier.listeners.backend.scout.http.expected-statuses=200-299",
				"clavier.listeners.backend.scout.http.headers.X-Probe=clavier",
				"clavier.listeners.backend.scout.http.reuse-connection=false",
				"clavier.listeners.backend.scout.http.max-body-bytes=0",
				"clavier.listeners.backend.filter.model=random", "clavier.listeners.backend.ignore-health=true",
				"clavier.listeners.backend.all-down-policy=all",
				"clavier.listeners.backend.outlier-detection.consecutive-failures=7", "clavier.startup.wait=0",
				"clavier.io-threads=1")
			.run((context) -> {
				ListenerConfig config = context.getBean(ClavierLifecycle.class).getListenerConfigs().get("backend");
				assertThat(config.discovery()).isInstanceOfSatisfying(DnsDiscovery.class, (dns) -> {
					assertThat(dns.name()).isEqualTo("backend.svc.test");
					assertThat(dns.port()).isEqualTo(8080);
					assertThat(dns.recordType()).isEqualTo(DnsRecordType.A_AAAA);
					assertThat(dns.servers()).hasSize(2);
					assertThat(dns.minTtl()).isEqualTo(Duration.ofSeconds(2));
					assertThat(dns.maxTtl()).isEqualTo(Duration.ofSeconds(90));
					assertThat(dns.queryTimeout()).isEqualTo(Duration.ofMillis(750));
				});
				assertThat(config.scout()).isInstanceOf(HttpScout.class)
					.hasToString("http[HEAD /health, expected-statuses=200-299, max-body-bytes=0, "
							+ "new connection per probe, headers=[X-Probe]]");
				assertThat(config.filter()).isSameAs(Filters.random());
				assertThat(config.interval()).isEqualTo(Duration.ofSeconds(3));
				assertThat(config.timeout()).isEqualTo(Duration.ofMillis(500));
				assertThat(config.rise()).isEqualTo(3);
				assertThat(config.fall()).isEqualTo(4);
				assertThat(config.jitter()).isEqualTo(0.2);
				assertThat(config.maxProbesInFlight()).isEqualTo(16);
				assertThat(config.ignoreHealth()).isTrue();
				assertThat(config.allDownPolicy()).isEqualTo(AllDownPolicy.ALL);
				assertThat(config.clearOnEmpty()).isTrue();
				assertThat(config.discoveryTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(config.discoveryRetryMin()).isEqualTo(Duration.ofMillis(200));
				assertThat(config.discoveryRetryMax()).isEqualTo(Duration.ofSeconds(20));
				assertThat(config.outlierFailures()).isEqualTo(7);
			});
	}

	@Test
	void runWhenEjectionAndPanicKeysSetShouldBindThem() {
		String at = "clavier.listeners.backend.";
		this.contextRunner.withPropertyValues(at + "discovery.dns.port=8080",
				at + "outlier-detection.base-ejection-time=10s", at + "outlier-detection.max-ejection-time=2m",
				at + "outlier-detection.max-ejection-percent=20",
				at + "outlier-detection.failure-percentage.threshold=80",
				at + "outlier-detection.failure-percentage.minimum-calls=20",
				at + "outlier-detection.failure-percentage.window=30s", at + "panic-threshold=40",
				"clavier.startup.wait=0")
			.run((context) -> {
				ListenerConfig config = context.getBean(ClavierLifecycle.class).getListenerConfigs().get("backend");
				assertThat(config.outlierDetection()).isEqualTo(new OutlierDetection(Duration.ofSeconds(10),
						Duration.ofMinutes(2), 20, 80, 20, Duration.ofSeconds(30)));
				assertThat(config.panicThreshold()).isEqualTo(40);
			});
	}

	@Test
	void runWhenEjectionAndPanicKeysNotSetShouldUseTheEngineDefaults() {
		this.contextRunner.withPropertyValues("clavier.listeners.backend.discovery.dns.port=8080", "clavier.startup.wait=0")
			.run((context) -> {
				ListenerConfig config = context.getBean(ClavierLifecycle.class).getListenerConfigs().get("backend");
				assertThat(config.outlierDetection()).isEqualTo(OutlierDetection.defaults());
				assertThat(config.panicThreshold()).isZero();
			});
	}

	@Test
	void runWhenStateDependentIntervalsSetShouldBindThem() {
		this.contextRunner.withPropertyValues("clavier.listeners.backend.discovery.dns.port=8080",
				"clavier.listeners.backend.scout.interval=4s", "clavier.listeners.backend.scout.fast-interval=500ms",
				"clavier.listeners.backend.scout.down-interval=10s", "clavier.startup.wait=0")
			.run((context) -> {
				ListenerConfig config = context.getBean(ClavierLifecycle.class).getListenerConfigs().get("backend");
				assertThat(config.interval()).isEqualTo(Duration.ofSeconds(4));
				assertThat(config.fastInterval()).isEqualTo(Duration.ofMillis(500));
				assertThat(config.downInterval()).isEqualTo(Duration.ofSeconds(10));
			});
	}

	@Test
	void runWhenOnlyIntervalSetShouldDeriveFastAndDownIntervals() {
		this.contextRunner.withPropertyValues("clavier.listeners.backend.discovery.dns.port=8080",
				"clavier.listeners.backend.scout.interval=2s", "clavier.listeners.backend.scout.timeout=1s",
				"clavier.startup.wait=0")
			.run((context) -> {
				ListenerConfig config = context.getBean(ClavierLifecycle.class).getListenerConfigs().get("backend");
				assertThat(config.fastInterval()).isEqualTo(Duration.ofMillis(500));
				assertThat(config.downInterval()).isEqualTo(Duration.ofSeconds(2));
			});
	}

	@Test
	void runWithDefaultsShouldUseEngineDefaults() {
		this.contextRunner.withPropertyValues("clavier.listeners.backend.discovery.dns.port=8080", "clavier.startup.wait=0")
			.run((context) -> {
				ListenerConfig config = context.getBean(ClavierLifecycle.class).getListenerConfigs().get("backend");
				ListenerConfig defaults = ListenerConfig.builder(config.discovery()).build();
				assertThat(config.discovery()).isInstanceOfSatisfying(DnsDiscovery.class,
						(dns) -> assertThat(dns.recordType()).isEqualTo(DnsRecordType.A));
				assertThat(config.scout().model()).isEqualTo("tcp");
				assertThat(config.filter()).isSameAs(Filters.roundRobin());
				assertThat(config).usingRecursiveComparison().ignoringFields("scout").isEqualTo(defaults);
			});
	}

	@Test
	void runWhenOutlierDetectionDisabledShouldTurnItOff() {
		this.contextRunner
			.withPropertyValues(staticListener("backend", "127.0.0.1:8080"))
			.withPropertyValues("clavier.listeners.backend.outlier-detection.enabled=false")
			.run((context) -> assertThat(
					context.getBean(ClavierLifecycle.class).getListenerConfigs().get("backend").outlierFailures())
				.isZero());
	}

	@Test
	void runWithCustomBeanModelsShouldUseTheBeans() {
		this.contextRunner.withUserConfiguration(CustomModelsConfiguration.class)
			.withPropertyValues("clavier.listeners.backend.discovery.model=fixedDiscovery",
					"clavier.listeners.backend.scout.model=alwaysHealthy",
					"clavier.listeners.backend.filter.model=firstFilter")
			.run((context) -> {
				ListenerConfig config = context.getBean(ClavierLifecycle.class).getListenerConfigs().get("backend");
				assertThat(config.discovery()).isSameAs(context.getBean("fixedDiscovery"));
				assertThat(config.scout()).isSameAs(context.getBean("alwaysHealthy"));
				assertThat(config.filter()).isSameAs(context.getBean("firstFilter"));
				Listener listener = context.getBean(Clavier.class).listener("backend").orElseThrow();
				assertThat(listener.getEndpoint()).isEqualTo(Endpoint.of("127.0.0.1", 9001));
			});
	}

	@Test
	void runWithRegisteredModelShouldPassItsOptionsFromProperties() {
		this.contextRunner.withPropertyValues(staticListener("backend", "127.0.0.1:8080"))
			.withPropertyValues("clavier.listeners.backend.scout.model=tagged",
					"clavier.listeners.backend.scout.options.foo=bar", "clavier.startup.wait=0")
			.run((context) -> {
				ListenerConfig config = context.getBean(ClavierLifecycle.class).getListenerConfigs().get("backend");
				assertThat(config.scout()).isInstanceOfSatisfying(TaggedScoutProvider.TaggedScout.class,
						(scout) -> assertThat(scout.foo()).isEqualTo("bar"));
			});
	}

	@Test
	void runWithBuiltInRegisteredModelShouldPassItsOptionsFromProperties() throws IOException {
		// The redis scout probes at once: a port nothing listens on.
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		this.contextRunner.withPropertyValues(staticListener("backend", "127.0.0.1:" + closedPort))
			.withPropertyValues("clavier.listeners.backend.scout.model=redis",
					"clavier.listeners.backend.scout.options.send=HELLO", "clavier.startup.wait=0")
			.run((context) -> assertThat(
					context.getBean(ClavierLifecycle.class).getListenerConfigs().get("backend").scout())
				.hasToString("tcp[send=5 bytes, expect='+PONG']"));
	}

	@Test
	void runWithRegisteredModelAndUnknownOptionShouldFailNamingTheOption() {
		this.contextRunner.withPropertyValues(staticListener("backend", "127.0.0.1:8080"))
			.withPropertyValues("clavier.listeners.backend.scout.model=tagged",
					"clavier.listeners.backend.scout.options.colour=red")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("unknown tagged option(s) [colour]");
				assertThat(clavierFailure(context.getStartupFailure())).satisfies((failure) -> {
					assertThat(failure.getProperty()).isEqualTo("clavier.listeners.backend.scout.options.colour");
					assertThat(failure.getMessage()).contains("clavier.listeners.backend.scout.options");
					assertThat(failure.getExpected()).isEqualTo("an option the tagged model reads: foo");
				});
			});
	}

	@Test
	void runWithOptionsForBuiltInModelShouldFailNamingThem() {
		this.contextRunner.withPropertyValues(staticListener("backend", "127.0.0.1:8080"))
			.withPropertyValues("clavier.listeners.backend.scout.options.foo=bar")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(clavierFailure(context.getStartupFailure())).satisfies((failure) -> {
					assertThat(failure.getProperty()).isEqualTo("clavier.listeners.backend.scout.options");
					assertThat(failure.getValue()).isEqualTo("[foo]");
					assertThat(failure.getReason()).contains("'none' is built in");
				});
			});
	}

	@Test
	void runWithOptionsForBeanModelShouldFailNamingThem() {
		this.contextRunner.withUserConfiguration(CustomModelsConfiguration.class)
			.withPropertyValues("clavier.listeners.backend.discovery.model=fixedDiscovery",
					"clavier.listeners.backend.discovery.options.port=80")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(clavierFailure(context.getStartupFailure())).satisfies((failure) -> {
					assertThat(failure.getProperty()).isEqualTo("clavier.listeners.backend.discovery.options");
					assertThat(failure.getReason()).contains("'fixedDiscovery' is a Discovery bean");
				});
			});
	}

	@Test
	void runWithEngineRuleBrokenShouldNameThePropertyThatSetTheOption() {
		this.contextRunner
			.withPropertyValues("clavier.listeners.backend.discovery.dns.port=80",
					"clavier.listeners.backend.discovery.dns.query-timeout=0s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(clavierFailure(context.getStartupFailure())).satisfies((failure) -> {
					assertThat(failure.getProperty())
						.isEqualTo("clavier.listeners.backend.discovery.dns.query-timeout");
					assertThat(failure.getValue()).isEqualTo("0s");
					assertThat(failure.getExpected()).isEqualTo("> 0");
				});
			});
	}

	@Test
	void runWithDiscoveryClientModelShouldUseTheDiscoveryClient() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(UtilAutoConfiguration.class, SimpleDiscoveryClientAutoConfiguration.class))
			.withPropertyValues("clavier.listeners.backend.discovery.model=discovery-client",
					"clavier.listeners.backend.discovery.discovery-client.service-id=orders",
					"clavier.listeners.backend.scout.model=none",
					"spring.cloud.discovery.client.simple.instances.orders[0].uri=http://127.0.0.1:8081",
					"spring.cloud.discovery.client.simple.instances.orders[1].uri=http://127.0.0.2:8082")
			.run((context) -> {
				Listener listener = context.getBean(Clavier.class).listener("backend").orElseThrow();
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(listener.selection().endpoints()).containsExactlyInAnyOrder(
							Endpoint.of("127.0.0.1", 8081), Endpoint.of("127.0.0.2", 8082)));
				assertThat(listener.discoveryState().target()).isEqualTo("DiscoveryClient orders");
			});
	}

	@Test
	void runWithDiscoveryClientModelWithoutDiscoveryClientShouldFail() {
		this.contextRunner.withPropertyValues("clavier.listeners.backend.discovery.model=discovery-client")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(ClavierConfigurationException.class)
					.hasMessageContaining("clavier.listeners.backend.discovery.model");
			});
	}

	@Test
	void runWithoutGrpcShouldStartHttpListeners() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.grpc"))
			.withPropertyValues(staticListener("backend", "127.0.0.1:8080"))
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(Clavier.class));
	}

	@Test
	void runWithGrpcScoutWithoutGrpcShouldFailNamingTheProperty() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.grpc"))
			.withPropertyValues("clavier.listeners.backend.discovery.model=static",
					"clavier.listeners.backend.discovery.static.endpoints=127.0.0.1:8080",
					"clavier.listeners.backend.scout.model=grpc")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(ClavierConfigurationException.class)
					.hasMessageContaining("clavier.listeners.backend.scout.model")
					.hasMessageContaining("the grpc scout is not on the class path (missing io.grpc.ManagedChannel")
					.hasMessageNotContaining("GrpcScoutProvider")
					.satisfies((ex) -> assertThat(((ClavierConfigurationException) ex).getAction())
						.startsWith("add the dependency dev.clavier:clavier-grpc"));
			});
	}

	@Test
	void runWithGrpcScoutWithoutGrpcModuleShouldNameTheModule() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("dev.clavier.scout.grpc"))
			.withPropertyValues("clavier.listeners.backend.discovery.model=static",
					"clavier.listeners.backend.discovery.static.endpoints=127.0.0.1:8080",
					"clavier.listeners.backend.scout.model=grpc")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(ClavierConfigurationException.class)
					.hasMessageContaining("clavier.listeners.backend.scout.model")
					.hasMessageContaining("missing dev.clavier.scout.grpc.GrpcScoutProvider)")
					.satisfies((ex) -> assertThat(((ClavierConfigurationException) ex).getAction()).isEqualTo(
							"add the dependency dev.clavier:clavier-grpc (same version as the starter; it brings gRPC), "
									+ "or use another scout model"));
			});
	}

	@Test
	void runWithGrpcScoutShouldCreateIt() {
		this.contextRunner
			.withPropertyValues("clavier.listeners.backend.discovery.model=static",
					"clavier.listeners.backend.discovery.static.endpoints=127.0.0.1:8080",
					"clavier.listeners.backend.scout.model=grpc",
					"clavier.listeners.backend.scout.grpc.service=orders.v1.Orders", "clavier.startup.wait=0")
			.run((context) -> assertThat(
					context.getBean(ClavierLifecycle.class).getListenerConfigs().get("backend").scout().model())
				.isEqualTo("grpc"));
	}

	@Test
	void runWithGrpcScoutShouldWatchUnlessModeSaysCheck() {
		this.contextRunner
			.withPropertyValues("clavier.listeners.backend.discovery.model=static",
					"clavier.listeners.backend.discovery.static.endpoints=127.0.0.1:8080",
					"clavier.listeners.backend.scout.model=grpc", "clavier.listeners.polled.discovery.model=static",
					"clavier.listeners.polled.discovery.static.endpoints=127.0.0.1:8080",
					"clavier.listeners.polled.scout.model=grpc", "clavier.listeners.polled.scout.grpc.mode=check",
					"clavier.startup.wait=0")
			.run((context) -> {
				Map<String, ListenerConfig> configs = context.getBean(ClavierLifecycle.class).getListenerConfigs();
				assertThat(((GrpcScout) configs.get("backend").scout()).mode()).isEqualTo(GrpcScout.Mode.WATCH);
				assertThat(((GrpcScout) configs.get("polled").scout()).mode()).isEqualTo(GrpcScout.Mode.CHECK);
			});
	}

	@Test
	void runWithUnknownGrpcModeShouldFailNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("clavier.listeners.backend.discovery.model=static",
					"clavier.listeners.backend.discovery.static.endpoints=127.0.0.1:8080",
					"clavier.listeners.backend.scout.model=grpc", "clavier.listeners.backend.scout.grpc.mode=poll",
					"clavier.startup.wait=0")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(clavierFailure(context.getStartupFailure()))
					.hasMessageContaining("clavier.listeners.backend.scout.grpc.mode")
					.hasMessageContaining("watch or check");
			});
	}

	@Test
	void runWithStartupWaitZeroShouldNotWait() {
		this.contextRunner.withUserConfiguration(CustomModelsConfiguration.class)
			.withPropertyValues("clavier.listeners.backend.discovery.model=neverAnswers", "clavier.startup.wait=0")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(Clavier.class).listener("backend").orElseThrow().whenReady()).isNotDone();
			});
	}

	@Test
	void runWhenListenerIsNotReadyInTimeShouldStartAnyway() {
		this.contextRunner.withUserConfiguration(CustomModelsConfiguration.class)
			.withPropertyValues("clavier.listeners.backend.discovery.model=neverAnswers", "clavier.startup.wait=100ms")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(ClavierLifecycle.class));
	}

	private static ClavierConfigurationException clavierFailure(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof ClavierConfigurationException clavier) {
				return clavier;
			}
		}
		throw new AssertionError("no ClavierConfigurationException in " + failure);
	}

	static String[] staticListener(String id, String... endpoints) {
		return new String[] { "clavier.listeners." + id + ".discovery.model=static",
				"clavier.listeners." + id + ".discovery.static.endpoints=" + String.join(",", endpoints),
				"clavier.listeners." + id + ".scout.model=none" };
	}

	@Configuration(proxyBeanMethods = false)
	static class UserClavierConfiguration {

		@Bean(destroyMethod = "close")
		Clavier userClavier() {
			return Clavier.builder().ioThreads(1).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomModelsConfiguration {

		@Bean
		Discovery fixedDiscovery() {
			return StaticDiscovery.of(Endpoint.of("127.0.0.1", 9001), Endpoint.of("127.0.0.1", 9002));
		}

		@Bean
		Discovery neverAnswers() {
			return new Discovery() {

				@Override
				public String model() {
					return "never-answers";
				}

				@Override
				public DiscoverySession open(DiscoveryContext context) {
					return new DiscoverySession() {

						@Override
						public CompletableFuture<DiscoveryResult> discover() {
							return new CompletableFuture<>();
						}

						@Override
						public String target() {
							return "nothing";
						}

					};
				}

			};
		}

		@Bean
		Scout alwaysHealthy() {
			return Scouts.none();
		}

		@Bean
		Filter firstFilter() {
			return new Filter() {

				@Override
				public String model() {
					return "first";
				}

				@Override
				public dev.clavier.filter.EndpointSelector selector(List<Endpoint> endpoints) {
					return () -> 0;
				}

			};
		}

	}

}
