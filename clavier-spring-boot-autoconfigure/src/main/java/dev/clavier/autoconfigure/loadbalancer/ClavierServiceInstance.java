package dev.clavier.autoconfigure.loadbalancer;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

import dev.clavier.endpoint.Endpoint;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.ServiceInstance;

/**
 * A Clavier {@link Endpoint} seen as a Spring Cloud {@link ServiceInstance}: the instance id is
 * the endpoint's {@code host:port}, the host is written as in a URI ({@code [::1]} for IPv6),
 * and the metadata are the attributes discovery attached. {@link #endpoint()} gives the endpoint
 * back, so that call outcomes reach the right endpoint's health. Immutable and thread-safe.
 */
public final class ClavierServiceInstance implements ServiceInstance {

	private final String serviceId;

	private final Endpoint endpoint;

	private final boolean secure;

	private final URI uri;

	/**
	 * Creates an instance.
	 * @param serviceId the service id ({@link ClavierServiceDetails#serviceId()}; by default the listener's name)
	 * @param endpoint the endpoint
	 * @param secure whether calls use TLS
	 */
	public ClavierServiceInstance(String serviceId, Endpoint endpoint, boolean secure) {
		this.serviceId = Objects.requireNonNull(serviceId, "serviceId");
		this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
		this.secure = secure;
		this.uri = URI.create((secure ? "https" : "http") + "://" + endpoint.address());
	}

	/**
	 * Returns the Clavier endpoint behind this instance.
	 * @return the endpoint
	 */
	public Endpoint endpoint() {
		return this.endpoint;
	}

	@Override
	public String getInstanceId() {
		return this.endpoint.address();
	}

	@Override
	public String getServiceId() {
		return this.serviceId;
	}

	@Override
	public String getHost() {
		return this.endpoint.uriHost();
	}

	@Override
	public int getPort() {
		return this.endpoint.port();
	}

	@Override
	public boolean isSecure() {
		return this.secure;
	}

	@Override
	public URI getUri() {
		return this.uri;
	}

	@Override
	public Map<String, String> getMetadata() {
		return this.endpoint.attributes();
	}

	/**
	 * Returns whether another instance is at the same host and port.
	 * @param other another instance, possibly not a Clavier one
	 * @return {@code true} for the same address
	 */
	boolean sameAddress(@Nullable ServiceInstance other) {
		if (other instanceof ClavierServiceInstance clavier) {
			return clavier.endpoint.sameAddress(this.endpoint);
		}
		return other != null && other.getPort() == this.endpoint.port() && other.getHost() != null
				&& (other.getHost().equalsIgnoreCase(this.endpoint.host())
						|| other.getHost().equalsIgnoreCase(this.endpoint.uriHost()));
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof ClavierServiceInstance that && this.serviceId.equals(that.serviceId)
				&& this.secure == that.secure && this.endpoint.equals(that.endpoint);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.serviceId, this.endpoint);
	}

	@Override
	public String toString() {
		return "ClavierServiceInstance[" + this.serviceId + " " + this.endpoint.address() + "]";
	}

}
