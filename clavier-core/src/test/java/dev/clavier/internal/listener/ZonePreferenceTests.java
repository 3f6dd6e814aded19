package dev.clavier.internal.listener;

import java.util.List;
import java.util.Map;

import dev.clavier.endpoint.Endpoint;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ZonePreference}: Spring Cloud's rule, alone.
 */
class ZonePreferenceTests {

	private static final Endpoint EU_1 = zoned("127.0.0.1", "eu-1");

	private static final Endpoint EU_1_UPPER = zoned("127.0.0.2", "EU-1");

	private static final Endpoint EU_2 = zoned("127.0.0.3", "eu-2");

	private static final Endpoint NONE = Endpoint.of("127.0.0.4", 8080);

	@Test
	void preferWhenSomeInZoneShouldKeepOnlyThoseIgnoringCase() {
		ZonePreference zones = new ZonePreference("backend", "Eu-1", () -> true);
		assertThat(zones.prefer(List.of(EU_1, EU_1_UPPER, EU_2, NONE))).containsExactly(EU_1, EU_1_UPPER);
	}

	@Test
	void preferWhenNoneInZoneShouldKeepEveryOne() {
		ZonePreference zones = new ZonePreference("backend", "eu-1", () -> true);
		List<Endpoint> pickable = List.of(EU_2, NONE);
		assertThat(zones.prefer(pickable)).isSameAs(pickable);
		assertThat(zones.prefer(List.of(EU_2, EU_1))).containsExactly(EU_1);
		assertThat(zones.prefer(List.of())).isEmpty();
	}

	@Test
	void preferWhenListenerHasNoZoneShouldKeepEveryOne() {
		List<Endpoint> pickable = List.of(EU_1, EU_2, NONE);
		assertThat(new ZonePreference("backend", null, () -> true).prefer(pickable)).isSameAs(pickable);
	}

	@Test
	void preferWhenEveryOneInZoneShouldReturnTheSameList() {
		List<Endpoint> pickable = List.of(EU_1, EU_1_UPPER);
		assertThat(new ZonePreference("backend", "eu-1", () -> true).prefer(pickable)).isSameAs(pickable);
	}

	private static Endpoint zoned(String host, String zone) {
		return new Endpoint(host, 8080, 1, Map.of(Endpoint.ZONE_ATTRIBUTE, zone));
	}

}
