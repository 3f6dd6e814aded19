package dev.clavier.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * {@link RuntimeHintsRegistrar} for what the Clavier engine finds by name at run time: the
 * {@link java.util.ServiceLoader} files of its discovery, scout and filter models, the built-in
 * providers they list (created through their public constructor), and, when the
 * {@code clavier-grpc} module is on the class path, the gRPC classes its {@code grpc} scout
 * checks for before it starts. Registered in
 * {@code META-INF/spring/aot.factories}. Thread-safe.
 */
public final class ClavierRuntimeHints implements RuntimeHintsRegistrar {

	private static final List<String> SERVICE_FILES = List.of(
			"META-INF/services/dev.clavier.discovery.DiscoveryProvider",
			"META-INF/services/dev.clavier.scout.ScoutProvider",
			"META-INF/services/dev.clavier.filter.FilterProvider");

	private static final List<String> PROVIDERS = List.of("dev.clavier.discovery.dns.DnsDiscoveryProvider",
			"dev.clavier.scout.grpc.GrpcScoutProvider");

	private static final List<String> GRPC_CHECKED = List.of("io.grpc.ManagedChannel", "io.grpc.stub.ClientCalls",
			"io.grpc.protobuf.ProtoUtils", "io.grpc.health.v1.HealthGrpc",
			"io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder");

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		for (String file : SERVICE_FILES) {
			hints.resources().registerPattern(file);
		}
		for (String provider : PROVIDERS) {
			hints.reflection()
				.registerTypeIfPresent(classLoader, provider, MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
		}
		for (String type : GRPC_CHECKED) {
			hints.reflection().registerTypeIfPresent(classLoader, type);
		}
	}

}
