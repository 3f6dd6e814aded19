package dev.clavier.autoconfigure.loadbalancer;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ClavierServiceDetails} and {@link ClavierLoadBalancerServices}.
 */
class ClavierServiceDetailsTests {

	@Test
	void shouldMatchServiceIdsAsHostNamesIgnoringCase() {
		ClavierServiceDetails web = ClavierServiceDetails.of("web");
		assertThat(web.matches("web")).isTrue();
		assertThat(web.matches("WEB")).isTrue();
		assertThat(web.matches("Web")).isTrue();
		assertThat(web.matches("web2")).isFalse();
		assertThat(ClavierServiceDetails.of("Orders-V2").matches("orders-v2")).isTrue();
	}

	@Test
	void shouldMatchWithTheRootLocale() {
		// In a Turkish locale "I".toLowerCase() is a dotless i: the match must not depend on it.
		ClavierServiceDetails api = ClavierServiceDetails.of("api");
		Locale previous = Locale.getDefault();
		try {
			Locale.setDefault(Locale.forLanguageTag("tr-TR"));
			assertThat(api.matches("API")).isTrue();
		}
		finally {
			Locale.setDefault(previous);
		}
	}

	@Test
	void shouldUseTheDefaultsOfThePropertiesForOf() {
		ClavierServiceDetails details = ClavierServiceDetails.of("backend");
		assertThat(details.serviceId()).isEqualTo("backend");
		assertThat(details.listenerName()).isEqualTo("backend");
		assertThat(details.secure()).isFalse();
		assertThat(details.failureStatuses()).containsExactlyInAnyOrder(502, 503, 504);
	}

	@Test
	void shouldCopyTheFailureStatuses() {
		Set<Integer> statuses = new HashSet<>(Set.of(503));
		ClavierServiceDetails details = new ClavierServiceDetails("backend", "backend", false, statuses);
		statuses.add(500);
		assertThat(details.failureStatuses()).containsExactly(503);
	}

	@Test
	void shouldRejectWhatIsNotAnHttpStatus() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ClavierServiceDetails("backend", "backend", false, Set.of(503, 42)))
			.withMessageStartingWith("failureStatuses: ")
			.withMessageContaining("expected: HTTP status codes from 100 to 599");
	}

	@Test
	void shouldRejectABlankServiceId() {
		assertThatIllegalArgumentException().isThrownBy(() -> ClavierServiceDetails.of(" "))
			.withMessage("serviceId: ' ' (expected: a host name)");
	}

	@Test
	void shouldFindAServiceIgnoringCase() {
		ClavierLoadBalancerServices services = ClavierLoadBalancerServices
			.of(List.of(ClavierServiceDetails.of("web"), ClavierServiceDetails.of("Orders")));
		assertThat(services.find("WEB")).get().extracting(ClavierServiceDetails::serviceId).isEqualTo("web");
		assertThat(services.find("orders")).get().extracting(ClavierServiceDetails::serviceId).isEqualTo("Orders");
		assertThat(services.find("other")).isEmpty();
	}

	@Test
	void shouldRejectServicesThatDifferOnlyInCase() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ClavierLoadBalancerServices
				.of(List.of(ClavierServiceDetails.of("web"), ClavierServiceDetails.of("Web"))))
			.withMessage("services: 'web' and 'Web' (expected: service ids that differ in more than case)");
	}

}
