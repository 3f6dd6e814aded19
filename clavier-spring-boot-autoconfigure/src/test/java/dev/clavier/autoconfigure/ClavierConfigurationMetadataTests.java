package dev.clavier.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.convert.ApplicationConversionService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests the configuration metadata the build generates from {@link ClavierProperties}: what IDEs
 * show for {@code clavier.defaults.*}, every per-listener setting. A setting added to the
 * listener's classes without Javadoc or without a default fails here.
 */
class ClavierConfigurationMetadataTests {

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	private static final String DEFAULTS = "clavier.defaults.";

	/**
	 * Settings that have no default value, each with the reason. Anything else must have one.
	 */
	private static final Map<String, String> NO_DEFAULT = Map.ofEntries(
			Map.entry("discovery.discovery-client.service-id", "the listener's id when not set"),
			Map.entry("discovery.dns.name", "the listener's id when not set"),
			Map.entry("discovery.dns.port", "required for A and AAAA records, not allowed for SRV"),
			Map.entry("discovery.dns.servers", "empty asks the system resolver"),
			Map.entry("discovery.static.endpoints", "required by the static model; none by default"),
			Map.entry("discovery.options", "free-form options of a registered model; none by default"),
			Map.entry("scout.options", "free-form options of a registered model; none by default"),
			Map.entry("filter.options", "free-form options of a registered model; none by default"),
			Map.entry("scout.fast-interval", "a quarter of the interval when not set"),
			Map.entry("scout.down-interval", "the interval when not set"),
			Map.entry("scout.grpc.authority", "each endpoint's host:port when not set"),
			Map.entry("scout.http.expected-statuses", "every status below 500 when not set"),
			Map.entry("scout.http.headers", "free-form; no extra header by default"),
			Map.entry("scout.tcp.send", "nothing is sent when not set"),
			Map.entry("scout.tcp.expect", "the reply is not read when not set"),
			Map.entry("zone", "spring.cloud.loadbalancer.clients.<id>.zone, then spring.cloud.loadbalancer.zone "
					+ "when not set; no zone preference without either"),
			Map.entry("subset.size", "spring.cloud.loadbalancer.[clients.<id>.]subset.size when not set, else 0 (off)"),
			Map.entry("subset.instance-id",
					"spring.cloud.loadbalancer.[clients.<id>.]subset.instance-id when not set, else Spring Cloud's "
							+ "default instance id"));

	private static Map<String, Map<String, Object>> properties;

	private static Map<String, List<Object>> hints;

	@BeforeAll
	static void readGeneratedMetadata() throws IOException {
		URL url = generatedMetadata();
		try (InputStream in = url.openStream()) {
			Object json = JsonPath.parse(in).json();
			List<Map<String, Object>> items = JsonPath.read(json, "$.properties[*]");
			properties = new LinkedHashMap<>();
			items.forEach((item) -> properties.put((String) item.get("name"), item));
			List<Map<String, Object>> hintItems = JsonPath.read(json, "$.hints[*]");
			hints = new LinkedHashMap<>();
			hintItems.forEach((item) -> hints.put((String) item.get("name"),
					JsonPath.read(item, "$.values[*].value")));
		}
	}

	// This module's own file from the build output; the test classes have one too (their own properties).
	private static URL generatedMetadata() throws IOException {
		for (URL url : Collections.list(ClavierConfigurationMetadataTests.class.getClassLoader().getResources(METADATA))) {
			if ("file".equals(url.getProtocol()) && url.getPath().contains("clavier-spring-boot-autoconfigure")
					&& !url.getPath().contains("test-classes")) {
				return url;
			}
		}
		throw new AssertionError("no generated " + METADATA + " in the build output");
	}

	@Test
	void everyListenerSettingShouldBeDocumentedUnderDefaults() {
		List<String> settings = defaultsSettings();
		assertThat(settings).contains("scout.interval", "discovery.dns.record-type", "outlier-detection.enabled",
				"all-down-policy");
		List<String> undocumented = settings.stream()
			.filter((setting) -> !(properties.get(DEFAULTS + setting).get("description") instanceof String text)
					|| text.isBlank())
			.toList();
		assertThat(undocumented).as("settings without a description (Javadoc on the field)").isEmpty();
	}

	@Test
	void everyListenerSettingShouldHaveADefaultOrAReasonWhyNot() {
		List<String> withoutDefault = defaultsSettings().stream()
			.filter((setting) -> !properties.get(DEFAULTS + setting).containsKey("defaultValue"))
			.filter((setting) -> !NO_DEFAULT.containsKey(setting))
			.toList();
		assertThat(withoutDefault)
			.as("settings without a default in the metadata: give the field an initialiser, add its default to "
					+ "additional-spring-configuration-metadata.json, or list it in NO_DEFAULT with the reason")
			.isEmpty();
		assertThat(NO_DEFAULT.keySet()).as("NO_DEFAULT entries that are not settings")
			.allSatisfy((setting) -> assertThat(properties).containsKey(DEFAULTS + setting));
	}

	@Test
	void everyDefaultShouldBeTheBuiltInValue() {
		BeanWrapperImpl listener = new BeanWrapperImpl(new ClavierProperties().getDefaults());
		for (String setting : defaultsSettings()) {
			Object actual = listener.getPropertyValue(beanPath(setting));
			Object metadata = properties.get(DEFAULTS + setting).get("defaultValue");
			if (metadata == null) {
				assertThat(actual).as(setting + " has no default in the metadata, so it must have none")
					.satisfiesAnyOf((value) -> assertThat(value).isNull(),
							(value) -> assertThat(value).isInstanceOfSatisfying(Map.class,
									(map) -> assertThat(map).isEmpty()),
							(value) -> assertThat(value).isInstanceOfSatisfying(Collection.class,
									(list) -> assertThat(list).isEmpty()));
				continue;
			}
			assertThat(actual).as(setting).isNotNull();
			Object converted = ApplicationConversionService.getSharedInstance().convert(metadata, actual.getClass());
			assertThat(converted).as(setting + ": the metadata's default against the field's").isEqualTo(actual);
		}
	}

	@Test
	void valueHintsShouldNameDefaultsKeysAndMatchTheListenersMapValueForm() {
		List<String> defaultsHints = hints.keySet().stream().filter((name) -> name.startsWith(DEFAULTS)).toList();
		assertThat(defaultsHints).contains(DEFAULTS + "scout.model", DEFAULTS + "discovery.model",
				DEFAULTS + "filter.model", DEFAULTS + "all-down-policy", DEFAULTS + "discovery.dns.record-type");
		assertThat(defaultsHints).allSatisfy((name) -> assertThat(properties).containsKey(name));
		for (String name : defaultsHints) {
			String mapValueForm = "clavier.listeners.values." + name.substring(DEFAULTS.length());
			assertThat(hints.get(mapValueForm)).as(mapValueForm).isEqualTo(hints.get(name));
		}
	}

	private static List<String> defaultsSettings() {
		return properties.keySet()
			.stream()
			.filter((name) -> name.startsWith(DEFAULTS))
			.map((name) -> name.substring(DEFAULTS.length()))
			.collect(Collectors.toCollection(ArrayList::new));
	}

	// scout.max-in-flight is the bean path scout.maxInFlight.
	private static String beanPath(String setting) {
		StringBuilder path = new StringBuilder();
		boolean upper = false;
		for (char c : setting.toCharArray()) {
			if (c == '-') {
				upper = true;
			}
			else {
				path.append(upper ? Character.toUpperCase(c) : c);
				upper = false;
			}
		}
		return path.toString();
	}

}
