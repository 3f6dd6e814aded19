package dev.clavier.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.commons.config.CommonsConfigAutoConfiguration;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClavierPropertiesCheck}: no mistake in {@code clavier.*} passes silently.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClavierPropertiesCheckTests {

	private static final String L = "clavier.listeners.backend.";

	private static final String STATIC = L + "discovery.model=static";

	private static final String ENDPOINTS = L + "discovery.static.endpoints=127.0.0.1:1";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(CommonsConfigAutoConfiguration.class, ClavierAutoConfiguration.class))
		.withPropertyValues("clavier.startup.wait=0", "clavier.defaults.scout.model=none");

	@Test
	void runWithUnknownListenerKeyShouldNameItTheNearestKeyAndWhereItIsWritten() {
		this.contextRunner.withInitializer(file("unknown-key.properties")).run((context) -> {
			ClavierConfigurationException failure = clavierFailure(context.getStartupFailure());
			assertThat(failure.getProperty()).isEqualTo(L + "scout.intervall");
			assertThat(failure.getValue()).isEqualTo("3s");
			assertThat(failure.getReason()).contains("nearest valid one is " + L + "scout.interval");
			assertThat(failure.getAction()).isEqualTo("rename it to " + L + "scout.interval, or remove it");
			assertThat(failure.getOrigin()).contains("check/unknown-key.properties").contains(" - 4:");
			FailureAnalysis analysis = new ClavierConfigurationFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Property: " + L + "scout.intervall")
				.contains("Origin: class path resource [dev/clavier/autoconfigure/check/unknown-key.properties] - 4:");
		});
	}

	@Test
	void runWithUnknownKeyOfListenerWithDottedIdShouldNameTheNearestKeyOfThatListener() {
		this.contextRunner.withPropertyValues("clavier.listeners[orders.v2].scout.intervall=3s").run((context) -> {
			ClavierConfigurationException failure = clavierFailure(context.getStartupFailure());
			assertThat(failure.getProperty()).isEqualTo("clavier.listeners[orders.v2].scout.intervall");
			assertThat(failure.getReason()).contains("nearest valid one is clavier.listeners[orders.v2].scout.interval");
		});
	}

	@Test
	void runWithUnknownDefaultsKeyShouldNameItAndTheNearestDefaultsKey() {
		this.contextRunner.withPropertyValues("clavier.defaults.scout.jiter=0.2").run((context) -> {
			ClavierConfigurationException failure = clavierFailure(context.getStartupFailure());
			assertThat(failure.getProperty()).isEqualTo("clavier.defaults.scout.jiter");
			assertThat(failure.getReason()).contains("nearest valid one is clavier.defaults.scout.jitter");
			assertThat(failure.getOrigin()).contains("clavier.defaults.scout.jiter").contains("\"test\"");
		});
	}

	@Test
	void runWithUnknownTopLevelKeyShouldNameTheNearestKey() {
		this.contextRunner.withPropertyValues("clavier.enable=false").run((context) -> {
			ClavierConfigurationException failure = clavierFailure(context.getStartupFailure());
			assertThat(failure.getProperty()).isEqualTo("clavier.enable");
			assertThat(failure.getReason()).contains("nearest valid one is clavier.enabled");
		});
	}

	@Test
	void runWithKeyBelowAValueShouldFail() {
		this.contextRunner.withPropertyValues(STATIC, ENDPOINTS, L + "scout.interval.seconds=3").run((context) -> {
			ClavierConfigurationException failure = clavierFailure(context.getStartupFailure());
			assertThat(failure.getProperty()).isEqualTo(L + "scout.interval.seconds");
			assertThat(failure.getReason()).contains("nearest valid one is " + L + "scout.interval");
		});
	}

	@Test
	void runWithUnknownKeyThatMayHoldASecretShouldNotShowItsValue() {
		this.contextRunner
			.withPropertyValues(STATIC, ENDPOINTS, L + "scout.model=http", L + "scout.http.header.Authorization=Bearer s3cr3t")
			.run((context) -> {
				ClavierConfigurationException failure = clavierFailure(context.getStartupFailure());
				assertThat(failure.getProperty()).isEqualTo(L + "scout.http.header.authorization");
				assertThat(failure.getReason()).contains("nearest valid one is " + L + "scout.http.headers");
				assertThat(failure.getValue()).isEqualTo("(hidden)");
				assertThat(failure.getMessage()).doesNotContain("s3cr3t");
			});
	}

	@Test
	void runWithFreeFormMapsShouldAcceptAnyKey() {
		this.contextRunner
			.withPropertyValues(STATIC, ENDPOINTS, L + "scout.model=http", L + "scout.http.headers.X-Any-Name=1",
					"clavier.listeners.cache.discovery.model=static",
					"clavier.listeners.cache.discovery.static.endpoints[0]=127.0.0.1:1",
					"clavier.listeners.cache.scout.model=redis", "clavier.listeners.cache.scout.options.send=PING")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void runWithSettingOfUnselectedScoutModelShouldNameBoth() {
		this.contextRunner.withPropertyValues("clavier.defaults.scout.model=tcp")
			.withInitializer(file("model.properties"))
			.run((context) -> {
				ClavierConfigurationException failure = clavierFailure(context.getStartupFailure());
				assertThat(failure.getProperty()).isEqualTo(L + "scout.http.path");
				assertThat(failure.getValue()).isEqualTo("/health");
				assertThat(failure.getReason()).contains("scout.http.* configures the scout model 'http'")
					.contains(L + "scout.model is 'tcp'");
				assertThat(failure.getAction()).contains("set " + L + "scout.model to http");
				assertThat(failure.getOrigin()).contains("check/model.properties").contains(" - 4:");
			});
	}

	@Test
	void runWithSettingOfUnselectedDiscoveryModelShouldNameBoth() {
		this.contextRunner.withPropertyValues(STATIC, ENDPOINTS, L + "discovery.dns.name=backend.svc.test")
			.run((context) -> {
				ClavierConfigurationException failure = clavierFailure(context.getStartupFailure());
				assertThat(failure.getProperty()).isEqualTo(L + "discovery.dns.name");
				assertThat(failure.getReason()).contains("discovery.dns.* configures the discovery model 'dns'")
					.contains(L + "discovery.model is 'static'");
			});
	}

	@Test
	void runWithSettingSelectedThroughDefaultsShouldStart() {
		this.contextRunner
			.withPropertyValues(STATIC, ENDPOINTS, "clavier.defaults.scout.model=http", L + "scout.http.path=/health")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void runWithDefaultsSettingNoListenerSelectsShouldFail() {
		this.contextRunner.withPropertyValues(STATIC, ENDPOINTS, "clavier.defaults.scout.grpc.service=health")
			.run((context) -> {
				ClavierConfigurationException failure = clavierFailure(context.getStartupFailure());
				assertThat(failure.getProperty()).isEqualTo("clavier.defaults.scout.grpc.service");
				assertThat(failure.getReason()).contains("configures the scout model 'grpc'")
					.contains("neither clavier.defaults.scout.model nor any listener selects");
			});
	}

	@Test
	void runWithDefaultsSettingOneListenerSelectsShouldStart() {
		this.contextRunner
			.withPropertyValues(STATIC, ENDPOINTS, "clavier.defaults.scout.http.path=/health",
					"clavier.listeners.other.discovery.model=static",
					"clavier.listeners.other.discovery.static.endpoints=127.0.0.1:1",
					"clavier.listeners.other.scout.model=http")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void runWithBadEnumShouldListTheAllowedValuesAndEchoWhatWasWritten() {
		this.contextRunner.withInitializer(file("enum.properties")).run((context) -> {
			ClavierConfigurationException failure = clavierFailure(context.getStartupFailure());
			assertThat(failure.getProperty()).isEqualTo(L + "all-down-policy");
			assertThat(failure.getValue()).isEqualTo("sometimes");
			assertThat(failure.getReason()).contains("one of FAIL, ALL");
			assertThat(failure.getOrigin()).contains("check/enum.properties").contains(" - 4:");
		});
	}

	@Test
	void runWithBadDurationShouldEchoWhatWasWrittenNotIso() {
		this.contextRunner.withInitializer(file("duration.properties")).run((context) -> {
			ClavierConfigurationException failure = clavierFailure(context.getStartupFailure());
			assertThat(failure.getProperty()).isEqualTo("clavier.defaults.scout.interval");
			assertThat(failure.getValue()).isEqualTo("2x");
			assertThat(failure.getReason()).contains("a duration such as 500ms, 2s or 1m");
			assertThat(failure.getOrigin()).contains("check/duration.properties").contains(" - 2:");
		});
	}

	@Test
	void runWithLoadBalancerOffShouldWarnOnce(CapturedOutput output) {
		this.contextRunner.withPropertyValues(STATIC, ENDPOINTS, "spring.cloud.loadbalancer.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				String warning = "Spring Cloud LoadBalancer is off, so no @LoadBalanced client reaches the Clavier "
						+ "listeners [backend]";
				assertThat(output.getOut().split(java.util.regex.Pattern.quote(warning), -1)).hasSize(2);
				assertThat(output.getOut()).contains("WARN");
			});
	}

	@Test
	void runWithLoadBalancerOnShouldNotWarn(CapturedOutput output) {
		this.contextRunner.withPropertyValues(STATIC, ENDPOINTS)
			.run((context) -> assertThat(output.getOut()).doesNotContain("Spring Cloud LoadBalancer is off"));
	}

	@Test
	void runWithOtherPropertiesBelowClavierShouldKnowTheirKeys() {
		this.contextRunner.withUserConfiguration(ExtraConfiguration.class)
			.withPropertyValues("clavier.extra.flag=true")
			.run((context) -> assertThat(context).hasNotFailed());
		this.contextRunner.withUserConfiguration(ExtraConfiguration.class)
			.withPropertyValues("clavier.extra.flg=true")
			.run((context) -> assertThat(clavierFailure(context.getStartupFailure()).getReason())
				.contains("nearest valid one is clavier.extra.flag"));
	}

	private static ApplicationContextInitializer<ConfigurableApplicationContext> file(String name) {
		return (context) -> {
			ClassPathResource resource = new ClassPathResource("dev/clavier/autoconfigure/check/" + name);
			try {
				for (PropertySource<?> source : new PropertiesPropertySourceLoader().load(name, resource)) {
					context.getEnvironment().getPropertySources().addFirst(source);
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		};
	}

	private static ClavierConfigurationException clavierFailure(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof ClavierConfigurationException clavier) {
				return clavier;
			}
		}
		throw new AssertionError("no ClavierConfigurationException in " + failure);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(ExtraProperties.class)
	static class ExtraConfiguration {

	}

	/**
	 * Properties another part of an application binds below {@code clavier}.
	 */
	@ConfigurationProperties("clavier.extra")
	public static class ExtraProperties {

		private boolean flag;

		public boolean isFlag() {
			return this.flag;
		}

		public void setFlag(boolean flag) {
			this.flag = flag;
		}

	}

}
