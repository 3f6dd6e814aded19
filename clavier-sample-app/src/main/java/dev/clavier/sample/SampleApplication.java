package dev.clavier.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The Clavier sample: demo backends and a DNS server on loopback (started by
 * {@link DemoInfrastructureInitializer} before any bean), three Clavier listeners declared in
 * {@code application.yml}, {@code @LoadBalanced} clients that call {@code http://backend/...},
 * and a live dashboard at {@code /}.
 */
@SpringBootApplication
public class SampleApplication {

	/**
	 * Starts the sample.
	 * @param args the command-line arguments
	 */
	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

	@Bean
	@LoadBalanced
	RestClient.Builder loadBalancedRestClientBuilder() {
		return RestClient.builder();
	}

	@Bean
	@LoadBalanced
	WebClient.Builder loadBalancedWebClientBuilder() {
		return WebClient.builder();
	}

}
