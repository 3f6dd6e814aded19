package dev.clavier.scout.grpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.clavier.model.ModelOptions;
import dev.clavier.scout.Scout;
import dev.clavier.scout.ScoutProvider;
import org.jspecify.annotations.Nullable;

/**
 * Creates the {@code grpc} scout from configuration options: {@code service} (default
 * {@code ""}, the whole server), {@code tls} (default {@code false}) and {@code authority}
 * (default: the endpoint's {@code host:port}) and {@code mode} ({@code watch}, the default, or
 * {@code check}). Unknown options are rejected.
 * <p>
 * Registered by the {@code clavier-grpc} module's {@code META-INF/services}. The provider itself
 * touches no gRPC class, so the {@code grpc} model is listed even when a gRPC jar was excluded;
 * {@link #create} then fails with a message naming the artifacts to add back. Thread-safe.
 */
public final class GrpcScoutProvider implements ScoutProvider {

	// Class name, artifact: what the scout loads, and where it comes from.
	private static final String[][] REQUIRED = { { "io.grpc.ManagedChannel", "io.grpc:grpc-api" },
			{ "io.grpc.stub.ClientCalls", "io.grpc:grpc-stub" },
			{ "io.grpc.protobuf.ProtoUtils", "io.grpc:grpc-protobuf" },
			{ "io.grpc.health.v1.HealthGrpc", "io.grpc:grpc-services" },
			{ "io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder", "io.grpc:grpc-netty-shaded" } };

	/**
	 * Creates the provider; it is cheap and loads no gRPC class.
	 */
	public GrpcScoutProvider() {
	}

	/**
	 * Returns {@code grpc}.
	 * @return the model name
	 */
	@Override
	public String model() {
		return GrpcScout.MODEL;
	}

	/**
	 * Creates a {@link GrpcScout} from the options {@code service}, {@code tls}, {@code authority}
	 * and {@code mode}.
	 * @param options the options, possibly empty
	 * @return the scout
	 * @throws IllegalStateException if gRPC is not on the class path (the message names the artifacts)
	 * @throws dev.clavier.model.InvalidOptionException if an option is unknown or wrong
	 */
	@Override
	public Scout create(Map<String, String> options) {
		requireGrpc(GrpcScoutProvider.class.getClassLoader());
		ModelOptions reader = ModelOptions.of(GrpcScout.MODEL, options);
		GrpcScout.Builder builder = GrpcScout.builder();
		String service = reader.string("service");
		if (service != null) {
			builder.service(service);
		}
		Boolean tls = reader.bool("tls");
		if (tls != null) {
			builder.tls(tls);
		}
		String authority = reader.string("authority");
		if (authority != null) {
			builder.authority(authority);
		}
		String mode = reader.string("mode");
		if (mode != null) {
			builder.mode(GrpcScout.Mode.of(mode));
		}
		reader.done();
		return builder.build();
	}

	@Override
	public String toString() {
		return "GrpcScoutProvider";
	}

	/**
	 * Checks that the gRPC classes the scout needs can be loaded, without initialising them.
	 * @param loader the class loader to look in, {@code null} for the bootstrap loader
	 * @throws IllegalStateException naming the missing artifacts
	 */
	static void requireGrpc(@Nullable ClassLoader loader) {
		List<String> missing = new ArrayList<>();
		for (String[] required : REQUIRED) {
			try {
				Class.forName(required[0], false, loader);
			}
			catch (ClassNotFoundException | LinkageError ex) {
				missing.add(required[1]);
			}
		}
		if (!missing.isEmpty()) {
			throw new IllegalStateException("the grpc scout needs gRPC on the class path, missing: "
					+ String.join(", ", missing)
					+ " (dev.clavier:clavier-grpc brings them: do not exclude them, or add them back, versions from "
					+ "io.grpc:grpc-bom)");
		}
	}

}
