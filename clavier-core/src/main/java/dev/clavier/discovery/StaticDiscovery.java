package dev.clavier.discovery;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.model.InvalidOptionException;

/**
 * The {@code static} discovery model: a fixed list of endpoints, answered once. In configuration
 * an entry is {@code host:port} ({@code [v6]:port} for IPv6), optionally with a weight and a
 * zone, in either order: {@code 10.0.0.1:8080;weight=3;zone=eu-1}.
 * <pre>{@code
 * Discovery d = StaticDiscovery.of(Endpoint.of("10.0.0.1", 8080), Endpoint.of("10.0.0.2", 8080));
 * }</pre>
 * Immutable and thread-safe.
 */
public final class StaticDiscovery implements Discovery {

	private static final String WEIGHT = "weight";

	private static final String ZONE = Endpoint.ZONE_ATTRIBUTE;

	private static final String ENTRY_SYNTAX = "host:port, optionally followed by ;weight=<0...65535> and ;zone=<zone>";

	private final List<Endpoint> endpoints;

	private StaticDiscovery(List<Endpoint> endpoints) {
		this.endpoints = List.copyOf(endpoints);
	}

	/**
	 * Returns a discovery of the given endpoints.
	 * @param endpoints the endpoints; duplicates of one address are an error
	 * @return the discovery
	 */
	public static StaticDiscovery of(Endpoint... endpoints) {
		return of(List.of(endpoints));
	}

	/**
	 * Returns a discovery of the given endpoints.
	 * @param endpoints the endpoints; duplicates of one address are an error
	 * @return the discovery
	 * @throws InvalidOptionException (option {@code endpoints}) if an address is listed twice
	 */
	public static StaticDiscovery of(List<Endpoint> endpoints) {
		Objects.requireNonNull(endpoints, "endpoints");
		List<Endpoint> seen = new ArrayList<>(endpoints.size());
		// A hash set rather than a scan of the earlier entries: ten thousand endpoints took seconds.
		Set<Address> addresses = new HashSet<>(Math.max(16, endpoints.size() * 4 / 3 + 1));
		for (Endpoint endpoint : endpoints) {
			Objects.requireNonNull(endpoint, "endpoints[" + seen.size() + "]");
			if (!addresses.add(new Address(endpoint))) {
				throw InvalidOptionException.withMessage("endpoints: " + endpoint + " is listed twice", "endpoints",
						endpoint, "every address once", null);
			}
			seen.add(endpoint);
		}
		return new StaticDiscovery(seen);
	}

	/**
	 * Returns a discovery of endpoints written as {@code host:port} ({@code [v6]:port} for IPv6),
	 * as configuration gives them, each optionally followed by a weight: {@code 10.0.0.1:8080;weight=3},
	 * {@code [::1]:8080;weight=3}, and a zone: {@code 10.0.0.1:8080;zone=eu-1;weight=3} (parameters in
	 * either order, each at most once). The weight is an integer in 0...65535 (as an SRV record's), 1 when
	 * absent; 0 means a very small share while another endpoint has a positive weight (see
	 * {@link dev.clavier.filter.Filters#roundRobin()}). The zone becomes the endpoint's attribute
	 * {@value Endpoint#ZONE_ATTRIBUTE}, which zone preference reads
	 * ({@link dev.clavier.listener.ListenerConfig.Builder#zone}).
	 * @param defaultPort the port for entries without one, or 0 to require one
	 * @param addresses the addresses, at least one
	 * @return the discovery
	 * @throws InvalidOptionException naming the first bad entry (option {@code endpoints[<index>]}),
	 * or option {@code endpoints} when there is none or one address is listed twice
	 */
	public static StaticDiscovery parse(int defaultPort, List<String> addresses) {
		Objects.requireNonNull(addresses, "addresses");
		if (addresses.isEmpty()) {
			throw new InvalidOptionException("endpoints", null, "at least one host:port entry");
		}
		List<Endpoint> endpoints = new ArrayList<>(addresses.size());
		for (int i = 0; i < addresses.size(); i++) {
			try {
				endpoints.add(entry(Objects.requireNonNull(addresses.get(i), "addresses[" + i + "]"), defaultPort));
			}
			catch (InvalidOptionException ex) {
				String entry = "endpoints[" + i + "]";
				throw ex.within(entry, entry);
			}
		}
		return of(endpoints);
	}

	/**
	 * Reads one entry: an address, then {@code ;name=value} parameters ({@code weight}, {@code zone}).
	 * Neither a host name nor an IP literal holds a {@code ;}, so the first one ends the address.
	 */
	private static Endpoint entry(String text, int defaultPort) {
		int semicolon = text.indexOf(';');
		if (semicolon < 0) {
			return Endpoint.parse(text, defaultPort);
		}
		Endpoint endpoint = Endpoint.parse(text.substring(0, semicolon), defaultPort);
		Integer weight = null;
		String zone = null;
		for (String parameter : text.substring(semicolon + 1).split(";", -1)) {
			int equals = parameter.indexOf('=');
			String name = (equals < 0) ? parameter.trim() : parameter.substring(0, equals).trim();
			String value = (equals < 0) ? "" : parameter.substring(equals + 1).trim();
			if (equals < 0 || !(name.equals(WEIGHT) || name.equals(ZONE))) {
				throw InvalidOptionException.quoted("endpoint", text.trim(),
						ENTRY_SYNTAX + ", '" + parameter.trim() + "' is neither weight=<n> nor zone=<zone>", null);
			}
			if ((name.equals(WEIGHT) && weight != null) || (name.equals(ZONE) && zone != null)) {
				throw InvalidOptionException.quoted("endpoint", text.trim(), ENTRY_SYNTAX + ", " + name + " given twice",
						null);
			}
			if (name.equals(WEIGHT)) {
				weight = weight(value);
			}
			else {
				zone = zone(value);
			}
		}
		Endpoint parsed = (weight != null) ? endpoint.withWeight(weight) : endpoint;
		return (zone != null) ? parsed.withAttributes(Map.of(ZONE, zone)) : parsed;
	}

	private static String zone(String text) {
		if (text.isEmpty()) {
			throw InvalidOptionException.quoted(ZONE, text, "a zone name such as eu-1", null);
		}
		return text;
	}

	private static int weight(String text) {
		int weight;
		try {
			weight = Integer.parseInt(text);
		}
		catch (NumberFormatException ex) {
			throw InvalidOptionException.quoted(WEIGHT, text, "an integer in 0...65535", null);
		}
		if (weight < 0 || weight > 65535) {
			throw new InvalidOptionException(WEIGHT, weight, "0...65535");
		}
		return weight;
	}

	/**
	 * Returns the endpoints.
	 * @return an unmodifiable list
	 */
	public List<Endpoint> endpoints() {
		return this.endpoints;
	}

	@Override
	public String model() {
		return "static";
	}

	@Override
	public DiscoverySession open(DiscoveryContext context) {
		DiscoveryResult result = DiscoveryResult.of(this.endpoints, null);
		String target = describe();
		return new DiscoverySession() {

			@Override
			public CompletableFuture<DiscoveryResult> discover() {
				return CompletableFuture.completedFuture(result);
			}

			@Override
			public String target() {
				return target;
			}

		};
	}

	private String describe() {
		List<Endpoint> shown = (this.endpoints.size() > 10) ? this.endpoints.subList(0, 10) : this.endpoints;
		return shown + ((this.endpoints.size() > 10) ? " (+" + (this.endpoints.size() - 10) + " more)" : "");
	}

	@Override
	public String toString() {
		return "StaticDiscovery" + describe();
	}

	/**
	 * An endpoint's address as a hash key whose equality is {@link Endpoint#sameAddress}, so
	 * that duplicates are exactly the ones the engine treats as one address.
	 */
	private static final class Address {

		private final Endpoint endpoint;

		private final int hash;

		Address(Endpoint endpoint) {
			this.endpoint = endpoint;
			this.hash = 31 * foldedHash(endpoint.host()) + endpoint.port();
		}

		/**
		 * Returns a hash equal for any two hosts that {@link String#equalsIgnoreCase} finds equal.
		 * Each char is folded as that method compares it (upper case, then lower case), which
		 * also maps the Kelvin sign to 'k' and the dotless i to 'i'; surrogates add a constant,
		 * because equalsIgnoreCase compares supplementary characters as code points.
		 */
		private static int foldedHash(String host) {
			int hash = host.length();
			for (int i = 0; i < host.length(); i++) {
				char c = host.charAt(i);
				int folded = Character.isSurrogate(c) ? 0 : Character.toLowerCase(Character.toUpperCase((int) c));
				hash = 31 * hash + folded;
			}
			return hash;
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Address address && this.endpoint.sameAddress(address.endpoint);
		}

		@Override
		public int hashCode() {
			return this.hash;
		}

	}

}
