package dev.clavier.scout;

import java.util.Map;

import dev.clavier.model.InvalidOptionException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link Scouts}, on the engine's own class path: without the clavier-grpc module.
 */
class ScoutsTests {

	@Test
	void createWhenGrpcModuleAbsentShouldNameTheArtifactToAdd() {
		assertThat(Scouts.models()).doesNotContain("grpc").contains("tcp", "http", "none");
		assertThatExceptionOfType(InvalidOptionException.class)
			.isThrownBy(() -> Scouts.create("grpc", Map.of()))
			.withMessage("scout model 'grpc' needs the clavier-grpc module: add dev.clavier:clavier-grpc "
					+ "(same version as clavier-core), which brings gRPC")
			.satisfies((ex) -> assertThat(ex.option()).isEqualTo("model"));
	}

	@Test
	void createWhenModelUnknownShouldListTheKnownOnes() {
		assertThatExceptionOfType(InvalidOptionException.class).isThrownBy(() -> Scouts.create("htp", Map.of()))
			.withMessageStartingWith("unknown scout model 'htp' (expected one of: ");
	}

}
