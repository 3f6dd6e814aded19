package dev.clavier.autoconfigure.loadbalancer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.clavier.Clavier;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerObserver;
import dev.clavier.listener.Selection;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Supplies the instances of one Clavier listener, the endpoints its picks are currently made
 * from (the healthy ones, or all of them when the listener falls back), in the listener's stable
 * order. The {@link Flux} replays the current list to each new subscriber and emits again
 * whenever the listener's selection changes.
 * <p>
 * No listener of that name (yet, or any more): the list is empty, and the listener is looked up
 * again on the next call; a listener removed and added again is followed.
 * <p>
 * Also the cache the load balancer picks from: one {@link ClavierServiceInstance} and one
 * ready-made response per endpoint, rebuilt only when the listener's {@link Selection} instance
 * changes. A thin view over the engine: owns no thread. Thread-safe.
 */
final class ClavierServiceInstanceListSupplier implements ServiceInstanceListSupplier, InitializingBean, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(ClavierServiceInstanceListSupplier.class);

	private final String serviceId;

	private final Clavier clavier;

	private final boolean secure;

	private final Object lock = new Object();

	private final Sinks.Many<List<ServiceInstance>> sink = Sinks.many().replay().latest();

	private final Flux<List<ServiceInstance>> flux = this.sink.asFlux();

	private volatile @Nullable Listener listener;

	// guarded by lock
	private @Nullable AutoCloseable subscription;

	// guarded by lock
	private @Nullable List<ServiceInstance> emitted;

	private volatile Snapshot snapshot;

	ClavierServiceInstanceListSupplier(String serviceId, Clavier clavier, boolean secure) {
		this.serviceId = serviceId;
		this.clavier = clavier;
		this.secure = secure;
		this.snapshot = new Snapshot(Selection.empty(), new ClavierServiceInstance[0]);
	}

	@Override
	public void afterPropertiesSet() {
		attach();
	}

	@Override
	public String getServiceId() {
		return this.serviceId;
	}

	@Override
	public Flux<List<ServiceInstance>> get() {
		listener();
		return this.flux;
	}

	/**
	 * Returns the listener, looking it up again when there was none or it was closed.
	 * @return the listener, or {@code null} if the engine has none of that name
	 */
	@Nullable Listener listener() {
		Listener current = this.listener;
		if (current != null && !current.isClosed()) {
			return current;
		}
		return attach();
	}

	/**
	 * Returns the instances of the listener's current selection, rebuilt only when it changed.
	 * @return the snapshot
	 */
	Snapshot snapshot() {
		return snapshot(listener());
	}

	private Snapshot snapshot(@Nullable Listener current) {
		Selection selection = (current != null) ? current.selection() : Selection.empty();
		Snapshot cached = this.snapshot;
		if (cached.selection == selection) {
			return cached;
		}
		Snapshot rebuilt = cached.next(selection, this.serviceId, this.secure);
		this.snapshot = rebuilt;
		return rebuilt;
	}

	private @Nullable Listener attach() {
		synchronized (this.lock) {
			Listener current = this.listener;
			if (current != null && !current.isClosed()) {
				return current;
			}
			closeSubscription();
			current = this.clavier.isClosed() ? null : this.clavier.listener(this.serviceId).orElse(null);
			this.listener = current;
			if (current != null) {
				this.subscription = current.subscribe(new ListenerObserver() {

					@Override
					public void selectionChanged(Listener listener, List<Endpoint> selectable) {
						emit(listener);
					}

				});
			}
			emit(current);
			return current;
		}
	}

	private void emit(@Nullable Listener current) {
		List<ServiceInstance> instances = snapshot(current).list;
		synchronized (this.lock) {
			if (instances.equals(this.emitted)) {
				return;
			}
			this.emitted = instances;
			Sinks.EmitResult result = this.sink.tryEmitNext(instances);
			if (result.isFailure() && logger.isDebugEnabled()) {
				logger.debug("[{}] instance list not emitted: {}", this.serviceId, result);
			}
		}
	}

	// guarded by lock
	private void closeSubscription() {
		AutoCloseable current = this.subscription;
		this.subscription = null;
		if (current != null) {
			try {
				current.close();
			}
			catch (Exception ex) {
				logger.debug("[{}] could not unsubscribe from the listener", this.serviceId, ex);
			}
		}
	}

	@Override
	public void destroy() {
		synchronized (this.lock) {
			closeSubscription();
			this.listener = null;
			this.sink.tryEmitComplete();
		}
	}

	@Override
	public String toString() {
		return "ClavierServiceInstanceListSupplier[" + this.serviceId + "]";
	}

	/**
	 * One selection with an instance and a ready-made response per endpoint. Immutable.
	 */
	static final class Snapshot {

		final Selection selection;

		final ClavierServiceInstance[] instances;

		final List<Mono<Response<ServiceInstance>>> responses;

		final List<ServiceInstance> list;

		Snapshot(Selection selection, ClavierServiceInstance[] instances) {
			this.selection = selection;
			this.instances = instances;
			List<Mono<Response<ServiceInstance>>> responses = new ArrayList<>(instances.length);
			for (ClavierServiceInstance instance : instances) {
				responses.add(Mono.just(new DefaultResponse(instance)));
			}
			this.responses = Collections.unmodifiableList(responses);
			this.list = List.of(instances);
		}

		int size() {
			return this.instances.length;
		}

		/**
		 * Returns the snapshot of another selection, keeping the instances of endpoints that stay.
		 */
		Snapshot next(Selection selection, String serviceId, boolean secure) {
			Map<Endpoint, ClavierServiceInstance> previous = new HashMap<>();
			for (ClavierServiceInstance instance : this.instances) {
				previous.put(instance.endpoint(), instance);
			}
			List<Endpoint> endpoints = selection.endpoints();
			ClavierServiceInstance[] instances = new ClavierServiceInstance[endpoints.size()];
			for (int i = 0; i < instances.length; i++) {
				Endpoint endpoint = endpoints.get(i);
				ClavierServiceInstance instance = previous.get(endpoint);
				instances[i] = (instance != null) ? instance : new ClavierServiceInstance(serviceId, endpoint, secure);
			}
			return new Snapshot(selection, instances);
		}

	}

}
