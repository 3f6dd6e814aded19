package dev.clavier.sample;

import java.util.Arrays;
import java.util.List;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Starts the {@link DemoInfrastructure} before the application context creates any bean, so
 * that the DNS server and backends exist when the Clavier listeners start, and publishes their
 * addresses as the properties {@code demo.dns.address}, {@code demo.http.port} and
 * {@code demo.grpc.port}, which {@code application.yml} uses. The infrastructure becomes the bean
 * {@value #BEAN_NAME} and is stopped after every other bean when the context closes.
 * <p>
 * Settings: {@code demo.http.hosts} ({@code 127.0.0.1,127.0.0.2,127.0.0.3}),
 * {@code demo.http.port} (0: a free port), {@code demo.grpc.hosts} ({@code 127.0.0.1,127.0.0.2}),
 * {@code demo.grpc.port} (0), and {@code demo.dns.external} ({@code host:port} of a DNS server that serves the demo records, such
 * as {@code scripts/dnsmasq-demo.sh}; the built-in one is not started then).
 * <p>
 * Registered in {@code META-INF/spring.factories}, so it also runs for {@code @SpringBootTest}.
 */
public final class DemoInfrastructureInitializer
		implements ApplicationContextInitializer<ConfigurableApplicationContext>, Ordered {

	/**
	 * The name of the infrastructure bean.
	 */
	public static final String BEAN_NAME = "demoInfrastructure";

	private static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		ConfigurableEnvironment environment = context.getEnvironment();
		// The JDK HTTP server behind the demo backends leaves Nagle's algorithm on, which costs
		// a delayed ACK (~40 ms) per keep-alive call; the property is read when it first loads.
		if (System.getProperty(NODELAY_PROPERTY) == null) {
			System.setProperty(NODELAY_PROPERTY, "true");
		}
		String external = environment.getProperty("demo.dns.external");
		DemoInfrastructure infrastructure = DemoInfrastructure.start(
				hosts(environment, "demo.http.hosts", "127.0.0.1,127.0.0.2,127.0.0.3"),
				environment.getProperty("demo.http.port", Integer.class, 0),
				hosts(environment, "demo.grpc.hosts", "127.0.0.1,127.0.0.2"),
				environment.getProperty("demo.grpc.port", Integer.class, 0),
				StringUtils.hasText(external) ? external.trim() : null);
		environment.getPropertySources().addFirst(new MapPropertySource(BEAN_NAME, infrastructure.properties()));
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		beanFactory.registerSingleton(BEAN_NAME, infrastructure);
		// Registered before every other bean, so destroyed after them: the listeners stop first.
		((DefaultSingletonBeanRegistry) beanFactory).registerDisposableBean(BEAN_NAME, infrastructure::close);
	}

	private static List<String> hosts(ConfigurableEnvironment environment, String property, String defaults) {
		String value = environment.getProperty(property, defaults);
		return Arrays.stream(StringUtils.commaDelimitedListToStringArray(value))
			.map(String::trim)
			.filter(StringUtils::hasText)
			.toList();
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
