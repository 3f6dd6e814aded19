package dev.clavier.sample;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.fail;

/**
 * A headless Chromium driven through the machine's own ChromeDriver: no Selenium Manager, no
 * download. Binaries: {@code -Dchromium.binary} (default {@code /usr/bin/chromium}) and
 * {@code -Dchromedriver.binary} (default {@code /usr/bin/chromedriver}). A missing binary fails
 * the test with the command that installs it; the test is never skipped.
 */
final class Chromium implements AutoCloseable {

	private static final String DEFAULT_BROWSER = "/usr/bin/chromium";

	private static final String DEFAULT_DRIVER = "/usr/bin/chromedriver";

	private final ChromeDriver driver;

	private final Path profile;

	private Chromium(ChromeDriver driver, Path profile) {
		this.driver = driver;
		this.profile = profile;
	}

	/**
	 * Fails unless Chromium and ChromeDriver are installed; cheap, so a test class can call it
	 * before its application context starts.
	 */
	static void requireInstalled() {
		executable("chromium.binary", DEFAULT_BROWSER, "Chromium");
		executable("chromedriver.binary", DEFAULT_DRIVER, "ChromeDriver");
	}

	static Chromium start(int width, int height) {
		File browser = executable("chromium.binary", DEFAULT_BROWSER, "Chromium");
		File chromedriver = executable("chromedriver.binary", DEFAULT_DRIVER, "ChromeDriver");
		System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, chromedriver.getAbsolutePath());
		Path profile;
		try {
			profile = Files.createTempDirectory("clavier-chromium-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		ChromeOptions options = new ChromeOptions();
		options.setBinary(browser);
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--user-data-dir=" + profile, "--window-size=" + width + "," + height);
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver)
			.usingAnyFreePort()
			.withTimeout(Duration.ofSeconds(30))
			.build();
		try {
			return new Chromium(new ChromeDriver(service, options), profile);
		}
		catch (RuntimeException ex) {
			FileSystemUtils.deleteRecursively(profile.toFile());
			throw ex;
		}
	}

	private static File executable(String property, String defaultPath, String what) {
		File file = new File(System.getProperty(property, defaultPath));
		if (!file.canExecute()) {
			fail(what + " not found at " + file + ". The dashboard test needs a real headless Chromium: on Debian or "
					+ "Ubuntu run 'apt-get install -y chromium chromium-driver', or point -D" + property
					+ " at the binary.");
		}
		return file;
	}

	ChromeDriver driver() {
		return this.driver;
	}

	@Override
	public void close() {
		try {
			this.driver.quit();
		}
		finally {
			FileSystemUtils.deleteRecursively(this.profile.toFile());
		}
	}

}
