package dev.clavier.autoconfigure.loadbalancer;

import java.util.Collection;
import java.util.Objects;

import dev.clavier.listener.Listener;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.ResponseData;

/**
 * Passive outlier detection: reports the outcome of every load-balanced call to a Clavier
 * endpoint back to the listener its {@link ClavierServiceView} is attached to
 * ({@link Listener#reportCall}). A call that failed (connection
 * refused, time-out, any exception) or answered one of the configured failure statuses counts
 * as failed; any other answer as a success. After the listener's number of consecutive failures
 * the endpoint leaves rotation until its next passing probe.
 * <p>
 * Instances that are not Clavier's (another supplier) and discarded requests are ignored.
 * Successful calls allocate nothing here. Thread-safe.
 */
final class ClavierLoadBalancerLifecycle implements LoadBalancerLifecycle<Object, Object, ServiceInstance> {

	private final ClavierServiceView view;

	private final boolean[] failureStatuses = new boolean[600];

	ClavierLoadBalancerLifecycle(ClavierServiceView view, Collection<Integer> failureStatuses) {
		this.view = Objects.requireNonNull(view, "view");
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
		Listener listener = this.view.listener();
		if (listener == null) {
			return;
		}
		if (completionContext.status() == CompletionContext.Status.FAILED) {
			listener.reportCall(instance.endpoint(), false, describe(completionContext.getThrowable()));
			return;
		}
		int status = status(completionContext.getClientResponse());
		if (status >= 0 && status < this.failureStatuses.length && this.failureStatuses[status]) {
			listener.reportCall(instance.endpoint(), false, "HTTP " + status);
		}
		else {
			listener.reportCall(instance.endpoint(), true, null);
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

}
