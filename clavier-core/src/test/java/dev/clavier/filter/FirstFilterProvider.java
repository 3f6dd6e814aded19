package dev.clavier.filter;

import java.util.List;
import java.util.Map;

import dev.clavier.endpoint.Endpoint;

/**
 * A user-style filter model registered with {@link java.util.ServiceLoader} in the test
 * resources, proving that custom models plug in by name.
 */
public class FirstFilterProvider implements FilterProvider {

	@Override
	public String model() {
		return "first";
	}

	@Override
	public Filter create(Map<String, String> options) {
		return new Filter() {

			@Override
			public String model() {
				return "first";
			}

			@Override
			public EndpointSelector selector(List<Endpoint> endpoints) {
				return () -> 0;
			}

		};
	}

}
