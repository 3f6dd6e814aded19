package dev.clavier.autoconfigure.loadbalancer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.clavier.endpoint.Endpoint;
import dev.clavier.filter.Filter;
import dev.clavier.filter.Filters;
import dev.clavier.listener.Listener;
import dev.clavier.listener.Selection;
import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.loadbalancer.HintRequestContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerProperties;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.http.HttpHeaders;
import org.springframework.util.MultiValueMap;
import org.springframework.util.StringUtils;

/**
 * Spring Cloud LoadBalancer's request-based preferences over a Clavier listener's current
 * selection, with Spring Cloud's own rules, so that a service switched to Clavier keeps them:
 * <ul>
 * <li><b>Sticky session</b> (only when the service's {@code configurations} is
 * {@code request-based-sticky-session}, as for Spring Cloud's
 * {@code RequestBasedStickySessionServiceInstanceListSupplier}): a request whose cookie named
 * {@code sticky-session.instance-id-cookie-name} holds the instance id of a pickable endpoint
 * ({@code host:port}, stable across snapshots) goes to that endpoint; otherwise the next rule
 * applies.</li>
 * <li><b>Hint</b> (as Spring Cloud's {@code HintBasedServiceInstanceListSupplier}): the hint is
 * the request's {@code hint-header-name} header, else the request context's hint (Spring Cloud
 * puts {@code hint.<id>}, else {@code hint.default}, else {@code "default"} there); when some
 * pickable endpoints carry that value as their {@value #HINT_METADATA_KEY} attribute (a
 * {@code DiscoveryClient} instance's metadata), the listener's filter picks among those only,
 * by weight; when none does, among all.</li>
 * <li><b>Same instance</b> (only when the service's {@code configurations} is
 * {@code same-instance-preference}, as for Spring Cloud's
 * {@code SameInstancePreferenceServiceInstanceListSupplier}): a request the rules above leave
 * free goes to the instance the service picked last while it is pickable; otherwise the
 * listener's filter picks, and that pick is the new preferred instance.</li>
 * </ul>
 * The maps these rules read are made once per selection; a call without a cookie rule and over
 * endpoints that carry no hint reads one reference and allocates nothing. Thread-safe.
 */
final class ClavierRequestPreferences {

	/**
	 * The endpoint attribute (instance metadata key) that holds an endpoint's hint, {@value}, as
	 * in Spring Cloud.
	 */
	static final String HINT_METADATA_KEY = "hint";

	/**
	 * The value of {@code spring.cloud.loadbalancer.configurations} that turns sticky sessions on,
	 * {@value}.
	 */
	static final String STICKY_SESSION_CONFIGURATION = "request-based-sticky-session";

	/**
	 * The value of {@code spring.cloud.loadbalancer.configurations} that turns the preference
	 * for the previous instance on, {@value}.
	 */
	static final String SAME_INSTANCE_CONFIGURATION = "same-instance-preference";

	private final ClavierServiceView view;

	private final String hintHeaderName;

	private final @Nullable String stickyCookieName;

	private final boolean sameInstance;

	private final Object lock = new Object();

	// written under lock
	private volatile Routes routes = Routes.NONE;

	// the instance picked last, with same-instance preference only
	private volatile @Nullable ClavierServiceInstance previous;

	/**
	 * Creates the preferences of one service.
	 * @param view the service's view of its listener
	 * @param hintHeaderName the header that carries a request's hint
	 * @param stickyCookieName the cookie that names a request's instance, or {@code null} when
	 * sticky sessions are off
	 * @param sameInstance whether a request prefers the instance picked last
	 */
	ClavierRequestPreferences(ClavierServiceView view, String hintHeaderName, @Nullable String stickyCookieName,
			boolean sameInstance) {
		this.view = Objects.requireNonNull(view, "view");
		this.hintHeaderName = Objects.requireNonNull(hintHeaderName, "hintHeaderName");
		this.stickyCookieName = StringUtils.hasText(stickyCookieName) ? stickyCookieName : null;
		this.sameInstance = sameInstance;
	}

	/**
	 * Returns the preferences Spring Cloud's properties of one service ask for.
	 * @param view the service's view of its listener
	 * @param properties the service's load-balancer properties ({@code clients.<id>.*} over the
	 * defaults)
	 * @param stickySession whether the service's {@code configurations} is
	 * {@value #STICKY_SESSION_CONFIGURATION}
	 * @param sameInstance whether the service's {@code configurations} is
	 * {@value #SAME_INSTANCE_CONFIGURATION}
	 * @return the preferences
	 */
	static ClavierRequestPreferences of(ClavierServiceView view, LoadBalancerProperties properties,
			boolean stickySession, boolean sameInstance) {
		return new ClavierRequestPreferences(view, properties.getHintHeaderName(),
				stickySession ? properties.getStickySession().getInstanceIdCookieName() : null, sameInstance);
	}

	/**
	 * Returns the index of the instance a request prefers.
	 * @param instances the instances of the listener's current selection, not empty
	 * @param request the request, as Spring Cloud hands it to the balancer
	 * @return an index into {@code instances}, or {@code -1} when the request has no
	 * preference among them and the listener's own pick applies
	 */
	@SuppressWarnings("rawtypes")
	int choose(ClavierServiceView.Instances instances, @Nullable Request request) {
		Routes routes = this.routes;
		if (routes.instances != instances) {
			routes = routes(instances);
		}
		if (!routes.hinted && this.stickyCookieName == null) {
			return this.sameInstance ? routes.indexOf(this.previous) : -1;
		}
		Object context = (request != null) ? request.getContext() : null;
		RequestData data = (context instanceof RequestDataContext dataContext) ? dataContext.getClientRequest() : null;
		if (this.stickyCookieName != null && data != null) {
			int index = routes.sticky(data, this.stickyCookieName);
			if (index >= 0) {
				return index;
			}
		}
		int index = routes.hinted ? routes.hinted(hint(context, data)) : -1;
		return (index < 0 && this.sameInstance) ? routes.indexOf(this.previous) : index;
	}

	/**
	 * Notes the instance a request was given, which the next requests prefer with same-instance
	 * preference; nothing otherwise.
	 * @param instance the instance
	 */
	void picked(ClavierServiceInstance instance) {
		if (this.sameInstance && this.previous != instance) {
			this.previous = instance;
		}
	}

	private @Nullable String hint(@Nullable Object context, @Nullable RequestData data) {
		String hint = null;
		if (data != null) {
			HttpHeaders headers = data.getHeaders();
			hint = (headers != null) ? headers.getFirst(this.hintHeaderName) : null;
		}
		if (!StringUtils.hasText(hint) && context instanceof HintRequestContext hintContext) {
			hint = hintContext.getHint();
		}
		return hint;
	}

	private Routes routes(ClavierServiceView.Instances instances) {
		synchronized (this.lock) {
			Routes routes = this.routes;
			if (routes.instances != instances) {
				routes = Routes.of(instances, filter(), this.stickyCookieName != null || this.sameInstance);
				this.routes = routes;
			}
			return routes;
		}
	}

	// The listener's own filter, so that a hinted subset is picked as the whole set is.
	private Filter filter() {
		Listener listener = this.view.listener();
		return (listener != null) ? listener.config().filter() : Filters.roundRobin();
	}

	@Override
	public String toString() {
		return "ClavierRequestPreferences[" + this.view.details().serviceId() + ", hint header "
				+ this.hintHeaderName + ", sticky cookie " + this.stickyCookieName + ", same instance "
				+ this.sameInstance + "]";
	}

	/**
	 * What the rules read for one selection: the index of each instance id and a selection per
	 * hint value. Immutable.
	 */
	private static final class Routes {

		static final Routes NONE = new Routes(null, Map.of(), Map.of());

		final ClavierServiceView.@Nullable Instances instances;

		final boolean hinted;

		private final Map<String, Integer> byInstanceId;

		private final Map<String, Hinted> byHint;

		private Routes(ClavierServiceView.@Nullable Instances instances, Map<String, Integer> byInstanceId,
				Map<String, Hinted> byHint) {
			this.instances = instances;
			this.byInstanceId = byInstanceId;
			this.byHint = byHint;
			this.hinted = !byHint.isEmpty();
		}

		static Routes of(ClavierServiceView.Instances instances, Filter filter, boolean byId) {
			Map<String, Integer> byInstanceId = new HashMap<>();
			Map<String, List<Integer>> indexesByHint = new LinkedHashMap<>();
			for (int i = 0; i < instances.size(); i++) {
				ClavierServiceInstance instance = instances.instance(i);
				if (byId) {
					byInstanceId.put(instance.getInstanceId(), i);
				}
				String hint = instance.endpoint().attributes().get(HINT_METADATA_KEY);
				if (hint != null && !hint.isEmpty()) {
					indexesByHint.computeIfAbsent(hint, (key) -> new ArrayList<>()).add(i);
				}
			}
			Map<String, Hinted> byHint = new HashMap<>();
			indexesByHint.forEach((hint, indexes) -> byHint.put(hint, Hinted.of(instances, indexes, filter)));
			return new Routes(instances, Map.copyOf(byInstanceId), Map.copyOf(byHint));
		}

		int sticky(RequestData data, String cookieName) {
			MultiValueMap<String, String> cookies = data.getCookies();
			String instanceId = (cookies != null) ? cookies.getFirst(cookieName) : null;
			if (instanceId == null) {
				return -1;
			}
			Integer index = this.byInstanceId.get(instanceId);
			return (index != null) ? index : -1;
		}

		int indexOf(@Nullable ClavierServiceInstance instance) {
			if (instance == null) {
				return -1;
			}
			Integer index = this.byInstanceId.get(instance.getInstanceId());
			return (index != null) ? index : -1;
		}

		int hinted(@Nullable String hint) {
			if (!StringUtils.hasText(hint)) {
				return -1;
			}
			Hinted hinted = this.byHint.get(hint);
			return (hinted != null) ? hinted.next() : -1;
		}

	}

	/**
	 * The endpoints of one hint value, picked by the listener's filter. Immutable apart from the
	 * selector's position.
	 */
	private static final class Hinted {

		private final Selection selection;

		private final int[] indexes;

		private Hinted(Selection selection, int[] indexes) {
			this.selection = selection;
			this.indexes = indexes;
		}

		static Hinted of(ClavierServiceView.Instances instances, List<Integer> indexes, Filter filter) {
			List<Endpoint> endpoints = new ArrayList<>(indexes.size());
			int[] array = new int[indexes.size()];
			for (int i = 0; i < array.length; i++) {
				array[i] = indexes.get(i);
				endpoints.add(instances.instance(array[i]).endpoint());
			}
			return new Hinted(Selection.of(endpoints, filter.selector(List.copyOf(endpoints)),
					instances.selection.isFallback()), array);
		}

		int next() {
			return this.indexes[this.selection.nextIndex()];
		}

	}

}
