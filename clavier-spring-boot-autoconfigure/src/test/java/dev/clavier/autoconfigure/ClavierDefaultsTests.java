package dev.clavier.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.clavier.listener.AllDownPolicy;
import dev.clavier.listener.ListenerConfig;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.commons.config.CommonsConfigAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@code clavier.defaults.*}: every listener inherits each key it does not set.
 */
class ClavierDefaultsTests {

	private static final String D = "clavier.defaults.";

	private static final String B = "clavier.listeners.backend.";

	private static final String O = "clavier.listeners.other.";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CommonsConfigAutoConfiguration.class, ClavierAutoConfiguration.class))
		.withPropertyValues("clavier.startup.wait=0");

	@Test
	void listenerShouldOverrideOneKeyAndInheritTheOthers() {
		this.contextRunner
			.withPropertyValues(D + "discovery.model=static", D + "scout.model=http", D + "scout.interval=3s",
					D + "scout.rise=3", D + "scout.http.path=/health", D + "scout.http.headers.X-From=defaults",
					D + "all-down-policy=all", B + "discovery.static.endpoints=127.0.0.1:1", B + "scout.rise=5",
					B + "scout.http.headers.X-Token=backend")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ClavierProperties.Listener backend = context.getBean(ClavierProperties.class)
					.getListeners()
					.get("backend");
				assertThat(backend.getScout().getRise()).isEqualTo(5);
				assertThat(backend.getScout().getInterval()).isEqualTo(Duration.ofSeconds(3));
				assertThat(backend.getScout().getModel()).isEqualTo("http");
				assertThat(backend.getScout().getHttp().getPath()).isEqualTo("/health");
				assertThat(backend.getScout().getHttp().getHeaders())
					.isEqualTo(Map.of("X-From", "defaults", "X-Token", "backend"));
				assertThat(backend.getAllDownPolicy()).isEqualTo(AllDownPolicy.ALL);
				// Keys set nowhere keep the built-in defaults, the field initialisers.
				assertThat(backend.getScout().getFall()).isEqualTo(2);
				assertThat(backend.getScout().getTimeout()).isEqualTo(Duration.ofSeconds(2));
				// What the engine gets.
				ListenerConfig config = context.getBean(ClavierLifecycle.class).getListenerConfigs().get("backend");
				assertThat(config.interval()).isEqualTo(Duration.ofSeconds(3));
				assertThat(config.rise()).isEqualTo(5);
				assertThat(config.allDownPolicy()).isEqualTo(AllDownPolicy.ALL);
			});
	}

	@Test
	void listenerNotMentioningABlockShouldInheritItWhole() {
		this.contextRunner
			.withPropertyValues(D + "scout.model=http", D + "scout.interval=3s", D + "scout.http.path=/health",
					D + "outlier-detection.consecutive-failures=9", O + "discovery.model=static",
					O + "discovery.static.endpoints=127.0.0.1:1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ClavierProperties.Listener other = context.getBean(ClavierProperties.class).getListeners().get("other");
				assertThat(other.getScout().getModel()).isEqualTo("http");
				assertThat(other.getScout().getInterval()).isEqualTo(Duration.ofSeconds(3));
				assertThat(other.getScout().getHttp().getPath()).isEqualTo("/health");
				assertThat(other.getOutlierDetection().getConsecutiveFailures()).isEqualTo(9);
				assertThat(other.getDiscovery().getStatic().getEndpoints()).containsExactly("127.0.0.1:1");
			});
	}

	@Test
	void listenerListShouldReplaceTheDefaultsListWhole() {
		this.contextRunner
			.withPropertyValues(D + "discovery.model=static", D + "scout.model=none",
					D + "discovery.static.endpoints=127.0.0.1:1,127.0.0.1:2", B + "discovery.static.endpoints=127.0.0.1:3",
					O + "scout.rise=4")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Map<String, ClavierProperties.Listener> listeners = context.getBean(ClavierProperties.class)
					.getListeners();
				assertThat(listeners.get("backend").getDiscovery().getStatic().getEndpoints())
					.isEqualTo(List.of("127.0.0.1:3"));
				assertThat(listeners.get("other").getDiscovery().getStatic().getEndpoints())
					.isEqualTo(List.of("127.0.0.1:1", "127.0.0.1:2"));
			});
	}

	@Test
	void defaultsShouldNotCreateAListener() {
		this.contextRunner.withPropertyValues(D + "scout.interval=3s")
			.run((context) -> assertThat(context.getBean(ClavierProperties.class).getListeners()).isEmpty());
	}

	@Test
	void engineRuleBrokenByAnInheritedValueShouldNameTheListenersPropertyAndTheDefault() {
		this.contextRunner
			.withPropertyValues(D + "scout.rise=0", B + "discovery.model=static", B + "discovery.static.endpoints=127.0.0.1:1")
			.run((context) -> {
				assertThat(context).hasFailed();
				ClavierConfigurationException failure = clavierFailure(context.getStartupFailure());
				assertThat(failure.getProperty()).isEqualTo(B + "scout.rise");
				assertThat(failure.getValue()).isEqualTo("0");
				assertThat(failure.getReason()).contains("inherited from " + D + "scout.rise");
				assertThat(failure.getOrigin()).contains("\"" + D + "scout.rise\" from property source");
				assertThat(failure.getAction()).contains("make it >= 1").contains("in " + D + "scout.rise");
			});
	}

	@Test
	void springRuleBrokenByAnInheritedValueShouldNameTheListenersPropertyAndTheDefault() {
		this.contextRunner
			.withPropertyValues(D + "outlier-detection.consecutive-failures=0", B + "discovery.model=static",
					B + "discovery.static.endpoints=127.0.0.1:1")
			.run((context) -> {
				ClavierConfigurationException failure = clavierFailure(context.getStartupFailure());
				assertThat(failure.getProperty()).isEqualTo(B + "outlier-detection.consecutive-failures");
				assertThat(failure.getReason())
					.contains("inherited from " + D + "outlier-detection.consecutive-failures");
				assertThat(failure.getOrigin()).contains(D + "outlier-detection.consecutive-failures");
			});
	}

	@Test
	void startupWaitFailureShouldShowTheValueAsWrittenAndWhere() {
		this.contextRunner.withPropertyValues("clavier.startup.wait=-1500ms").run((context) -> {
			ClavierConfigurationException failure = clavierFailure(context.getStartupFailure());
			assertThat(failure.getProperty()).isEqualTo("clavier.startup.wait");
			assertThat(failure.getValue()).isEqualTo("-1500ms");
			assertThat(failure.getOrigin()).contains("clavier.startup.wait");
		});
	}

	@Test
	void defaultsWithoutSpringCloudCommonsConfigurationShouldFailNotBeIgnored() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ClavierAutoConfiguration.class))
			.withPropertyValues("clavier.startup.wait=0", D + "scout.interval=3s")
			.run((context) -> {
				ClavierConfigurationException failure = clavierFailure(context.getStartupFailure());
				assertThat(failure.getProperty()).isEqualTo(D + "scout.interval");
				assertThat(failure.getAction()).contains("CommonsConfigAutoConfiguration");
			});
	}

	private static ClavierConfigurationException clavierFailure(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof ClavierConfigurationException clavier) {
				return clavier;
			}
		}
		throw new AssertionError("no ClavierConfigurationException in " + failure);
	}

}
