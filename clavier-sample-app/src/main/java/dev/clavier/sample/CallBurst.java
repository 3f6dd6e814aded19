package dev.clavier.sample;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Sends a burst of calls to {@code http://<service>/hello} through the {@code @LoadBalanced}
 * {@link RestClient} (four calls in five) and {@link WebClient} (one in five), and counts the
 * calls per backend from the {@code X-Backend} header that every demo backend sets. Calls run
 * one after another; thread-safe.
 */
@Component
class CallBurst {

	/**
	 * The most calls one burst makes.
	 */
	static final int MAX_CALLS = 1000;

	/**
	 * The services a burst may call: the HTTP listeners of {@code application.yml}.
	 */
	static final List<String> SERVICES = List.of("backend", "backend-static", "backend-weighted");

	private static final String BACKEND_HEADER = "X-Backend";

	private static final Duration WEB_CLIENT_TIMEOUT = Duration.ofSeconds(5);

	private final RestClient restClient;

	private final WebClient webClient;

	CallBurst(RestClient.Builder loadBalancedRestClientBuilder, WebClient.Builder loadBalancedWebClientBuilder) {
		this.restClient = loadBalancedRestClientBuilder.build();
		this.webClient = loadBalancedWebClientBuilder.build();
	}

	Result send(String service, int calls) {
		String uri = "http://" + service + "/hello";
		Map<String, Integer> byBackend = new TreeMap<>();
		Map<String, Integer> byClient = new LinkedHashMap<>();
		byClient.put("RestClient", 0);
		byClient.put("WebClient", 0);
		int failures = 0;
		String lastError = null;
		long started = System.nanoTime();
		for (int i = 0; i < calls; i++) {
			boolean web = (i % 5) == 4;
			String client = web ? "WebClient" : "RestClient";
			try {
				ResponseEntity<String> response = web
						? this.webClient.get().uri(uri).retrieve().toEntity(String.class).block(WEB_CLIENT_TIMEOUT)
						: this.restClient.get().uri(uri).retrieve().toEntity(String.class);
				String backend = (response != null) ? response.getHeaders().getFirst(BACKEND_HEADER) : null;
				byBackend.merge((backend != null) ? backend : "unknown", 1, Integer::sum);
				byClient.merge(client, 1, Integer::sum);
			}
			catch (RuntimeException ex) {
				failures++;
				lastError = client + ": " + ex.getMessage();
			}
		}
		long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
		return new Result(service, calls, byBackend, byClient, failures, lastError, millis);
	}

	/**
	 * Where a burst's calls went.
	 *
	 * @param service the service id called
	 * @param calls the number of calls
	 * @param byBackend successful calls per backend ({@code host:port}, from {@code X-Backend})
	 * @param byClient successful calls per client
	 * @param failures the calls that failed
	 * @param lastError the last failure's message, or {@code null}
	 * @param durationMs how long the burst took
	 */
	record Result(String service, int calls, Map<String, Integer> byBackend, Map<String, Integer> byClient,
			int failures, @Nullable String lastError, long durationMs) {
	}

}
