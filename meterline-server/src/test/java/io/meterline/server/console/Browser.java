package io.meterline.server.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A headless Chromium for the console's end-to-end tests: Debian's {@code chromium} driven through
 * its {@code chromedriver} (or the programs {@code METERLINE_CHROMIUM} and {@code
 * METERLINE_CHROMEDRIVER} name). Nothing is downloaded. Without a browser a developer's run skips
 * these tests and says so loudly; a CI run ({@code CI=true}) fails instead, since {@code .ci/run}
 * installs the browser.
 */
final class Browser {
  private Browser() {}

  static ChromeDriver start() {
    Path chromium = program("METERLINE_CHROMIUM", "/usr/bin/chromium");
    Path driver = program("METERLINE_CHROMEDRIVER", "/usr/bin/chromedriver");
    if (chromium == null || driver == null) {
      String why =
          "BROWSER TESTS SKIPPED: no chromium and chromedriver (apt-get install chromium "
              + "chromium-driver, or set METERLINE_CHROMIUM and METERLINE_CHROMEDRIVER)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(why.replace("SKIPPED", "CANNOT RUN") + " on CI");
      }
      System.err.println("!!!!!!!! " + why + " !!!!!!!!");
      Assumptions.abort(why);
    }
    Path profile;
    try {
      profile = Files.createTempDirectory("meterline-chromium");
    } catch (IOException e) {
      throw new IllegalStateException("no temporary folder for the browser profile", e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    // Headless and quiet: the machines the tests run on reach no other host.
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--window-size=1280,900",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(driver.toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver browser = new ChromeDriver(service, options);
    browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    return browser;
  }

  private static Path program(String variable, String fallback) {
    String named = System.getenv(variable);
    Path path = Path.of(named != null && !named.isBlank() ? named : fallback);
    return Files.isExecutable(path) ? path : null;
  }
}
