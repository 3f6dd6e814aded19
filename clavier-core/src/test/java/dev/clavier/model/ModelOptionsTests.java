package dev.clavier.model;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ModelOptions}: every rejection names the option as written.
 */
class ModelOptionsTests {

	@Test
	void doneWhenOptionUnknownShouldNameItAndTheOptionsRead() {
		ModelOptions reader = ModelOptions.of("smoke", Map.of("colour", "grey", "size", "big"));
		reader.string("size");
		reader.prefixed("headers.");
		assertThatExceptionOfType(InvalidOptionException.class).isThrownBy(reader::done).satisfies((ex) -> {
			assertThat(ex).hasMessage("unknown smoke option(s) [colour]");
			assertThat(ex.option()).isEqualTo("colour");
			assertThat(ex.value()).isEqualTo("grey");
			assertThat(ex.expected()).isEqualTo("an option the smoke model reads: headers.*, size");
		});
	}

	@Test
	void doneWhenModelReadsNothingShouldSaySo() {
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> ModelOptions.of("none", Map.of("b", "1", "a", "2")).done())
			.satisfies((ex) -> {
				assertThat(ex).hasMessage("unknown none option(s) [a, b]");
				assertThat(ex.option()).isEqualTo("a");
				assertThat(ex.expected()).isEqualTo("no options, the none model takes none");
			});
	}

	@Test
	void durationWhenNotADurationShouldNameModelAndOption() {
		ModelOptions reader = ModelOptions.of("dns", Map.of("min-ttl", "soon"));
		assertThatExceptionOfType(InvalidOptionException.class).isThrownBy(() -> reader.duration("min-ttl"))
			.satisfies((ex) -> {
				assertThat(ex)
					.hasMessage("dns option 'min-ttl': 'soon' (expected: a duration such as 500ms, 2s or PT2S)");
				assertThat(ex.option()).isEqualTo("min-ttl");
				assertThat(ex.value()).isEqualTo("soon");
			});
	}

	@Test
	void applyWhenBuilderRejectsShouldRenameTheOptionAndKeepValueAndExpected() {
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> ModelOptions.apply("dns", "min-ttl", () -> {
				throw new InvalidOptionException("minTtl", "PT0S", "> 0");
			}))
			.satisfies((ex) -> {
				assertThat(ex).hasMessage("dns option 'min-ttl': minTtl: PT0S (expected: > 0)");
				assertThat(ex.option()).isEqualTo("min-ttl");
				assertThat(ex.value()).isEqualTo("PT0S");
				assertThat(ex.expected()).isEqualTo("> 0");
			});
	}

	@Test
	void applyWhenBuilderThrowsPlainIllegalArgumentShouldStillNameTheOption() {
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> ModelOptions.apply("http", "path", () -> {
				throw new IllegalArgumentException("path: 'x' (expected: starting with /)");
			}))
			.satisfies((ex) -> {
				assertThat(ex).hasMessage("http option 'path': path: 'x' (expected: starting with /)");
				assertThat(ex.option()).isEqualTo("path");
			});
	}

}
