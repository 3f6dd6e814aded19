package dev.clavier.sample;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The dashboard's API: the demo backends and what can be done to them, and call bursts.
 * <ul>
 * <li>{@code GET /demo/backends}: every backend and its state;</li>
 * <li>{@code POST /demo/backends/{id}/{action}} with action {@code fail}, {@code recover},
 * {@code stop} or {@code start};</li>
 * <li>{@code POST /demo/burst?service=backend&calls=100}: calls the service through the
 * {@code @LoadBalanced} clients and counts where the calls went.</li>
 * </ul>
 */
@RestController
@RequestMapping("/demo")
class DemoController {

	private final DemoInfrastructure infrastructure;

	private final CallBurst burst;

	DemoController(DemoInfrastructure infrastructure, CallBurst burst) {
		this.infrastructure = infrastructure;
		this.burst = burst;
	}

	@GetMapping("/backends")
	List<BackendView> backends() {
		return this.infrastructure.backends().stream().map(BackendView::of).toList();
	}

	@PostMapping("/backends/{id}/{action}")
	BackendView act(@PathVariable String id, @PathVariable String action) {
		DemoBackend backend = this.infrastructure.backend(id)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No demo backend " + id));
		switch (action) {
			case "fail" -> backend.failing(true);
			case "recover" -> backend.failing(false);
			case "stop" -> backend.stop();
			case "start" -> backend.start();
			default -> throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"action: " + action + " (expected: fail, recover, stop or start)");
		}
		return BackendView.of(backend);
	}

	@PostMapping("/burst")
	CallBurst.Result burst(@RequestParam(defaultValue = "backend") String service,
			@RequestParam(defaultValue = "100") int calls) {
		if (calls < 1 || calls > CallBurst.MAX_CALLS) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"calls: " + calls + " (expected: 1..." + CallBurst.MAX_CALLS + ")");
		}
		if (!CallBurst.SERVICES.contains(service)) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"service: " + service + " (expected: one of " + CallBurst.SERVICES + ")");
		}
		return this.burst.send(service, calls);
	}

	/**
	 * A backend as the dashboard shows it.
	 *
	 * @param id the id, for example {@code http-2}
	 * @param kind {@code http} or {@code grpc}
	 * @param host the host
	 * @param port the port
	 * @param address {@code host:port}
	 * @param running whether it accepts connections
	 * @param failing whether its health check fails on purpose
	 * @param health what its health check answers, for example {@code HTTP 503}
	 */
	record BackendView(String id, String kind, String host, int port, String address, boolean running,
			boolean failing, String health) {

		static BackendView of(DemoBackend backend) {
			return new BackendView(backend.id(), backend.kind(), backend.host(), backend.port(),
					backend.host() + ":" + backend.port(), backend.isRunning(), backend.isFailing(),
					backend.healthAnswer());
		}

	}

}
