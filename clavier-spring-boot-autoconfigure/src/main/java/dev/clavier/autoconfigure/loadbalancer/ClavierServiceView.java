package dev.clavier.autoconfigure.loadbalancer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.clavier.Clavier;
import dev.clavier.ClavierObserver;
import dev.clavier.endpoint.Endpoint;
import dev.clavier.listener.Listener;
import dev.clavier.listener.ListenerObserver;
import dev.clavier.listener.ListenerSnapshot;
import dev.clavier.listener.Selection;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.Response;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One service's view of its Clavier listener, shared by the supplier, the load balancer and
 * the call reporter of a load-balancer child context.
 * <p>
 * <b>Attaching.</b> The listener is the engine's listener named by
 * {@link ClavierServiceDetails#listenerName()}. The view follows the engine's listeners as they
 * are added and removed ({@link Clavier#subscribe(ClavierObserver)}): no listener of that name
 * yet, or any more, means no instances; a listener added later, or removed and added again, is
 * attached when the engine reports it. Nothing is looked up on a call.
 * <p>
 * <b>Instances.</b> {@link #instances()} holds one {@link ClavierServiceInstance} and one
 * ready-made response per endpoint of the listener's current {@link Selection}, in its stable
 * order, rebuilt only when the selection instance changes (instances and responses of endpoints
 * that stay are kept). A call reads the attached listener and its selection and compares one
 * reference: no lock, no allocation. {@link #instanceLists()} replays the current list to each
 * new subscriber and emits again when the list changes.
 * <p>
 * A thin view over the engine: owns no thread; started by {@link #afterPropertiesSet()} and
 * stopped by {@link #destroy()}. Thread-safe.
 */
final class ClavierServiceView implements InitializingBean, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(ClavierServiceView.class);

	private final Clavier clavier;

	private final ClavierServiceDetails details;

	private final Object lock = new Object();

	private final Object rebuildLock = new Object();

	private final Sinks.Many<List<ServiceInstance>> sink = Sinks.many().replay().latest();

	private final Flux<List<ServiceInstance>> flux = this.sink.asFlux();

	private final ListenerObserver selectionObserver = new ListenerObserver() {

		@Override
		public void selectionChanged(ListenerSnapshot listener, List<Endpoint> selectable) {
			// Events of a listener the view has left (removed, replaced by one of the same name)
			// are harmless: emit() reads the listener the view is attached to now.
			emit();
		}

	};

	private volatile @Nullable Listener listener;

	// written under rebuildLock
	private volatile Instances current = Instances.EMPTY;

	// written under lock
	private volatile Instances emitted = Instances.EMPTY;

	// guarded by lock
	private @Nullable List<ServiceInstance> emittedList;

	// guarded by lock
	private @Nullable AutoCloseable engineSubscription;

	// guarded by lock
	private @Nullable AutoCloseable listenerSubscription;

	// guarded by lock
	private boolean started;

	// guarded by lock
	private boolean closed;

	/**
	 * Creates a view; {@link #afterPropertiesSet()} attaches it.
	 * @param clavier the engine
	 * @param details the service
	 */
	ClavierServiceView(Clavier clavier, ClavierServiceDetails details) {
		this.clavier = Objects.requireNonNull(clavier, "clavier");
		this.details = Objects.requireNonNull(details, "details");
	}

	/**
	 * Follows the engine's listeners, attaches to the service's listener if there is one, and
	 * emits the first list.
	 */
	@Override
	public void afterPropertiesSet() {
		synchronized (this.lock) {
			if (this.started || this.closed) {
				return;
			}
			this.started = true;
			// Subscribe first, then look up: a listener added in between is reported, not missed.
			this.engineSubscription = this.clavier.subscribe(new ClavierObserver() {

				@Override
				public void listenerAdded(Listener listener) {
					if (listener.name().equals(ClavierServiceView.this.details.listenerName())) {
						attach(listener);
					}
				}

				@Override
				public void listenerRemoved(Listener listener) {
					detach(listener);
				}

				@Override
				public String toString() {
					return ClavierServiceView.this.toString();
				}

			});
			emit();
		}
		this.clavier.listener(this.details.listenerName()).ifPresent(this::attach);
	}

	/**
	 * Returns the service.
	 * @return the details
	 */
	ClavierServiceDetails details() {
		return this.details;
	}

	/**
	 * Returns the attached listener.
	 * @return the listener, or {@code null} if the engine has none of that name
	 */
	@Nullable Listener listener() {
		return this.listener;
	}

	/**
	 * Returns the instances of the listener's current selection, rebuilt only when the
	 * selection instance changed. Neither locks nor allocates while it stays.
	 * @return the instances, empty without a listener
	 */
	Instances instances() {
		Listener listener = this.listener;
		Selection selection = (listener != null) ? listener.selection() : Selection.empty();
		Instances instances = this.current;
		return (instances.selection == selection) ? instances : rebuild();
	}

	/**
	 * Returns the lists of instances: the current one for each new subscriber, then one per
	 * change, equal lists emitted once; completes when the view is destroyed.
	 * @return the shared flux
	 */
	Flux<List<ServiceInstance>> instanceLists() {
		if (instances() != this.emitted) {
			// A change whose notification is still on its way: a new subscriber sees it now.
			emit();
		}
		return this.flux;
	}

	private Instances rebuild() {
		synchronized (this.rebuildLock) {
			// Read again under the lock: a caller that read an older selection builds the newest.
			Listener listener = this.listener;
			Selection selection = (listener != null) ? listener.selection() : Selection.empty();
			Instances instances = this.current;
			if (instances.selection != selection) {
				instances = instances.next(selection, this.details);
				this.current = instances;
			}
			return instances;
		}
	}

	private void attach(Listener candidate) {
		synchronized (this.lock) {
			if (this.closed || this.listener == candidate) {
				return;
			}
			closeListenerSubscription();
			this.listener = candidate;
			this.listenerSubscription = candidate.subscribe(this.selectionObserver);
			if (candidate.isClosed()) {
				// Removed before it could be attached; its removal may have been reported already.
				closeListenerSubscription();
				this.listener = null;
				return;
			}
			logger.debug("[{}] service '{}' attached", candidate.name(), this.details.serviceId());
			emit();
		}
	}

	private void detach(Listener candidate) {
		synchronized (this.lock) {
			if (this.listener != candidate) {
				return;
			}
			closeListenerSubscription();
			this.listener = null;
			logger.debug("[{}] service '{}' detached: listener removed", candidate.name(), this.details.serviceId());
			emit();
		}
	}

	private void emit() {
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			Instances instances = instances();
			this.emitted = instances;
			if (instances.list.equals(this.emittedList)) {
				return;
			}
			this.emittedList = instances.list;
			Sinks.EmitResult result = this.sink.tryEmitNext(instances.list);
			if (result.isFailure() && logger.isDebugEnabled()) {
				logger.debug("[{}] instance list not emitted: {}", this.details.listenerName(), result);
			}
		}
	}

	// guarded by lock
	private void closeListenerSubscription() {
		AutoCloseable subscription = this.listenerSubscription;
		this.listenerSubscription = null;
		close(subscription);
	}

	private void close(@Nullable AutoCloseable subscription) {
		if (subscription != null) {
			try {
				subscription.close();
			}
			catch (Exception ex) {
				logger.debug("[{}] could not unsubscribe", this.details.listenerName(), ex);
			}
		}
	}

	/**
	 * Stops following the engine and completes {@link #instanceLists()}. Idempotent.
	 */
	@Override
	public void destroy() {
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			close(this.engineSubscription);
			this.engineSubscription = null;
			closeListenerSubscription();
			this.listener = null;
			this.sink.tryEmitComplete();
		}
	}

	@Override
	public String toString() {
		Listener listener = this.listener;
		return "ClavierServiceView[" + this.details.serviceId() + " -> listener " + this.details.listenerName()
				+ ((listener != null) ? "" : " (none)") + "]";
	}

	/**
	 * One selection with an instance and a ready-made response per endpoint, in the
	 * selection's order. Immutable.
	 */
	static final class Instances {

		static final Instances EMPTY = new Instances(Selection.empty(), new ClavierServiceInstance[0], List.of());

		final Selection selection;

		final List<ServiceInstance> list;

		private final ClavierServiceInstance[] instances;

		private final List<Mono<Response<ServiceInstance>>> responses;

		private Instances(Selection selection, ClavierServiceInstance[] instances,
				List<Mono<Response<ServiceInstance>>> responses) {
			this.selection = selection;
			this.instances = instances;
			this.responses = responses;
			this.list = List.of(instances);
		}

		/**
		 * Returns how many instances there are.
		 * @return the size
		 */
		int size() {
			return this.instances.length;
		}

		/**
		 * Returns the instance at an index.
		 * @param index the index in the selection
		 * @return the instance
		 */
		ClavierServiceInstance instance(int index) {
			return this.instances[index];
		}

		/**
		 * Returns the ready-made response of the instance at an index.
		 * @param index the index in the selection
		 * @return the response, the same instance while the selection stays
		 */
		Mono<Response<ServiceInstance>> response(int index) {
			return this.responses.get(index);
		}

		/**
		 * Returns the instances of another selection, keeping the instance and the response of
		 * each endpoint that stays.
		 */
		Instances next(Selection selection, ClavierServiceDetails details) {
			Map<Endpoint, Integer> previous = new HashMap<>();
			for (int i = 0; i < this.instances.length; i++) {
				previous.put(this.instances[i].endpoint(), i);
			}
			List<Endpoint> endpoints = selection.endpoints();
			ClavierServiceInstance[] instances = new ClavierServiceInstance[endpoints.size()];
			List<Mono<Response<ServiceInstance>>> responses = new ArrayList<>(instances.length);
			for (int i = 0; i < instances.length; i++) {
				Endpoint endpoint = endpoints.get(i);
				Integer kept = previous.get(endpoint);
				if (kept != null) {
					instances[i] = this.instances[kept];
					responses.add(this.responses.get(kept));
				}
				else {
					instances[i] = new ClavierServiceInstance(details.serviceId(), endpoint, details.secure());
					responses.add(Mono.just(new DefaultResponse(instances[i])));
				}
			}
			return new Instances(selection, instances, List.copyOf(responses));
		}

	}

}
