package dev.clavier.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.clavier.discovery.dns.DnsRecordType;
import dev.clavier.listener.AllDownPolicy;
import dev.clavier.listener.ListenerConfig;
import dev.clavier.scout.HttpScout;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Configuration properties for Clavier: one entry under {@code clavier.listeners} per service
 * id that {@code @LoadBalanced} clients call, saying how its endpoints are discovered, probed
 * and picked.
 * <pre>{@code
 * clavier:
 *   listeners:
 *     backend:
 *       discovery:
 *         model: dns
 *         dns: { name: backend.svc.cluster.local, port: 8080 }
 *       scout:
 *         model: http
 *         http: { path: /health }
 * }</pre>
 * Every per-listener setting may also be set under {@code clavier.defaults}, which each listener
 * inherits key by key, as {@code spring.cloud.loadbalancer.clients.<id>} inherits
 * {@code spring.cloud.loadbalancer}; the listeners map holds the result.
 * What only Spring's side knows is checked once bound (service ids, start-up wait, outlier
 * detection); the engine checks every other value when the listeners are created. Either way a
 * bad value fails start-up with a {@link ClavierConfigurationException} naming its property.
 * Not thread-safe; bound once at start-up and read afterwards.
 */
@ConfigurationProperties("clavier")
public class ClavierProperties implements InitializingBean {

	private static final Pattern HOST_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

	/**
	 * Whether Clavier is enabled.
	 */
	private boolean enabled = true;

	/**
	 * Number of threads of the engine's I/O event loop, 1 to 64. Default: the number of
	 * processors, at most 2.
	 */
	private @Nullable Integer ioThreads;

	/**
	 * Live reconfiguration.
	 */
	public static class Refresh {

		/**
		 * Whether configuration changed at run time (Spring Cloud's EnvironmentChangeEvent:
		 * /actuator/refresh, Spring Cloud Config, Kubernetes reloads) adds, removes and changes
		 * listeners in place. Needs Spring Cloud Context on the class path.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Start-up behaviour.
	 */
	private final Startup startup = new Startup();

	/**
	 * Live reconfiguration.
	 */
	private final Refresh refresh = new Refresh();

	/**
	 * Listeners by service id: each one discovers, probes and picks the endpoints that
	 * http://service-id/ calls reach.
	 */
	private final Map<String, Listener> listeners = new LinkedHashMap<>();

	/**
	 * Settings every listener inherits: each clavier.listeners.<id>.* key overrides the same key
	 * here, and a listener inherits every key it does not set.
	 */
	private final Listener defaults = new Listener();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable Integer getIoThreads() {
		return this.ioThreads;
	}

	public void setIoThreads(@Nullable Integer ioThreads) {
		this.ioThreads = ioThreads;
	}

	public Startup getStartup() {
		return this.startup;
	}

	public Refresh getRefresh() {
		return this.refresh;
	}

	public Map<String, Listener> getListeners() {
		return this.listeners;
	}

	public Listener getDefaults() {
		return this.defaults;
	}

	/**
	 * Checks what only Spring's side knows: the service ids, the start-up wait and the outlier
	 * detection of the load-balancer bridge. Every other rule is the engine's own: its builders
	 * check each value when the listeners are created, and the failure names the property.
	 * @throws ClavierConfigurationException naming the first property with a bad value
	 */
	@Override
	public void afterPropertiesSet() {
		if (this.startup.getWait().isNegative()) {
			throw new ClavierConfigurationException("clavier.startup.wait", this.startup.getWait(), "expected: >= 0",
					"write a duration such as 10s, or 0 not to wait for the first probes");
		}
		this.listeners.forEach(this::validate);
	}

	/**
	 * Binds and checks the {@code clavier.*} properties of an environment as they are now, into a
	 * new instance: what the application context's bean holds after start-up, and what a
	 * configuration change at run time is compared against.
	 * @param environment the environment
	 * @return the properties, checked
	 * @throws ClavierConfigurationException naming the first property with a bad value
	 */
	public static ClavierProperties bind(Environment environment) {
		// Listeners inherit clavier.defaults as in the application context's own binding.
		ClavierProperties properties = Binder.get(environment)
			.bindOrCreate("clavier", Bindable.of(ClavierProperties.class), ClavierDefaults.handler(BindHandler.DEFAULT));
		properties.afterPropertiesSet();
		return properties;
	}

	/**
	 * Returns the property prefix of a listener, with a trailing dot, for example
	 * {@code clavier.listeners.backend.}; ids with a dot are written in brackets.
	 * @param id the service id
	 * @return the prefix
	 */
	static String prefix(String id) {
		boolean plain = id.chars().allMatch((c) -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
		return plain ? "clavier.listeners." + id + "." : "clavier.listeners[" + id + "].";
	}

	private void validate(String id, Listener listener) {
		String prefix = prefix(id);
		if (!isHostName(id)) {
			throw new ClavierConfigurationException(prefix.substring(0, prefix.length() - 1), id,
					"the service id '" + id + "' is not a valid host name, so http://" + id + "/ cannot reach it",
					"rename the listener to a host name: letters, digits and '-' in dot-separated labels, "
							+ "for example 'backend' or 'orders-v2'");
		}
		OutlierDetection outlier = listener.getOutlierDetection();
		// The engine takes 0 to mean off; here enabled: false says that, so 0 is a mistake.
		if (outlier.getConsecutiveFailures() < 1) {
			throw new ClavierConfigurationException(prefix + "outlier-detection.consecutive-failures",
					outlier.getConsecutiveFailures(), "expected: >= 1",
					"write a number of failed calls such as 5, or set outlier-detection.enabled to false");
		}
		for (Integer status : outlier.getFailureStatuses()) {
			if (status == null || status < 100 || status > 599) {
				throw new ClavierConfigurationException(prefix + "outlier-detection.failure-statuses",
						outlier.getFailureStatuses(), "expected: HTTP status codes from 100 to 599",
						"list status codes such as 502,503,504");
			}
		}
	}

	static boolean isHostName(String name) {
		if (name.isEmpty() || name.length() > 253) {
			return false;
		}
		for (String label : name.split("\\.", -1)) {
			if (!HOST_LABEL.matcher(label).matches()) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Start-up behaviour.
	 */
	public static class Startup {

		/**
		 * How long start-up waits, at most, for every listener's first discovery and first probe
		 * round; listeners not ready by then are logged and start-up goes on. 0 does not wait.
		 */
		private Duration wait = Duration.ofSeconds(10);

		public Duration getWait() {
			return this.wait;
		}

		public void setWait(Duration wait) {
			this.wait = wait;
		}

	}

	/**
	 * One listener: a service id with its discovery, scout and filter.
	 */
	public static class Listener {

		/**
		 * How endpoints are found.
		 */
		private final Discovery discovery = new Discovery();

		/**
		 * How endpoints are probed.
		 */
		private final Scout scout = new Scout();

		/**
		 * How one endpoint is picked.
		 */
		private final Filter filter = new Filter();

		/**
		 * Passive outlier detection: endpoints whose real calls fail leave rotation.
		 */
		private final OutlierDetection outlierDetection = new OutlierDetection();

		/**
		 * Deterministic subsetting: probe and pick only a stable subset of the discovered endpoints.
		 */
		private final Subset subset = new Subset();

		/**
		 * Whether picks ignore health and use every discovered endpoint; probes still run and are shown.
		 */
		private boolean ignoreHealth;

		/**
		 * What picks do when endpoints are discovered but none is healthy: fail, or fall back to all.
		 */
		private AllDownPolicy allDownPolicy = AllDownPolicy.FAIL;

		/**
		 * Whether the endpoints speak TLS, so that load-balanced http:// calls become https://.
		 */
		private boolean secure;

		/**
		 * Share of probed endpoints, in percent, below which picks are made among every
		 * discovered endpoint, healthy or not (Envoy's panic threshold); 0 turns it off. When
		 * set, it decides before the all-down policy.
		 */
		private int panicThreshold;

		/**
		 * Zone of this client: while an endpoint in it (metadata or static ;zone=, compared
		 * ignoring case) is pickable, only those are picked. Default:
		 * spring.cloud.loadbalancer.clients.<id>.zone, then spring.cloud.loadbalancer.zone.
		 */
		private @Nullable String zone;

		public Discovery getDiscovery() {
			return this.discovery;
		}

		public Scout getScout() {
			return this.scout;
		}

		public Filter getFilter() {
			return this.filter;
		}

		public OutlierDetection getOutlierDetection() {
			return this.outlierDetection;
		}

		public Subset getSubset() {
			return this.subset;
		}

		public boolean isIgnoreHealth() {
			return this.ignoreHealth;
		}

		public void setIgnoreHealth(boolean ignoreHealth) {
			this.ignoreHealth = ignoreHealth;
		}

		public AllDownPolicy getAllDownPolicy() {
			return this.allDownPolicy;
		}

		public void setAllDownPolicy(AllDownPolicy allDownPolicy) {
			this.allDownPolicy = allDownPolicy;
		}

		public boolean isSecure() {
			return this.secure;
		}

		public void setSecure(boolean secure) {
			this.secure = secure;
		}

		public int getPanicThreshold() {
			return this.panicThreshold;
		}

		public void setPanicThreshold(int panicThreshold) {
			this.panicThreshold = panicThreshold;
		}

		public @Nullable String getZone() {
			return this.zone;
		}

		public void setZone(@Nullable String zone) {
			this.zone = zone;
		}

	}

	/**
	 * How a listener finds its endpoints.
	 */
	public static class Discovery {

		/**
		 * Discovery model: dns, static, discovery-client, the name of a Discovery bean, or a
		 * model registered with ServiceLoader (a DiscoveryProvider).
		 */
		private String model = "dns";

		/**
		 * Options of a discovery model registered with ServiceLoader, passed to its provider as
		 * they are; the built-in models and beans take none.
		 */
		private Map<String, String> options = new LinkedHashMap<>();

		/**
		 * How long one discovery attempt may take before it counts as failed.
		 */
		private Duration timeout = Duration.ofSeconds(5);

		/**
		 * First wait after a failed discovery attempt; doubles per attempt up to retry-max.
		 */
		private Duration retryMin = Duration.ofSeconds(1);

		/**
		 * Longest wait between failed discovery attempts.
		 */
		private Duration retryMax = Duration.ofSeconds(30);

		/**
		 * Whether an empty answer (NXDOMAIN included) empties a non-empty endpoint set; by
		 * default the last non-empty set is kept.
		 */
		private boolean clearOnEmpty;

		/**
		 * Settings of the dns model.
		 */
		private final Dns dns = new Dns();

		/**
		 * Settings of the static model.
		 */
		private final Static staticList = new Static();

		/**
		 * Settings of the discovery-client model.
		 */
		private final DiscoveryClient discoveryClient = new DiscoveryClient();

		public String getModel() {
			return this.model;
		}

		public void setModel(String model) {
			this.model = model;
		}

		public Map<String, String> getOptions() {
			return this.options;
		}

		public void setOptions(Map<String, String> options) {
			this.options = options;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getRetryMin() {
			return this.retryMin;
		}

		public void setRetryMin(Duration retryMin) {
			this.retryMin = retryMin;
		}

		public Duration getRetryMax() {
			return this.retryMax;
		}

		public void setRetryMax(Duration retryMax) {
			this.retryMax = retryMax;
		}

		public boolean isClearOnEmpty() {
			return this.clearOnEmpty;
		}

		public void setClearOnEmpty(boolean clearOnEmpty) {
			this.clearOnEmpty = clearOnEmpty;
		}

		public Dns getDns() {
			return this.dns;
		}

		public Static getStatic() {
			return this.staticList;
		}

		public DiscoveryClient getDiscoveryClient() {
			return this.discoveryClient;
		}

	}

	/**
	 * Settings of the dns discovery model.
	 */
	public static class Dns {

		/**
		 * DNS name to resolve, for example backend.svc.cluster.local. Default: the service id.
		 */
		private @Nullable String name;

		/**
		 * Port of the endpoints that A and AAAA answers give; required for them, not allowed for SRV.
		 */
		private @Nullable Integer port;

		/**
		 * Records to ask for: A, AAAA, A_AAAA (both) or SRV.
		 */
		private DnsRecordType recordType = DnsRecordType.A;

		/**
		 * DNS servers to ask, as ip or ip:port (port 53 when absent). Default: the system resolver.
		 */
		private List<String> servers = new ArrayList<>();

		/**
		 * Shortest time between two lookups, used when the answer's TTL is shorter.
		 */
		private Duration minTtl = Duration.ofSeconds(1);

		/**
		 * Longest time between two lookups, used when the answer's TTL is longer.
		 */
		private Duration maxTtl = Duration.ofSeconds(60);

		/**
		 * How long one server has to answer one query.
		 */
		private Duration queryTimeout = Duration.ofSeconds(2);

		public @Nullable String getName() {
			return this.name;
		}

		public void setName(@Nullable String name) {
			this.name = name;
		}

		public @Nullable Integer getPort() {
			return this.port;
		}

		public void setPort(@Nullable Integer port) {
			this.port = port;
		}

		public DnsRecordType getRecordType() {
			return this.recordType;
		}

		public void setRecordType(DnsRecordType recordType) {
			this.recordType = recordType;
		}

		public List<String> getServers() {
			return this.servers;
		}

		public void setServers(List<String> servers) {
			this.servers = servers;
		}

		public Duration getMinTtl() {
			return this.minTtl;
		}

		public void setMinTtl(Duration minTtl) {
			this.minTtl = minTtl;
		}

		public Duration getMaxTtl() {
			return this.maxTtl;
		}

		public void setMaxTtl(Duration maxTtl) {
			this.maxTtl = maxTtl;
		}

		public Duration getQueryTimeout() {
			return this.queryTimeout;
		}

		public void setQueryTimeout(Duration queryTimeout) {
			this.queryTimeout = queryTimeout;
		}

	}

	/**
	 * Settings of the static discovery model.
	 */
	public static class Static {

		/**
		 * Endpoints as host:port, or [ipv6]:port, each optionally weighted as host:port;weight=3 (0...65535, default 1)
		 * and zoned as host:port;zone=eu-1, in either order.
		 */
		private List<String> endpoints = new ArrayList<>();

		public List<String> getEndpoints() {
			return this.endpoints;
		}

		public void setEndpoints(List<String> endpoints) {
			this.endpoints = endpoints;
		}

	}

	/**
	 * Settings of the discovery-client discovery model.
	 */
	public static class DiscoveryClient {

		/**
		 * Service id to ask the Spring Cloud DiscoveryClient for. Default: the listener's id.
		 */
		private @Nullable String serviceId;

		/**
		 * How often the DiscoveryClient is asked again.
		 */
		private Duration refreshInterval = Duration.ofSeconds(30);

		public @Nullable String getServiceId() {
			return this.serviceId;
		}

		public void setServiceId(@Nullable String serviceId) {
			this.serviceId = serviceId;
		}

		public Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		public void setRefreshInterval(Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

	}

	/**
	 * How a listener probes its endpoints.
	 */
	public static class Scout {

		/**
		 * Scout model: tcp, http, grpc, none, the name of a Scout bean, or a model registered
		 * with ServiceLoader (a ScoutProvider, such as the built-in redis).
		 */
		private String model = "tcp";

		/**
		 * Options of a scout model registered with ServiceLoader, passed to its provider as they
		 * are; the built-in models and beans take none.
		 */
		private Map<String, String> options = new LinkedHashMap<>();

		/**
		 * Time between two probes of one healthy endpoint (HAProxy's inter).
		 */
		private Duration interval = Duration.ofSeconds(5);

		/**
		 * Time between two probes of an endpoint between states, a healthy one whose last probe
		 * failed or an unhealthy one whose last probe passed (HAProxy's fastinter); at most the
		 * interval. Default: a quarter of the interval.
		 */
		private @Nullable Duration fastInterval;

		/**
		 * Time between two probes of an unhealthy endpoint (HAProxy's downinter); must be longer
		 * than the timeout. Default: the interval.
		 */
		private @Nullable Duration downInterval;

		/**
		 * How long a probe may take before it fails; must be shorter than the interval.
		 */
		private Duration timeout = Duration.ofSeconds(2);

		/**
		 * Consecutive passing probes that make an unhealthy endpoint healthy.
		 */
		private int rise = 2;

		/**
		 * Consecutive failing probes that make a healthy endpoint unhealthy.
		 */
		private int fall = 2;

		/**
		 * Fraction of the interval by which each wait varies at random, 0 to 0.5.
		 */
		private double jitter = 0.1;

		/**
		 * Most probes of this listener running at once; probes due beyond it wait for one to end,
		 * so that an overloaded engine probes less often instead of failing probes it has not sent.
		 */
		private int maxInFlight = ListenerConfig.DEFAULT_MAX_PROBES_IN_FLIGHT;

		/**
		 * Settings of the http model.
		 */
		private final Http http = new Http();

		/**
		 * Settings of the grpc model.
		 */
		private final Grpc grpc = new Grpc();

		/**
		 * Settings of the tcp model.
		 */
		private final Tcp tcp = new Tcp();

		public String getModel() {
			return this.model;
		}

		public void setModel(String model) {
			this.model = model;
		}

		public Map<String, String> getOptions() {
			return this.options;
		}

		public void setOptions(Map<String, String> options) {
			this.options = options;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public @Nullable Duration getFastInterval() {
			return this.fastInterval;
		}

		public void setFastInterval(@Nullable Duration fastInterval) {
			this.fastInterval = fastInterval;
		}

		public @Nullable Duration getDownInterval() {
			return this.downInterval;
		}

		public void setDownInterval(@Nullable Duration downInterval) {
			this.downInterval = downInterval;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public int getRise() {
			return this.rise;
		}

		public void setRise(int rise) {
			this.rise = rise;
		}

		public int getFall() {
			return this.fall;
		}

		public void setFall(int fall) {
			this.fall = fall;
		}

		public double getJitter() {
			return this.jitter;
		}

		public void setJitter(double jitter) {
			this.jitter = jitter;
		}

		public int getMaxInFlight() {
			return this.maxInFlight;
		}

		public void setMaxInFlight(int maxInFlight) {
			this.maxInFlight = maxInFlight;
		}

		public Http getHttp() {
			return this.http;
		}

		public Grpc getGrpc() {
			return this.grpc;
		}

		public Tcp getTcp() {
			return this.tcp;
		}

	}

	/**
	 * Settings of the http scout model.
	 */
	public static class Http {

		/**
		 * Request path, with a query if wanted.
		 */
		private String path = "/";

		/**
		 * Request method.
		 */
		private String method = "GET";

		/**
		 * Extra request headers; values are never logged.
		 */
		private Map<String, String> headers = new LinkedHashMap<>();

		/**
		 * Healthy status codes as codes and ranges, for example 200-299,304. Default: every status below 500.
		 */
		private @Nullable String expectedStatuses;

		/**
		 * Whether probes use HTTPS, verifying the certificate against the JDK's trust store.
		 */
		private boolean tls;

		/**
		 * Whether HTTPS probes trust every certificate; for self-signed certificates in development only.
		 */
		private boolean insecureTrustAll;

		/**
		 * Whether a connection that answered healthily is kept for the endpoint's next probe
		 * (HTTP/1.1 keep-alive); false opens a new connection per probe with Connection: close.
		 */
		private boolean reuseConnection = true;

		/**
		 * Most body bytes a probe reads (0 to 1048576); 0 ends the probe at the response head.
		 */
		private int maxBodyBytes = HttpScout.DEFAULT_MAX_BODY_BYTES;

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public String getMethod() {
			return this.method;
		}

		public void setMethod(String method) {
			this.method = method;
		}

		public Map<String, String> getHeaders() {
			return this.headers;
		}

		public void setHeaders(Map<String, String> headers) {
			this.headers = headers;
		}

		public @Nullable String getExpectedStatuses() {
			return this.expectedStatuses;
		}

		public void setExpectedStatuses(@Nullable String expectedStatuses) {
			this.expectedStatuses = expectedStatuses;
		}

		public boolean isTls() {
			return this.tls;
		}

		public void setTls(boolean tls) {
			this.tls = tls;
		}

		public boolean isInsecureTrustAll() {
			return this.insecureTrustAll;
		}

		public void setInsecureTrustAll(boolean insecureTrustAll) {
			this.insecureTrustAll = insecureTrustAll;
		}

		public boolean isReuseConnection() {
			return this.reuseConnection;
		}

		public void setReuseConnection(boolean reuseConnection) {
			this.reuseConnection = reuseConnection;
		}

		public int getMaxBodyBytes() {
			return this.maxBodyBytes;
		}

		public void setMaxBodyBytes(int maxBodyBytes) {
			this.maxBodyBytes = maxBodyBytes;
		}

	}

	/**
	 * Settings of the grpc scout model.
	 */
	public static class Grpc {

		/**
		 * Service name sent in the health check; empty asks about the whole server.
		 */
		private String service = "";

		/**
		 * Whether channels use TLS, trusting the JDK's default trust store.
		 */
		private boolean tls;

		/**
		 * Authority sent to every endpoint instead of its host:port; with TLS also the name checked.
		 */
		private @Nullable String authority;

		/**
		 * How endpoints are probed: watch keeps one Health/Watch stream per endpoint (a server
		 * without it is polled with Health/Check), check polls Health/Check at every interval.
		 */
		private String mode = "watch";

		public String getService() {
			return this.service;
		}

		public void setService(String service) {
			this.service = service;
		}

		public boolean isTls() {
			return this.tls;
		}

		public void setTls(boolean tls) {
			this.tls = tls;
		}

		public @Nullable String getAuthority() {
			return this.authority;
		}

		public void setAuthority(@Nullable String authority) {
			this.authority = authority;
		}

		public String getMode() {
			return this.mode;
		}

		public void setMode(String mode) {
			this.mode = mode;
		}

	}

	/**
	 * Settings of the tcp scout model.
	 */
	public static class Tcp {

		/**
		 * Text to send once connected, for example "PING\r\n". Default: nothing is sent.
		 */
		private @Nullable String send;

		/**
		 * Text the reply must contain, for example "+PONG". Default: the reply is not read.
		 */
		private @Nullable String expect;

		public @Nullable String getSend() {
			return this.send;
		}

		public void setSend(@Nullable String send) {
			this.send = send;
		}

		public @Nullable String getExpect() {
			return this.expect;
		}

		public void setExpect(@Nullable String expect) {
			this.expect = expect;
		}

	}

	/**
	 * How a listener picks one endpoint.
	 */
	public static class Filter {

		/**
		 * Filter model: round-robin, random, least-request, the name of a Filter bean, or a
		 * model registered with ServiceLoader (a FilterProvider).
		 */
		private String model = "round-robin";

		/**
		 * Options of a filter model registered with ServiceLoader, passed to its provider as they
		 * are; the built-in models and beans take none.
		 */
		private Map<String, String> options = new LinkedHashMap<>();

		/**
		 * Slow start: the weight of an endpoint that becomes healthy after the first probe
		 * round ramps up, as Envoy's slow_start_config.
		 */
		private final SlowStart slowStart = new SlowStart();

		/**
		 * Settings of the least-request model.
		 */
		private final LeastRequest leastRequest = new LeastRequest();

		public String getModel() {
			return this.model;
		}

		public void setModel(String model) {
			this.model = model;
		}

		public Map<String, String> getOptions() {
			return this.options;
		}

		public void setOptions(Map<String, String> options) {
			this.options = options;
		}

		public SlowStart getSlowStart() {
			return this.slowStart;
		}

		public LeastRequest getLeastRequest() {
			return this.leastRequest;
		}

	}

	/**
	 * Slow start of a listener's filter: how a newly healthy endpoint's weight ramps up.
	 */
	public static class SlowStart {

		/**
		 * How long the weight of an endpoint that becomes healthy after the first probe round
		 * (a recovery, or one that joined later) ramps up to full; 0 turns slow start off.
		 */
		private Duration window = Duration.ZERO;

		/**
		 * Curve of the ramp: the elapsed fraction of the window is raised to 1/aggression, so 1
		 * ramps linearly and more than 1 faster at first.
		 */
		private double aggression = dev.clavier.filter.SlowStart.DEFAULT_AGGRESSION;

		/**
		 * Floor of the ramp, in percent of the endpoint's weight, 0 to 100.
		 */
		private int minWeightPercent = dev.clavier.filter.SlowStart.DEFAULT_MIN_WEIGHT_PERCENT;

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

		public double getAggression() {
			return this.aggression;
		}

		public void setAggression(double aggression) {
			this.aggression = aggression;
		}

		public int getMinWeightPercent() {
			return this.minWeightPercent;
		}

		public void setMinWeightPercent(int minWeightPercent) {
			this.minWeightPercent = minWeightPercent;
		}

	}

	/**
	 * The least-request filter: the power of two choices over each endpoint's calls in flight.
	 */
	public static class LeastRequest {

		/**
		 * Candidates drawn at random per pick, the least loaded of which is used (2 to 100).
		 */
		private int choiceCount = 2;

		/**
		 * How strongly calls in flight weigh against unequal weights: 0 ignores the load, larger
		 * values react to it more; no effect when the weights are equal.
		 */
		private double activeRequestBias = 1.0;

		public int getChoiceCount() {
			return this.choiceCount;
		}

		public void setChoiceCount(int choiceCount) {
			this.choiceCount = choiceCount;
		}

		public double getActiveRequestBias() {
			return this.activeRequestBias;
		}

		public void setActiveRequestBias(double activeRequestBias) {
			this.activeRequestBias = activeRequestBias;
		}

	}

	/**
	 * Passive outlier detection: real calls through Spring Cloud LoadBalancer are reported to
	 * the listener, and an endpoint whose calls keep failing leaves rotation for the ejection
	 * time, or until its next passing probe.
	 */
	public static class OutlierDetection {

		/**
		 * Whether failed calls take an endpoint out of rotation.
		 */
		private boolean enabled = true;

		/**
		 * Consecutive failed calls that take an endpoint out of rotation.
		 */
		private int consecutiveFailures = 5;

		/**
		 * HTTP statuses that count as failed calls, besides connection errors and time-outs.
		 */
		private List<Integer> failureStatuses = new ArrayList<>(List.of(502, 503, 504));

		/**
		 * How long an endpoint's first ejection lasts; each further one lasts this times the
		 * number of times it was ejected, up to max-ejection-time. A passing probe ends it sooner.
		 */
		private Duration baseEjectionTime = Duration.ofSeconds(30);

		/**
		 * Longest an ejection lasts, however many times the endpoint was ejected.
		 */
		private Duration maxEjectionTime = Duration.ofSeconds(300);

		/**
		 * Most of a listener's discovered endpoints, in percent, that failed calls may keep
		 * ejected at once; one endpoint may always be ejected.
		 */
		private int maxEjectionPercent = 50;

		/**
		 * Failure-percentage rule, beside consecutive failures; off unless a threshold is set.
		 */
		private final FailurePercentage failurePercentage = new FailurePercentage();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getConsecutiveFailures() {
			return this.consecutiveFailures;
		}

		public void setConsecutiveFailures(int consecutiveFailures) {
			this.consecutiveFailures = consecutiveFailures;
		}

		public List<Integer> getFailureStatuses() {
			return this.failureStatuses;
		}

		public void setFailureStatuses(List<Integer> failureStatuses) {
			this.failureStatuses = failureStatuses;
		}

		public Duration getBaseEjectionTime() {
			return this.baseEjectionTime;
		}

		public void setBaseEjectionTime(Duration baseEjectionTime) {
			this.baseEjectionTime = baseEjectionTime;
		}

		public Duration getMaxEjectionTime() {
			return this.maxEjectionTime;
		}

		public void setMaxEjectionTime(Duration maxEjectionTime) {
			this.maxEjectionTime = maxEjectionTime;
		}

		public int getMaxEjectionPercent() {
			return this.maxEjectionPercent;
		}

		public void setMaxEjectionPercent(int maxEjectionPercent) {
			this.maxEjectionPercent = maxEjectionPercent;
		}

		public FailurePercentage getFailurePercentage() {
			return this.failurePercentage;
		}

	}

	/**
	 * The failure-percentage rule of outlier detection: an endpoint whose calls within the
	 * window are at least minimum-calls and failed at least threshold percent of the time is
	 * ejected.
	 */
	public static class FailurePercentage {

		/**
		 * Share of failed calls within the window, in percent, that ejects an endpoint; 0 turns
		 * the rule off.
		 */
		private int threshold;

		/**
		 * Fewest calls within the window for the share of failures to count.
		 */
		private int minimumCalls = 50;

		/**
		 * Time over which calls are counted.
		 */
		private Duration window = Duration.ofSeconds(10);

		public int getThreshold() {
			return this.threshold;
		}

		public void setThreshold(int threshold) {
			this.threshold = threshold;
		}

		public int getMinimumCalls() {
			return this.minimumCalls;
		}

		public void setMinimumCalls(int minimumCalls) {
			this.minimumCalls = minimumCalls;
		}

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

	}

	/**
	 * Deterministic subsetting: each application instance probes and picks only a stable subset
	 * of a listener's endpoints, chosen from its instance id, so that a large fleet of clients
	 * does not probe every backend. Unset values fall back to Spring Cloud LoadBalancer's
	 * {@code spring.cloud.loadbalancer.clients.<id>.subset.*}, then
	 * {@code spring.cloud.loadbalancer.subset.*}.
	 */
	public static class Subset {

		/**
		 * Number of endpoints this instance probes and picks; 0 turns subsetting off. Default:
		 * spring.cloud.loadbalancer.subset.size when set, else 0 (off).
		 */
		private @Nullable Integer size;

		/**
		 * Id of this application instance that chooses its subset; an id ending in an ordinal
		 * (orders-7, as StatefulSet pods are named) spreads instances exactly evenly, other ids are
		 * hashed. Default: spring.cloud.loadbalancer.subset.instance-id, else Spring Cloud's
		 * default instance id (host name:application name:port).
		 */
		private @Nullable String instanceId;

		public @Nullable Integer getSize() {
			return this.size;
		}

		public void setSize(@Nullable Integer size) {
			this.size = size;
		}

		public @Nullable String getInstanceId() {
			return this.instanceId;
		}

		public void setInstanceId(@Nullable String instanceId) {
			this.instanceId = instanceId;
		}

	}

}
