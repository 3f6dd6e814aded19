package dev.clavier.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real headless Chromium: it shows the listeners' endpoints, a click on
 * "Fail" turns that backend's endpoint UNHEALTHY, and a burst of calls reaches only the healthy
 * backends. Leaves a screenshot in {@code <build directory>/screenshots/dashboard.png}.
 */
@EnabledIf(value = "dev.clavier.sample.DemoBackends#loopbackAvailable", disabledReason = DemoBackends.LOOPBACK_MISSING)
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class DashboardBrowserTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@LocalServerPort
	private int port;

	@Autowired
	private DemoInfrastructure infrastructure;

	private Chromium chromium;

	@BeforeAll
	static void requireChromium() {
		Chromium.requireInstalled();
	}

	@BeforeEach
	void startBrowser() {
		this.chromium = Chromium.start(1440, 1400);
	}

	@AfterEach
	void stopBrowser() {
		try {
			if (this.chromium != null) {
				this.chromium.close();
			}
		}
		finally {
			DemoBackends.restore(this.infrastructure);
		}
	}

	@Test
	void failWhenClickedShouldShowEndpointUnhealthyAndBurstShouldReachOnlyHealthyBackends() throws IOException {
		WebDriver driver = this.chromium.driver();
		driver.get("http://localhost:" + this.port + "/");
		assertThat(driver.getTitle()).contains("Clavier");
		DemoBackend failed = this.infrastructure.backend("http-2").orElseThrow();
		String failedAddress = failed.host() + ":" + failed.port();

		waitFor(driver, "3 HEALTHY endpoints in listener 'backend'",
				() -> driver.findElements(By.cssSelector("[data-listener='backend'] tr[data-status='HEALTHY']")).size() == 3);
		waitFor(driver, "2 HEALTHY endpoints in listener 'greeter'",
				() -> driver.findElements(By.cssSelector("[data-listener='greeter'] tr[data-status='HEALTHY']")).size() == 2);

		waitFor(driver, "3 HEALTHY endpoints in listener 'backend-weighted'",
				() -> driver.findElements(By.cssSelector("[data-listener='backend-weighted'] tr[data-status='HEALTHY']"))
					.size() == 3);
		String port = ":" + failed.port();
		// The share of calls column: weights 1, 3 and 6, then three equal weights.
		waitForShares(driver, "backend-weighted",
				Map.of("127.0.0.1" + port, "10%", "127.0.0.2" + port, "30%", "127.0.0.3" + port, "60%"));
		waitForShares(driver, "backend",
				Map.of("127.0.0.1" + port, "33.3%", "127.0.0.2" + port, "33.3%", "127.0.0.3" + port, "33.3%"));

		driver.findElement(By.cssSelector("button[data-backend-id='http-2'][data-action='fail']")).click();
		By failedRow = By.cssSelector("[data-listener='backend'] tr[data-endpoint='" + failedAddress + "']");
		waitFor(driver, failedAddress + " shown UNHEALTHY in listener 'backend'",
				() -> driver.findElement(failedRow).getText().contains("UNHEALTHY"));
		assertThat(driver.findElement(failedRow).getDomAttribute("data-status")).isEqualTo("UNHEALTHY");
		waitForShares(driver, "backend", Map.of("127.0.0.1" + port, "50%", failedAddress, "0%", "127.0.0.3" + port, "50%"));
		waitFor(driver, "backend http-2 shown FAILING",
				() -> driver.findElement(By.cssSelector("tr[data-backend='http-2']")).getText().contains("FAILING"));

		driver.findElement(By.id("burst-button")).click();
		waitFor(driver, "the burst chart", () -> !driver.findElements(By.cssSelector("#burst-chart [data-bar]")).isEmpty());
		Map<String, Integer> bars = bars(driver);
		assertThat(bars).containsEntry(failedAddress, 0);
		assertThat(bars).hasSize(3).doesNotContainKey("failed");
		bars.forEach((address, count) -> {
			if (!address.equals(failedAddress)) {
				assertThat(count).as("calls to %s", address).isPositive();
			}
		});
		assertThat(bars.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
		assertThat(driver.findElement(By.id("burst-summary")).getText()).contains("100 calls").contains("0 failed");

		Path screenshot = screenshot(driver);
		assertThat(screenshot).isNotEmptyFile();
	}

	private static void waitFor(WebDriver driver, String what, BooleanSupplier condition) {
		new WebDriverWait(driver, WAIT).withMessage(() -> "waiting for " + what)
			.ignoring(StaleElementReferenceException.class)
			.until((ignored) -> condition.getAsBoolean());
	}

	// Waits until the dashboard shows these shares of calls for a listener's endpoints; the page
	// redraws every second, so each look reads the rows afresh.
	private static void waitForShares(WebDriver driver, String listener, Map<String, String> expected) {
		waitFor(driver, "shares " + expected + " in listener '" + listener + "'",
				() -> shares(driver, listener).equals(expected));
	}

	private static Map<String, String> shares(WebDriver driver, String listener) {
		Map<String, String> shares = new LinkedHashMap<>();
		for (WebElement row : driver.findElements(By.cssSelector("[data-listener='" + listener + "'] tr[data-endpoint]"))) {
			shares.put(row.getDomAttribute("data-endpoint"), row.findElement(By.cssSelector("td[data-share]")).getText());
		}
		return shares;
	}

	private static Map<String, Integer> bars(WebDriver driver) {
		Map<String, Integer> bars = new LinkedHashMap<>();
		List<WebElement> elements = driver.findElements(By.cssSelector("#burst-chart [data-bar]"));
		for (WebElement bar : elements) {
			bars.put(bar.getDomAttribute("data-host"), Integer.valueOf(bar.getDomAttribute("data-count")));
		}
		return bars;
	}

	private static Path screenshot(WebDriver driver) throws IOException {
		Path directory = Path.of(System.getProperty("sample.build.directory", "target"), "screenshots");
		Files.createDirectories(directory);
		Path target = directory.resolve("dashboard.png");
		Path taken = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
		Files.copy(taken, target, StandardCopyOption.REPLACE_EXISTING);
		return target;
	}

}
