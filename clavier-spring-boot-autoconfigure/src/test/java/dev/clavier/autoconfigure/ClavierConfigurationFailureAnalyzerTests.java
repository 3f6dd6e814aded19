package dev.clavier.autoconfigure;

import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import dev.clavier.model.InvalidOptionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.UrlResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Tests for {@link ClavierConfigurationFailureAnalyzer}, and a table of bad configurations that
 * each fail start-up naming the property.
 */
class ClavierConfigurationFailureAnalyzerTests {

	private static final String L = "clavier.listeners.backend.";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClavierAutoConfiguration.class))
		.withPropertyValues("clavier.startup.wait=0");

	@Test
	void analyzeShouldNamePropertyValueReasonAndAction() {
		ClavierConfigurationException failure = new ClavierConfigurationException(L + "scout.interval", "PT0S",
				"expected: > 0", "write a positive duration such as 2s");
		FailureAnalysis analysis = new ClavierConfigurationFailureAnalyzer()
			.analyze(new IllegalStateException("wrapped", failure));
		assertThat(analysis.getDescription()).contains("Property: " + L + "scout.interval")
			.contains("Value: \"PT0S\"")
			.contains("Reason: expected: > 0");
		assertThat(analysis.getAction()).contains(L + "scout.interval").contains("write a positive duration such as 2s");
		assertThat(analysis.getCause()).isSameAs(failure);
	}

	@Test
	void analyzeWhenEngineRejectedValueShouldDeriveActionFromWhatItExpects() {
		ClavierConfigurationException failure = new ClavierConfigurationException(L + "scout.rise", "0",
				new InvalidOptionException("rise", 0, ">= 1"));
		FailureAnalysis analysis = new ClavierConfigurationFailureAnalyzer().analyze(failure);
		assertThat(analysis.getDescription()).contains("Property: " + L + "scout.rise")
			.contains("Value: \"0\"")
			.contains("Reason: rise: 0 (expected: >= 1)");
		assertThat(analysis.getAction())
			.isEqualTo("Update '" + L + "scout.rise' in your application's configuration: make it >= 1");
	}

	@Test
	void runWhenEngineRuleBrokenShouldReportPropertyValueAndExpectation() {
		this.contextRunner
			.withPropertyValues("clavier.listeners.x.discovery.dns.port=80", "clavier.listeners.x.scout.rise=0")
			.run((context) -> {
				assertThat(context).hasFailed();
				ClavierConfigurationException failure = find(context.getStartupFailure());
				assertThat(failure).isNotNull();
				assertThat(failure.getProperty()).isEqualTo("clavier.listeners.x.scout.rise");
				assertThat(failure.getValue()).isEqualTo("0");
				assertThat(failure.getExpected()).isEqualTo(">= 1");
				assertThat(failure.getCause()).isInstanceOfSatisfying(InvalidOptionException.class,
						(engine) -> assertThat(engine.option()).isEqualTo("rise"));
				FailureAnalysis analysis = new ClavierConfigurationFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Property: clavier.listeners.x.scout.rise")
					.contains("Value: \"0\"");
				assertThat(analysis.getAction()).contains("clavier.listeners.x.scout.rise").endsWith("make it >= 1");
			});
	}

	@Test
	void analyzeWhenValueMissingShouldSaySo() {
		FailureAnalysis analysis = new ClavierConfigurationFailureAnalyzer().analyze(new ClavierConfigurationException(
				L + "discovery.dns.port", null, "the port is required", "write the port"));
		assertThat(analysis.getDescription()).contains("Value: (not set)");
	}

	@Test
	void analyzeWhenOtherFailureShouldNotAnalyze() {
		assertThat(new ClavierConfigurationFailureAnalyzer().analyze(new IllegalStateException("other"))).isNull();
	}

	@Test
	void analyzerShouldBeRegistered() throws Exception {
		// The spring.factories file next to the analyzer, not the first one on the class path.
		UrlResource file = new UrlResource(ClavierConfigurationFailureAnalyzer.class.getProtectionDomain()
			.getCodeSource()
			.getLocation()
			.toURI()
			.resolve("META-INF/spring.factories"));
		Properties factories = PropertiesLoaderUtils.loadProperties(file);
		assertThat(factories.getProperty(FailureAnalyzer.class.getName()))
			.isEqualTo(ClavierConfigurationFailureAnalyzer.class.getName());
	}

	static Stream<Arguments> badConfigurations() {
		return Stream.of(
				arguments("unknown discovery model", L + "discovery.model", new String[] { L + "discovery.model=consul" }),
				arguments("unknown scout model", L + "scout.model",
						new String[] { L + "discovery.dns.port=80", L + "scout.model=smoke-signal" }),
				arguments("unknown filter model", L + "filter.model",
						new String[] { L + "discovery.dns.port=80", L + "filter.model=fastest" }),
				arguments("missing port", L + "discovery.dns.port", new String[] { L + "discovery.model=dns" }),
				arguments("port out of range", L + "discovery.dns.port", new String[] { L + "discovery.dns.port=70000" }),
				arguments("port with SRV", L + "discovery.dns.port",
						new String[] { L + "discovery.dns.record-type=SRV", L + "discovery.dns.port=80" }),
				arguments("zero interval", L + "scout.interval",
						new String[] { L + "discovery.dns.port=80", L + "scout.interval=0s" }),
				arguments("negative interval", L + "scout.interval",
						new String[] { L + "discovery.dns.port=80", L + "scout.interval=-1s" }),
				arguments("timeout not below interval", L + "scout.timeout",
						new String[] { L + "discovery.dns.port=80", L + "scout.interval=1s", L + "scout.timeout=1s" }),
				arguments("zero fast interval", L + "scout.fast-interval",
						new String[] { L + "discovery.dns.port=80", L + "scout.fast-interval=0s" }),
				arguments("fast interval above interval", L + "scout.fast-interval",
						new String[] { L + "discovery.dns.port=80", L + "scout.fast-interval=6s" }),
				arguments("down interval not above timeout", L + "scout.down-interval",
						new String[] { L + "discovery.dns.port=80", L + "scout.down-interval=2s" }),
				arguments("rise below 1", L + "scout.rise",
						new String[] { L + "discovery.dns.port=80", L + "scout.rise=0" }),
				arguments("fall below 1", L + "scout.fall",
						new String[] { L + "discovery.dns.port=80", L + "scout.fall=0" }),
				arguments("jitter above 0.5", L + "scout.jitter",
						new String[] { L + "discovery.dns.port=80", L + "scout.jitter=0.9" }),
				arguments("no probe in flight", L + "scout.max-in-flight",
						new String[] { L + "discovery.dns.port=80", L + "scout.max-in-flight=0" }),
				arguments("bad resolver address", L + "discovery.dns.servers",
						new String[] { L + "discovery.dns.port=80", L + "discovery.dns.servers=dns.example.com:53" }),
				arguments("bad DNS name", L + "discovery.dns.name",
						new String[] { L + "discovery.dns.port=80", L + "discovery.dns.name=not a name" }),
				arguments("min-ttl above max-ttl", L + "discovery.dns.min-ttl",
						new String[] { L + "discovery.dns.port=80", L + "discovery.dns.min-ttl=2m",
								L + "discovery.dns.max-ttl=1m" }),
				arguments("service id not a host name", "clavier.listeners[back_end]",
						new String[] { "clavier.listeners.back_end.discovery.dns.port=80" }),
				arguments("bad static endpoint", L + "discovery.static.endpoints[1]",
						new String[] { L + "discovery.model=static",
								L + "discovery.static.endpoints=127.0.0.1:8080,127.0.0.1:http" }),
				arguments("static endpoint without port", L + "discovery.static.endpoints[0]",
						new String[] { L + "discovery.model=static", L + "discovery.static.endpoints=127.0.0.1" }),
				arguments("no static endpoints", L + "discovery.static.endpoints",
						new String[] { L + "discovery.model=static" }),
				arguments("unknown record type", L + "discovery.dns.record-type",
						new String[] { L + "discovery.dns.port=80", L + "discovery.dns.record-type=MX" }),
				arguments("retry-min above retry-max", L + "discovery.retry-min",
						new String[] { L + "discovery.dns.port=80", L + "discovery.retry-min=1m",
								L + "discovery.retry-max=1s" }),
				arguments("bad http path", L + "scout.http.path",
						new String[] { L + "discovery.dns.port=80", L + "scout.model=http", L + "scout.http.path=health" }),
				arguments("bad expected statuses", L + "scout.http.expected-statuses",
						new String[] { L + "discovery.dns.port=80", L + "scout.model=http",
								L + "scout.http.expected-statuses=ok" }),
				arguments("negative max body bytes", L + "scout.http.max-body-bytes",
						new String[] { L + "discovery.dns.port=80", L + "scout.model=http",
								L + "scout.http.max-body-bytes=-1" }),
				arguments("zero consecutive failures", L + "outlier-detection.consecutive-failures",
						new String[] { L + "discovery.dns.port=80", L + "outlier-detection.consecutive-failures=0" }),
				arguments("bad failure status", L + "outlier-detection.failure-statuses",
						new String[] { L + "discovery.dns.port=80", L + "outlier-detection.failure-statuses=503,42" }),
				arguments("zero base ejection time", L + "outlier-detection.base-ejection-time",
						new String[] { L + "discovery.dns.port=80", L + "outlier-detection.base-ejection-time=0s" }),
				arguments("max ejection time below base", L + "outlier-detection.max-ejection-time",
						new String[] { L + "discovery.dns.port=80", L + "outlier-detection.base-ejection-time=60s",
								L + "outlier-detection.max-ejection-time=30s" }),
				arguments("max ejection percent above 100", L + "outlier-detection.max-ejection-percent",
						new String[] { L + "discovery.dns.port=80", L + "outlier-detection.max-ejection-percent=101" }),
				arguments("failure percentage above 100", L + "outlier-detection.failure-percentage.threshold",
						new String[] { L + "discovery.dns.port=80",
								L + "outlier-detection.failure-percentage.threshold=150" }),
				arguments("zero failure percentage minimum calls",
						L + "outlier-detection.failure-percentage.minimum-calls",
						new String[] { L + "discovery.dns.port=80",
								L + "outlier-detection.failure-percentage.minimum-calls=0" }),
				arguments("zero failure percentage window", L + "outlier-detection.failure-percentage.window",
						new String[] { L + "discovery.dns.port=80",
								L + "outlier-detection.failure-percentage.window=0s" }),
				arguments("negative panic threshold", L + "panic-threshold",
						new String[] { L + "discovery.dns.port=80", L + "panic-threshold=-5" }),
				arguments("negative subset size", L + "subset.size",
						new String[] { L + "discovery.dns.port=80", L + "subset.size=-1" }),
				arguments("io threads out of range", "clavier.io-threads", new String[] { "clavier.io-threads=0" }),
				arguments("negative start-up wait", "clavier.startup.wait", new String[] { "clavier.startup.wait=-1s" }));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badConfigurations")
	void runWithBadConfigurationShouldFailNamingTheProperty(String description, String property, String[] properties) {
		this.contextRunner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			assertThat(failure).hasStackTraceContaining(property);
			ClavierConfigurationException clavierFailure = find(failure);
			if (clavierFailure != null) {
				assertThat(clavierFailure.getProperty()).isEqualTo(property);
				FailureAnalysis analysis = new ClavierConfigurationFailureAnalyzer().analyze(failure);
				assertThat(analysis.getDescription()).contains(property);
				assertThat(analysis.getAction()).contains(property);
			}
			else {
				// A value Spring cannot bind at all (an enum constant that does not exist): Boot's own
				// analyzers report it, and that report must name the property too.
				FailureAnalysis analysis = bootAnalysis(failure);
				assertThat(analysis).as("Spring Boot's failure analysis").isNotNull();
				assertThat(analysis.getDescription()).contains(property);
			}
		});
	}

	private static FailureAnalysis bootAnalysis(Throwable failure) {
		// As Spring Boot's FailureAnalyzers does: every registered analyzer, in order, first answer wins.
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader
			.forDefaultResourceLocation(ClavierConfigurationFailureAnalyzerTests.class.getClassLoader())
			.load(FailureAnalyzer.class, SpringFactoriesLoader.FailureHandler.handleMessage((message, ex) -> {
			}));
		for (FailureAnalyzer analyzer : analyzers) {
			FailureAnalysis analysis = analyzer.analyze(failure);
			if (analysis != null) {
				return analysis;
			}
		}
		return null;
	}

	private static ClavierConfigurationException find(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof ClavierConfigurationException clavier) {
				return clavier;
			}
		}
		return null;
	}

}
