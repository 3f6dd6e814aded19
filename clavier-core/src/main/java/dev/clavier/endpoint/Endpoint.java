package dev.clavier.endpoint;

import java.util.Map;
import java.util.Objects;

import dev.clavier.model.InvalidOptionException;
import org.jspecify.annotations.Nullable;

/**
 * One address of a service: a host (an IP literal or a host name), a port, a weight and
 * free-form attributes that discovery attached (for example an SRV record's priority).
 * <p>
 * Two endpoints with the same host and port are the same address to the engine; weight and
 * attributes may change between discoveries without resetting its health. IPv6 hosts are held
 * without brackets and written with them: {@code [::1]:8080}.
 * <p>
 * Instances are immutable and thread-safe.
 *
 * @param host the host, an IP literal (IPv6 without brackets) or a host name
 * @param port the port, 1 to 65535
 * @param weight the relative weight, 0 or more (1 unless discovery says otherwise)
 * @param attributes attributes set by discovery, never {@code null}
 */
public record Endpoint(String host, int port, int weight, Map<String, String> attributes) {

	/**
	 * The attribute that holds an endpoint's zone, {@value}: Spring Cloud's instance metadata key.
	 */
	public static final String ZONE_ATTRIBUTE = "zone";

	/**
	 * Creates an endpoint, checking every argument.
	 * @throws InvalidOptionException naming the first argument out of range
	 */
	public Endpoint {
		Objects.requireNonNull(host, "host");
		Objects.requireNonNull(attributes, "attributes");
		if (host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		if (host.isBlank()) {
			throw InvalidOptionException.quoted("host", host, "a host name or IP address", null);
		}
		if (port < 1 || port > 65535) {
			throw new InvalidOptionException("port", port, "1...65535");
		}
		if (weight < 0) {
			throw new InvalidOptionException("weight", weight, ">= 0");
		}
		attributes = Map.copyOf(attributes);
	}

	/**
	 * Returns an endpoint of weight 1 without attributes.
	 * @param host the host name or IP address
	 * @param port the port
	 * @return the endpoint
	 */
	public static Endpoint of(String host, int port) {
		return new Endpoint(host, port, 1, Map.of());
	}

	/**
	 * Returns the endpoint written as {@code host:port}, {@code [v6]:port} or {@code host}
	 * with {@code defaultPort} when the text has no port.
	 * @param text the text, for example {@code 10.0.0.1:8080}, {@code [::1]:8080} or {@code backend}
	 * @param defaultPort the port to use when the text has none, or 0 to require one
	 * @return the endpoint
	 * @throws InvalidOptionException if the text is not an endpoint (option {@code endpoint})
	 */
	public static Endpoint parse(String text, int defaultPort) {
		Objects.requireNonNull(text, "text");
		String trimmed = text.trim();
		String host;
		String portText = null;
		if (trimmed.startsWith("[")) {
			int close = trimmed.indexOf(']');
			if (close < 0) {
				throw endpoint(text, "[ipv6]:port, missing ']'");
			}
			host = trimmed.substring(1, close);
			String rest = trimmed.substring(close + 1);
			if (rest.startsWith(":")) {
				portText = rest.substring(1);
			}
			else if (!rest.isEmpty()) {
				throw endpoint(text, "[ipv6]:port");
			}
		}
		else {
			int colon = trimmed.indexOf(':');
			if (colon >= 0 && trimmed.indexOf(':', colon + 1) >= 0) {
				// More than one colon and no brackets: a bare IPv6 literal without a port.
				host = trimmed;
			}
			else if (colon >= 0) {
				host = trimmed.substring(0, colon);
				portText = trimmed.substring(colon + 1);
			}
			else {
				host = trimmed;
			}
		}
		if (host.isEmpty()) {
			throw endpoint(text, "host:port, the host is empty");
		}
		int port;
		if (portText == null) {
			if (defaultPort == 0) {
				throw endpoint(text, "host:port, the port is missing");
			}
			port = defaultPort;
		}
		else {
			try {
				port = Integer.parseInt(portText);
			}
			catch (NumberFormatException ex) {
				throw endpoint(text, "host:port, '" + portText + "' is not a port");
			}
			if (port < 1 || port > 65535) {
				throw endpoint(text, "a port in 1...65535");
			}
		}
		return of(host, port);
	}

	private static InvalidOptionException endpoint(String text, String expected) {
		return InvalidOptionException.quoted("endpoint", text, expected, null);
	}

	/**
	 * Returns a copy with another weight.
	 * @param weight the weight, 0 or more
	 * @return the copy
	 */
	public Endpoint withWeight(int weight) {
		return new Endpoint(this.host, this.port, weight, this.attributes);
	}

	/**
	 * Returns a copy with the given attributes.
	 * @param attributes the attributes
	 * @return the copy
	 */
	public Endpoint withAttributes(Map<String, String> attributes) {
		return new Endpoint(this.host, this.port, this.weight, attributes);
	}

	/**
	 * Returns the endpoint's zone: its attribute {@value #ZONE_ATTRIBUTE}.
	 * @return the zone, or {@code null} if it has none
	 */
	public @Nullable String zone() {
		return this.attributes.get(ZONE_ATTRIBUTE);
	}

	/**
	 * Returns whether the host is an IPv6 literal.
	 * @return {@code true} for an IPv6 host
	 */
	public boolean isIpv6() {
		return this.host.indexOf(':') >= 0;
	}

	/**
	 * Returns the host as it appears in a URI: IPv6 literals in brackets.
	 * @return the URI host
	 */
	public String uriHost() {
		return isIpv6() ? "[" + this.host + "]" : this.host;
	}

	/**
	 * Returns {@code host:port}, with brackets round an IPv6 host: the endpoint's identity.
	 * @return the address
	 */
	public String address() {
		return uriHost() + ":" + this.port;
	}

	/**
	 * Returns whether this endpoint has the same host and port as another.
	 * @param other the other endpoint
	 * @return {@code true} for the same address
	 */
	public boolean sameAddress(Endpoint other) {
		return this.port == other.port && this.host.equalsIgnoreCase(other.host);
	}

	@Override
	public String toString() {
		return address();
	}

}
