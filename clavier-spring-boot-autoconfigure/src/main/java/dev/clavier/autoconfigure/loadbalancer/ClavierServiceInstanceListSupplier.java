package dev.clavier.autoconfigure.loadbalancer;

import java.util.List;
import java.util.Objects;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Flux;

/**
 * Supplies the instances of one service from its {@link ClavierServiceView}: the endpoints the
 * listener's picks are currently made from (the healthy ones, or all of them when the listener
 * falls back), in the listener's stable order. The {@link Flux} replays the current list to each
 * new subscriber and emits again whenever the listener's selection changes; without a listener
 * (yet, or any more) the list is empty.
 * <p>
 * Only the service id, as the child context names it, and the view's flux: the view attaches to
 * the listener and owns the instances. Thread-safe.
 */
final class ClavierServiceInstanceListSupplier implements ServiceInstanceListSupplier {

	private final String serviceId;

	private final ClavierServiceView view;

	ClavierServiceInstanceListSupplier(String serviceId, ClavierServiceView view) {
		this.serviceId = Objects.requireNonNull(serviceId, "serviceId");
		this.view = Objects.requireNonNull(view, "view");
	}

	@Override
	public String getServiceId() {
		return this.serviceId;
	}

	@Override
	public Flux<List<ServiceInstance>> get() {
		return this.view.instanceLists();
	}

	@Override
	public String toString() {
		return "ClavierServiceInstanceListSupplier[" + this.serviceId + "]";
	}

}
