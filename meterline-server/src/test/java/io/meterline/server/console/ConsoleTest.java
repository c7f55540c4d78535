package io.meterline.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.testing.HookReceiver;
import io.meterline.server.testing.ServerExtension;
import io.meterline.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console (SPEC §3.4) in a real headless browser, as a person uses it: sign in with the token,
 * create a product, subscribe a buyer, see a MeterUsage in the usage chart and in the call log,
 * read the buyer's invoice. The token stays in the tab's session storage.
 */
class ConsoleTest {
  @RegisterExtension static final ServerExtension server = ServerExtension.withDefaults();

  private static ChromeDriver browser;
  private static WebDriverWait wait;

  @BeforeAll
  static void openBrowser() {
    browser = Browser.start();
    wait = new WebDriverWait(browser, Duration.ofSeconds(15));
  }

  @AfterAll
  static void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  private static void open(String hash) {
    browser.get(server.endpoint() + "/console" + hash);
  }

  private static WebElement shown(By by) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  private static void type(String name, String text) {
    WebElement input = shown(By.name(name));
    input.clear();
    input.sendKeys(text);
  }

  private static void signIn() {
    open("#/overview");
    if (!browser.findElements(By.id("login")).isEmpty()) {
      type("token", TestServer.ADMIN_TOKEN);
      shown(By.cssSelector("#login button")).click();
    }
    shown(By.className("cards"));
  }

  @Test
  void signIn_showsTheOverview_andKeepsTheTokenInTheTabOnly() {
    open("");
    browser.executeScript("sessionStorage.clear()");
    open("");
    type("token", TestServer.ADMIN_TOKEN);
    shown(By.cssSelector("#login button")).click();

    assertThat(shown(By.className("cards")).getText()).contains("Products", "Running tasks");
    assertThat(browser.executeScript("return sessionStorage.getItem('meterline.adminToken')"))
        .isEqualTo(TestServer.ADMIN_TOKEN);
    assertThat(browser.executeScript("return localStorage.length")).isEqualTo(0L);
    assertThat(browser.executeScript("return document.cookie")).isEqualTo("");
    assertThat(browser.getCurrentUrl()).doesNotContain(TestServer.ADMIN_TOKEN);
  }

  @Test
  void wrongToken_isRefused_andTheFormStays() {
    browser.executeScript("sessionStorage.clear()");
    open("");
    type("token", "not-the-token");
    shown(By.cssSelector("#login button")).click();

    assertThat(shown(By.id("message")).getText()).contains("admin token");
    assertThat(browser.findElements(By.id("login"))).isNotEmpty();
  }

  @Test
  void productBuyerMeterUsageChartCallLogAndInvoice_endToEnd() throws Exception {
    signIn();
    // A product, through the console's form.
    open("#/products");
    type("name", "Console widget");
    new Select(shown(By.name("pricing"))).selectByVisibleText("CUSTOM");
    type("dimensions", "Hosts=0.10:host");
    type("sellerAccountId", "111122223333");
    shown(By.cssSelector("form.inline button")).click();
    WebElement dimensions = shown(By.id("dimensions"));
    assertThat(dimensions.getText()).contains("Hosts", "host", "0.10");
    String product = browser.getCurrentUrl().replaceAll(".*#/products/", "");

    // A buyer, subscribed through the console.
    String account = ServerExtension.newAccountId();
    open("#/buyers");
    type("awsAccountId", account);
    shown(By.cssSelector("form.inline button")).click();
    shown(By.id("subscriptions"));
    new Select(shown(By.name("productCode"))).selectByValue(product);
    browser.findElements(By.cssSelector("form.inline button")).get(0).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("subscriptions"), "ACTIVE"));

    // The buyer's task meters with the SDK, as a product would.
    JsonNode task = server.admin().task(account, "us-east-1", "FARGATE");
    Instant now = server.now();
    String recordId =
        server
            .taskClient(task)
            .meterUsage(
                b -> b.productCode(product).usageDimension("Hosts").usageQuantity(7).timestamp(now))
            .meteringRecordId();

    // The usage chart of the product shows Hosts.
    open("#/usage?product=" + product);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("usage-totals"), "Hosts"));
    assertThat(shown(By.id("usage-totals")).getText()).contains("Hosts").contains("7");
    assertThat(browser.findElements(By.cssSelector("#usage-chart canvas"))).isNotEmpty();
    Path shot = Path.of("target", "console-usage.png");
    Files.createDirectories(shot.getParent());
    Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));

    // The call log has the call, with its record id.
    open("#/calls?productCode=" + product);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("calls"), recordId));
    assertThat(shown(By.id("calls")).getText()).contains("MeterUsage", "OK", account);

    // The buyer's invoice: 7 Hosts at 0.10.
    open("#/buyers/" + account + "/" + now.toString().substring(0, 7));
    WebElement invoice = shown(By.id("invoice"));
    assertThat(invoice.getText()).contains("USAGE", "Hosts", "7", "0.10", "Amount due: 0.70 USD");
  }

  @Test
  void operations_injectAFaultAndMoveTheClock() {
    signIn();
    open("#/operations");
    new Select(shown(By.name("operation"))).selectByVisibleText("RegisterUsage");
    type("error", "ThrottlingException");
    type("rate", "0.5");
    shown(By.cssSelector("form.inline button")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("faults"), "ThrottlingException"));
    String before = shown(By.id("service-now")).getText();
    type("advance", "PT1H");
    List<WebElement> forms = browser.findElements(By.cssSelector("form.inline button"));
    forms.get(forms.size() - 1).click();
    wait.until(ExpectedConditions.not(ExpectedConditions.textToBe(By.id("service-now"), before)));

    assertThat(Instant.parse(shown(By.id("service-now")).getText()))
        .isEqualTo(Instant.parse(before).plus(Duration.ofHours(1)));
    assertThat(server.admin().get("/faults").get("faults").get(0).get("operation").asText())
        .isEqualTo("RegisterUsage");
    server.admin().clearFaults();
  }

  @Test
  void notifications_setOnTheProductPage_andTheirDeliveriesListed() throws Exception {
    String product =
        server
            .admin()
            .customProduct(ServerExtension.newAccountId(), "Hosts")
            .get("productCode")
            .asText();
    try (HookReceiver hook = new HookReceiver()) {
      signIn();
      open("#/products/" + product);
      wait.until(ExpectedConditions.textToBe(By.id("notification-target"), "Not sent anywhere."));
      type("notifyUrl", hook.url());
      new Select(shown(By.name("notifyFormat"))).selectByVisibleText("EVENTBRIDGE");
      shown(By.xpath("//input[@name='notifyUrl']/ancestor::form//button")).click();
      wait.until(
          ExpectedConditions.textToBe(
              By.id("notification-target"), "EVENTBRIDGE to " + hook.url()));

      server.admin().subscribe(product, server.buyer());
      assertThat(hook.next(Duration.ofSeconds(10)).body()).contains("aws.agreement-marketplace");
      open("#/notifications?productCode=" + product);
      wait.until(
          ExpectedConditions.textToBePresentInElementLocated(By.id("deliveries"), "DELIVERED"));
      assertThat(shown(By.id("deliveries")).getText())
          .contains("subscribe-success", "EVENTBRIDGE", "200");
    }
  }

  /** A CONTRACT product, a buyer's contract and its amendment, through the console's forms. */
  @Test
  void contractProduct_subscribedAndAmended_showsOnTheInvoice() {
    signIn();
    open("#/products");
    type("name", "Console seats");
    new Select(shown(By.name("pricing"))).selectByVisibleText("CONTRACT");
    type("dimensions", "Seats=10:Count, Premium=50:None");
    shown(By.cssSelector("form.inline button")).click();
    WebElement dimensions = shown(By.id("dimensions"));
    assertThat(dimensions.getText()).contains("Seats", "Count", "Premium", "None", "50");
    String product = browser.getCurrentUrl().replaceAll(".*#/products/", "");
    String productId = server.admin().get("/products/" + product).get("productId").asText();
    assertThat(shown(By.tagName("main")).getText()).contains(productId);

    String account = server.buyer();
    open("#/buyers/" + account);
    shown(By.id("subscriptions"));
    new Select(shown(By.name("productCode"))).selectByValue(product);
    type("contract", "Seats=2, Premium=1");
    type("endsAt", server.now().plus(Duration.ofDays(90)).toString());
    browser.findElements(By.cssSelector("form.inline button")).get(0).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("subscriptions"), "Seats 2, Premium 1 until"));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("invoice"), "CONTRACT"));
    assertThat(shown(By.id("invoice")).getText())
        .contains("CONTRACT Seats 2 Count 10 20", "CONTRACT Premium 1 None 50 50")
        .contains("Amount due: 70.00 USD");

    type("amendContract", "Seats=4, Premium=1");
    shown(By.xpath("//button[text()='Amend']")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(By.id("subscriptions"), "Seats 4"));
    assertThat(shown(By.id("invoice")).getText())
        .contains("CONTRACT Seats 4 Count 10 40")
        .contains("Amount due: 90.00 USD");
  }

  /** A buyer's page opens on the invoice of the service time's month, not the browser's. */
  @Test
  void buyerPage_showsTheInvoiceOfTheServiceMonth() {
    Instant later = server.now().plus(Duration.ofDays(40));
    server.admin().setClock(later.toString());
    String account = server.buyer();
    signIn();

    open("#/buyers/" + account);

    String month = later.toString().substring(0, 7);
    assertThat(shown(By.name("month")).getAttribute("value")).isEqualTo(month);
  }

  @Test
  void consoleFiles_comeWithAStrictContentSecurityPolicy() throws Exception {
    var response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(server.endpoint() + "/console"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-security-policy").orElse(""))
        .contains("script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'")
        .doesNotContain("unsafe-inline");
    assertThat(response.body()).doesNotContain("<script>");
  }
}
