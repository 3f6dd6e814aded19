package dev.clavier.autoconfigure;

import dev.clavier.discovery.DiscoveryProvider;
import dev.clavier.discovery.dns.DnsDiscoveryProvider;
import dev.clavier.filter.FilterProvider;
import dev.clavier.scout.ScoutProvider;
import dev.clavier.scout.grpc.GrpcScoutProvider;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClavierRuntimeHints}.
 */
class ClavierRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	@Test
	void registerHintsWhenCalledShouldIncludeEveryServiceLoaderFile() {
		new ClavierRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		for (Class<?> kind : new Class<?>[] { DiscoveryProvider.class, ScoutProvider.class, FilterProvider.class }) {
			assertThat(RuntimeHintsPredicates.resource().forResource("META-INF/services/" + kind.getName()))
				.accepts(this.hints);
		}
	}

	@Test
	void registerHintsWhenCalledShouldLetServiceLoaderCreateBuiltInProviders() throws Exception {
		new ClavierRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.reflection().onConstructorInvocation(DnsDiscoveryProvider.class.getConstructor()))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onConstructorInvocation(GrpcScoutProvider.class.getConstructor()))
			.accepts(this.hints);
	}

	@Test
	void registerHintsWhenGrpcPresentShouldRegisterTheClassesTheGrpcScoutChecks() {
		new ClavierRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(TypeReference.of("io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder"))).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of("io.grpc.health.v1.HealthGrpc")))
			.accepts(this.hints);
	}

	@Test
	void registerHintsWhenGrpcModuleAbsentShouldRegisterNoGrpcType() throws Exception {
		new ClavierRuntimeHints().registerHints(this.hints,
				new FilteredClassLoader("dev.clavier.scout.grpc", "io.grpc"));
		assertThat(this.hints.reflection().typeHints())
			.noneMatch((hint) -> hint.getType().getName().startsWith("io.grpc")
					|| hint.getType().getName().startsWith("dev.clavier.scout.grpc"));
		assertThat(RuntimeHintsPredicates.reflection().onConstructorInvocation(DnsDiscoveryProvider.class.getConstructor()))
			.accepts(this.hints);
	}

	@Test
	void loadWhenAotFactoriesReadShouldFindClavierRuntimeHints() {
		assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class)).hasAtLeastOneElementOfType(ClavierRuntimeHints.class);
	}

}
