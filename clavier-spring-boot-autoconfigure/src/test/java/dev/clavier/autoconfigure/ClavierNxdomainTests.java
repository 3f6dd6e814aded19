package dev.clavier.autoconfigure;

import dev.clavier.Clavier;
import dev.clavier.actuate.ClavierListenerHealthIndicator;
import dev.clavier.listener.Listener;
import dev.clavier.test.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A listener whose DNS name answers NXDOMAIN, from the in-process DNS server on loopback: start-up
 * does not call it ready, the log says why once, and its health is {@code DOWN} with the reason.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClavierNxdomainTests {

	private TestDnsServer dns;

	@BeforeEach
	void startDns() {
		this.dns = TestDnsServer.start();
	}

	@AfterEach
	void stopDns() {
		this.dns.close();
	}

	@Test
	void startWhenNameAnswersNxdomainShouldNotBeReadyAndSayWhy(CapturedOutput output) {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ClavierAutoConfiguration.class))
			.withPropertyValues("clavier.listeners.gone.discovery.dns.name=gone.svc.test",
					"clavier.listeners.gone.discovery.dns.port=8080",
					"clavier.listeners.gone.discovery.dns.servers=" + this.dns.hostAndPort(),
					"clavier.startup.wait=8s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Listener listener = context.getBean(Clavier.class).listener("gone").orElseThrow();
				assertThat(listener.snapshot().ready()).isFalse();
				String target = "gone.svc.test. A via " + this.dns.hostAndPort();
				assertThat(output.getOut()).contains("[gone] discovery of " + target
						+ " answered no endpoints (NXDOMAIN); nothing to pick until it answers some",
						"[gone] not ready after 8s: discovery of " + target + " answered no endpoints (NXDOMAIN); "
								+ "starting anyway")
					.doesNotContain("Clavier listeners ready");
				Health health = new ClavierListenerHealthIndicator(listener).health();
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsEntry("reason",
						"[gone] no healthy endpoint: none discovered by dns " + target + " (last answer: NXDOMAIN)");
			});
	}

}
