package dev.clavier.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InvalidOptionException}.
 */
class InvalidOptionExceptionTests {

	@Test
	void newWhenValueGivenShouldFormMessageFromOptionValueAndExpected() {
		InvalidOptionException ex = new InvalidOptionException("rise", 0, ">= 1");
		assertThat(ex).hasMessage("rise: 0 (expected: >= 1)").isInstanceOf(IllegalArgumentException.class);
		assertThat(ex.option()).isEqualTo("rise");
		assertThat(ex.value()).isEqualTo("0");
		assertThat(ex.expected()).isEqualTo(">= 1");
	}

	@Test
	void newWhenValueMissingShouldSayNotSet() {
		InvalidOptionException ex = new InvalidOptionException("port", null, "1...65535");
		assertThat(ex).hasMessage("port: not set (expected: 1...65535)");
		assertThat(ex.value()).isNull();
	}

	@Test
	void quotedShouldQuoteTheValueInTheMessageOnly() {
		InvalidOptionException ex = InvalidOptionException.quoted("name", "bad name", "a DNS name", null);
		assertThat(ex).hasMessage("name: 'bad name' (expected: a DNS name)");
		assertThat(ex.value()).isEqualTo("bad name");
	}

	@Test
	void withinShouldPrefixTheMessageAndKeepValueAndExpected() {
		InvalidOptionException inner = new InvalidOptionException("port", 0, "1...65535");
		InvalidOptionException outer = inner.within("dns option 'port'", "port-option");
		assertThat(outer).hasMessage("dns option 'port': port: 0 (expected: 1...65535)").hasCause(inner);
		assertThat(outer.option()).isEqualTo("port-option");
		assertThat(outer.value()).isEqualTo("0");
		assertThat(outer.expected()).isEqualTo("1...65535");
		assertThat(inner.within("dns options").option()).isEqualTo("port");
	}

	@Test
	void withMessageShouldKeepTheMessageAsGiven() {
		InvalidOptionException ex = InvalidOptionException.withMessage("endpoints: h:80 is listed twice", "endpoints",
				"h:80", "every address once", null);
		assertThat(ex).hasMessage("endpoints: h:80 is listed twice");
		assertThat(ex.option()).isEqualTo("endpoints");
		assertThat(ex.value()).isEqualTo("h:80");
		assertThat(ex.expected()).isEqualTo("every address once");
	}

}
