package dev.clavier.autoconfigure.loadbalancer;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import dev.clavier.listener.Listener;
import dev.clavier.listener.Pick;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.LoadBalancerRequest;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.ResponseData;

/**
 * Counts every load-balanced call to a Clavier endpoint in flight, and reports its outcome for
 * passive outlier detection, to the listener its {@link ClavierServiceView} is attached to.
 * <p>
 * <b>Calls in flight.</b> {@link #onStartRequest} starts a counted call ({@link Listener#start})
 * and {@link #onComplete} ends it, for RestClient, RestTemplate and WebClient alike: Spring Cloud
 * calls both with the same request object, the key of the call here. A call that fails before
 * or while sending is completed as failed by Spring Cloud. A WebClient exchange that is
 * cancelled (a timeout, a disposed subscription) gets no {@code onComplete} from Spring Cloud
 * 5.0: {@link ClavierCancelledCallFilter}, placed after Spring Cloud's filter on load-balanced
 * WebClient builders, ends it through {@link #cancelled}.
 * <p>
 * <b>Outcomes.</b> A call that failed (connection refused, time-out, any exception) or answered
 * one of the configured failure statuses counts as failed; any other answer as a success
 * ({@link Listener#reportCall}). After the listener's number of consecutive failures the
 * endpoint leaves rotation until its next passing probe.
 * <p>
 * Instances that are not Clavier's (another supplier) and discarded requests are ignored. Each
 * call allocates its count's handle and map entry. Thread-safe.
 */
final class ClavierLoadBalancerLifecycle implements LoadBalancerLifecycle<Object, Object, ServiceInstance> {

	private final ClavierServiceView view;

	private final boolean[] failureStatuses = new boolean[600];

	/** Calls started and not completed yet, by request identity. */
	private final Map<CallKey, Pick> calls = new ConcurrentHashMap<>();

	private final @Nullable ClavierCallHandoff handoff;

	ClavierLoadBalancerLifecycle(ClavierServiceView view, Collection<Integer> failureStatuses) {
		this(view, failureStatuses, null);
	}

	/**
	 * Creates a lifecycle.
	 * @param view the service's view
	 * @param failureStatuses the HTTP statuses that count as failed calls
	 * @param handoff hands reactive calls to {@link ClavierCancelledCallFilter}, or {@code null}
	 * without WebClient
	 */
	ClavierLoadBalancerLifecycle(ClavierServiceView view, Collection<Integer> failureStatuses,
			@Nullable ClavierCallHandoff handoff) {
		this.view = Objects.requireNonNull(view, "view");
		this.handoff = handoff;
		for (Integer status : failureStatuses) {
			if (status != null && status >= 0 && status < this.failureStatuses.length) {
				this.failureStatuses[status] = true;
			}
		}
	}

	@Override
	@SuppressWarnings("rawtypes")
	public boolean supports(Class requestContextClass, Class responseClass, Class serverTypeClass) {
		return ServiceInstance.class.isAssignableFrom(serverTypeClass);
	}

	@Override
	public void onStart(Request<Object> request) {
	}

	@Override
	public void onStartRequest(Request<Object> request, Response<ServiceInstance> lbResponse) {
		ServiceInstance server = (lbResponse != null) ? lbResponse.getServer() : null;
		if (!(server instanceof ClavierServiceInstance instance)) {
			return;
		}
		Listener listener = this.view.listener();
		if (listener == null) {
			return;
		}
		CallKey key = new CallKey(request);
		Pick previous = this.calls.put(key, listener.start(instance.endpoint()));
		if (previous != null) {
			// The same request started again without completing: its first count ends here.
			previous.close();
		}
		// A blocking call always completes; a reactive one may be cancelled, which only the
		// filter sees: it runs next, on this thread.
		if (this.handoff != null && !(request instanceof LoadBalancerRequest)) {
			this.handoff.offer(this, key, instance);
		}
	}

	/**
	 * Ends a call whose exchange was cancelled, without an outcome. Does nothing if it completed.
	 * @param key the call
	 */
	void cancelled(CallKey key) {
		Pick pick = this.calls.remove(key);
		if (pick != null) {
			pick.close();
		}
	}

	/**
	 * Returns how many calls this lifecycle holds in flight.
	 * @return the count
	 */
	int callsInFlight() {
		return this.calls.size();
	}

	@Override
	public void onComplete(CompletionContext<Object, ServiceInstance, Object> completionContext) {
		if (completionContext.status() == CompletionContext.Status.DISCARD) {
			return;
		}
		Response<ServiceInstance> response = completionContext.getLoadBalancerResponse();
		ServiceInstance server = (response != null) ? response.getServer() : null;
		if (!(server instanceof ClavierServiceInstance instance)) {
			return;
		}
		Request<Object> request = completionContext.getLoadBalancerRequest();
		Pick pick = (request != null) ? this.calls.remove(new CallKey(request)) : null;
		Listener listener = this.view.listener();
		if (pick == null && listener == null) {
			return;
		}
		if (completionContext.status() == CompletionContext.Status.FAILED) {
			report(pick, listener, instance, false, describe(completionContext.getThrowable()));
			return;
		}
		int status = status(completionContext.getClientResponse());
		if (status >= 0 && status < this.failureStatuses.length && this.failureStatuses[status]) {
			report(pick, listener, instance, false, "HTTP " + status);
		}
		else {
			report(pick, listener, instance, true, null);
		}
	}

	// The call's own count when it was started here, else the outcome alone.
	private static void report(@Nullable Pick pick, @Nullable Listener listener, ClavierServiceInstance instance,
			boolean success, @Nullable String error) {
		if (pick != null) {
			pick.complete(success, error);
		}
		else if (listener != null) {
			listener.reportCall(instance.endpoint(), success, error);
		}
	}

	// Spring Cloud hands blocking and reactive clients' answers over as ResponseData.
	private static int status(@Nullable Object clientResponse) {
		if (clientResponse instanceof ResponseData data) {
			return (data.getHttpStatus() != null) ? data.getHttpStatus().value() : -1;
		}
		return -1;
	}

	private static String describe(@Nullable Throwable throwable) {
		if (throwable == null) {
			return "call failed";
		}
		Throwable root = throwable;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = root.getMessage();
		return root.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	@Override
	public String toString() {
		return "ClavierLoadBalancerLifecycle[" + this.view.details().serviceId() + "]";
	}

	/**
	 * One call: its request, compared by identity (Spring Cloud's requests compare equal by
	 * their context).
	 */
	static final class CallKey {

		private final Object request;

		CallKey(Object request) {
			this.request = request;
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof CallKey that && that.request == this.request;
		}

		@Override
		public int hashCode() {
			return System.identityHashCode(this.request);
		}

	}

}
