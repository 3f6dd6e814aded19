package dev.clavier.discovery.dns;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import dev.clavier.discovery.Discoveries;
import dev.clavier.discovery.Discovery;
import dev.clavier.discovery.DiscoveryProvider;
import dev.clavier.model.InvalidOptionException;
import dev.clavier.model.ModelOptions;

/**
 * Creates the {@code dns} discovery model from string options; found by
 * {@link java.util.ServiceLoader} as the built-in {@code dns} model. Thread-safe.
 */
public final class DnsDiscoveryProvider implements DiscoveryProvider {

	@Override
	public String model() {
		return "dns";
	}

	@Override
	public Discovery create(Map<String, String> options) {
		ModelOptions reader = ModelOptions.of(model(), options);
		DnsDiscovery.Builder builder = DnsDiscovery.builder();
		String name = reader.string("name");
		if (name != null) {
			ModelOptions.apply(model(), "name", () -> builder.name(name.trim()));
		}
		Integer port = reader.integer("port");
		if (port != null) {
			ModelOptions.apply(model(), "port", () -> builder.port(port));
		}
		String recordType = reader.string("record-type");
		if (recordType != null) {
			builder.recordType(recordType(reader, recordType));
		}
		String servers = reader.string("servers");
		if (servers != null) {
			ModelOptions.apply(model(), "servers", () -> builder.servers(Discoveries.list(servers)));
		}
		Duration minTtl = reader.duration("min-ttl");
		if (minTtl != null) {
			ModelOptions.apply(model(), "min-ttl", () -> builder.minTtl(minTtl));
		}
		Duration maxTtl = reader.duration("max-ttl");
		if (maxTtl != null) {
			ModelOptions.apply(model(), "max-ttl", () -> builder.maxTtl(maxTtl));
		}
		Duration queryTimeout = reader.duration("query-timeout");
		if (queryTimeout != null) {
			ModelOptions.apply(model(), "query-timeout", () -> builder.queryTimeout(queryTimeout));
		}
		reader.done();
		try {
			return builder.build();
		}
		catch (InvalidOptionException ex) {
			throw ex.within(model() + " options");
		}
	}

	private static DnsRecordType recordType(ModelOptions reader, String value) {
		try {
			return DnsRecordType.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
		}
		catch (IllegalArgumentException ex) {
			throw reader.invalid("record-type", value, "one of A, AAAA, A_AAAA, SRV");
		}
	}

}
