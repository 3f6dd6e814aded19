package dev.clavier.benchmarks;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

/**
 * The application the Spring benchmarks run: Boot auto-configuration with Clavier's starter
 * beans, one Clavier listener {@value #CLAVIER} and one service id {@value #SPRING_CLOUD} that
 * keeps Spring Cloud LoadBalancer's defaults (simple discovery client instances), both over the
 * same backends.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class BenchmarkApplication {

	/** The service id Clavier serves. */
	public static final String CLAVIER = "backend";

	/** The service id Spring Cloud LoadBalancer's defaults serve. */
	public static final String SPRING_CLOUD = "other";

	@Bean
	@LoadBalanced
	RestClient.Builder loadBalancedRestClientBuilder() {
		return RestClient.builder();
	}

	/**
	 * Starts the application over the given backends.
	 * @param backends the backends' addresses
	 * @param healthPath the HTTP health path both Clavier's scout and nothing else use
	 * @param interval Clavier's probe interval, such as {@code 1s}
	 * @param extra further properties
	 * @return the running context
	 */
	public static ConfigurableApplicationContext start(List<InetSocketAddress> backends, String healthPath,
			String interval, Map<String, Object> extra) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.main.banner-mode", "off");
		properties.put("logging.level.root", "WARN");
		properties.put("clavier.startup.wait", "30s");
		String listener = "clavier.listeners." + CLAVIER + ".";
		properties.put(listener + "discovery.model", "static");
		properties.put(listener + "discovery.static.endpoints",
				backends.stream().map(BenchmarkApplication::hostAndPort).collect(Collectors.joining(",")));
		properties.put(listener + "scout.model", "http");
		properties.put(listener + "scout.http.path", healthPath);
		properties.put(listener + "scout.interval", interval);
		properties.put(listener + "scout.timeout", "500ms");
		for (int i = 0; i < backends.size(); i++) {
			properties.put("spring.cloud.discovery.client.simple.instances." + SPRING_CLOUD + "[" + i + "].uri",
					"http://" + hostAndPort(backends.get(i)));
		}
		properties.putAll(extra);
		return new SpringApplicationBuilder(BenchmarkApplication.class).web(WebApplicationType.NONE)
			.properties(properties)
			.run();
	}

	static String hostAndPort(InetSocketAddress address) {
		return address.getAddress().getHostAddress() + ":" + address.getPort();
	}

}
