package io.meterline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The admin commands ({@code meterline product|buyer|subscription|task|usage|invoice|report|calls})
 * against a real server, in the three output formats, and their errors.
 */
class AdminCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path serverDir;
  private static TestServer server;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void startServer() throws Exception {
    server = TestServer.start(serverDir);
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  /** Runs the command against the test server; its exit code. */
  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--endpoint", server.endpoint(), "--admin-token", TestServer.ADMIN_TOKEN));
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(all.toArray(String[]::new));
  }

  private JsonNode json(String... args) throws Exception {
    assertThat(run(args)).as("%s %s", out, err).isZero();
    return JSON.readTree(out.toString());
  }

  private static String account() {
    return String.format(
        "%012d", ThreadLocalRandom.current().nextLong(100_000_000_000L, 999_999_999_999L));
  }

  @Test
  void product_createdWithDimensions_isListedInEachFormat() throws Exception {
    JsonNode created =
        json(
            "product",
            "create",
            "--name",
            "Widgets, \"Pro\"",
            "--pricing",
            "CUSTOM",
            "--dimension",
            "Hosts=0.10:host",
            "--dimension",
            "Users=0.25",
            "-o",
            "json");
    String code = created.get("productCode").asText();

    assertThat(created.at("/dimensions/0/unit").asText()).isEqualTo("host");
    assertThat(run("product", "list", "--all")).isZero();
    String table = out.toString();
    assertThat(table.lines().findFirst().orElse("")).startsWith("CODE").contains("NAME", "PRICING");
    assertThat(table).contains(code);
    assertThat(run("product", "list", "--all", "-o", "csv")).isZero();
    assertThat(out.toString()).startsWith("CODE,NAME,PRICING");
    assertThat(out.toString()).contains(code + ",\"Widgets, \"\"Pro\"\"\",CUSTOM");
    JsonNode listed = json("product", "list", "--all", "-o", "json");
    assertThat(listed.findValuesAsText("productCode")).contains(code);
  }

  @Test
  void product_prices_changeTheCurrentPrice() throws Exception {
    String code =
        json(
                "product",
                "create",
                "--name",
                "Priced",
                "--pricing",
                "HOURLY",
                "--hourly-price",
                "2",
                "-o",
                "json")
            .get("productCode")
            .asText();

    JsonNode changed = json("product", "prices", code, "--hourly-price", "1.5", "-o", "json");

    assertThat(changed.get("hourlyPrice").asText()).isEqualTo("1.5");
    assertThat(changed.get("priceHistory")).hasSize(2);
  }

  @Test
  void buyersAndSubscriptions_createListAndEnd() throws Exception {
    String buyer = account();
    json("buyer", "create", buyer, "-o", "json");
    String product =
        json(
                "product",
                "create",
                "--name",
                "Hourly",
                "--pricing",
                "HOURLY",
                "--hourly-price",
                "3",
                "-o",
                "json")
            .get("productCode")
            .asText();
    JsonNode sub =
        json(
            "subscription",
            "create",
            "--product",
            product,
            "--buyer",
            buyer,
            "--contract",
            "TaskTime=1/MONTH@10",
            "-o",
            "json");
    String id = sub.get("subscriptionId").asText();

    assertThat(sub.at("/contract/0/per").asText()).isEqualTo("MONTH");
    assertThat(sub.at("/contract/0/price").asText()).isEqualTo("10");
    assertThat(json("buyer", "list", "--all", "-o", "json").findValuesAsText("awsAccountId"))
        .contains(buyer);
    assertThat(run("subscription", "list", "--product", product)).isZero();
    assertThat(out.toString()).contains(id).contains("ACTIVE");
    assertThat(json("subscription", "end", id, "-o", "json").get("status").asText())
        .isEqualTo("ENDED");
    assertThat(run("subscription", "list", "--product", product, "--status", "ACTIVE", "-o", "csv"))
        .isZero();
    assertThat(out.toString().lines().count()).isEqualTo(1); // the header alone
  }

  @Test
  void contractProduct_subscription_andAmendment_throughTheCommands() throws Exception {
    String buyer = account();
    json("buyer", "create", buyer, "-o", "json");
    JsonNode product =
        json(
            "product",
            "create",
            "--name",
            "Seats",
            "--pricing",
            "CONTRACT",
            "--dimension",
            "Seats=10:Count",
            "--dimension",
            "Premium=50:None",
            "-o",
            "json");
    assertThat(product.get("productId").asText()).hasSize(36);
    assertThat(product.at("/dimensions/1/unit").asText()).isEqualTo("None");
    String code = product.get("productCode").asText();

    assertThat(
            run(
                "subscription",
                "create",
                "--product",
                code,
                "--buyer",
                buyer,
                "--contract",
                "Seats=2"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("[--ends-at, field endsAt]");
    assertThat(
            run(
                "subscription",
                "create",
                "--product",
                code,
                "--buyer",
                buyer,
                "--contract",
                "Seats=2",
                "--contract",
                "Premium=2",
                "--ends-at",
                "2099-01-01T00:00:00Z"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("[--contract, field contract[1].quantity]");

    JsonNode sub =
        json(
            "subscription",
            "create",
            "--product",
            code,
            "--buyer",
            buyer,
            "--contract",
            "Seats=2",
            "--ends-at",
            "2099-01-01T00:00:00Z",
            "-o",
            "json");
    assertThat(sub.at("/contract/0").toString())
        .isEqualTo("{\"dimension\":\"Seats\",\"quantity\":2}");
    JsonNode amended =
        json(
            "subscription",
            "contract",
            sub.get("subscriptionId").asText(),
            "--contract",
            "Seats=5",
            "--contract",
            "Premium=1",
            "--ends-at",
            "2100-01-01T00:00:00Z",
            "-o",
            "json");
    assertThat(amended.at("/contract/0/quantity").asInt()).isEqualTo(5);
    assertThat(amended.get("contractEndsAt").asText()).isEqualTo("2100-01-01T00:00:00Z");
    assertThat(amended.at("/contractHistory/0/contract/0/quantity").asInt()).isEqualTo(2);
  }

  @Test
  void invoice_ofAMonthlySubscription_showsTheMonthsFee_asTableJsonAndCsv() throws Exception {
    String buyer = account();
    json("buyer", "create", buyer, "-o", "json");
    String product =
        json(
                "product",
                "create",
                "--name",
                "Monthly fee",
                "--pricing",
                "MONTHLY",
                "--monthly-price",
                "30",
                "-o",
                "json")
            .get("productCode")
            .asText();
    json("subscription", "create", "--product", product, "--buyer", buyer, "-o", "json");
    String month = YearMonth.now(ZoneOffset.UTC).toString();

    JsonNode invoice = json("invoice", "--buyer", buyer, "--month", month, "-o", "json");
    assertThat(run("invoice", "--buyer", buyer, "--month", month)).isZero();
    String table = out.toString();
    assertThat(run("invoice", "--buyer", buyer, "--month", month, "-o", "csv")).isZero();
    String csv = out.toString();

    assertThat(invoice.at("/lines/0/kind").asText()).isEqualTo("MONTHLY");
    assertThat(invoice.get("amountDue").asText()).isEqualTo("30.00");
    assertThat(table).contains("MONTHLY").contains("amount due 30.00 USD").contains("estimate");
    assertThat(csv).startsWith("month,awsAccountId,productCode").contains(",MONTHLY,");
    assertThat(run("invoice", "--month", month, "--all-buyers", "-o", "json")).isZero();
    assertThat(out.toString()).contains(buyer);
  }

  @Test
  void report_dailySubscribers_asTableAndJson() throws Exception {
    String buyer = account();
    json("buyer", "create", buyer, "-o", "json");
    String product =
        json(
                "product",
                "create",
                "--name",
                "Reported",
                "--pricing",
                "FREE",
                "--seller",
                "999988887777",
                "-o",
                "json")
            .get("productCode")
            .asText();
    json("subscription", "create", "--product", product, "--buyer", buyer, "-o", "json");
    String today = LocalDate.now(ZoneOffset.UTC).toString();

    JsonNode rows =
        json(
            "report",
            "daily-subscribers",
            "--date",
            today,
            "--seller",
            "999988887777",
            "-o",
            "json");
    assertThat(run("report", "daily-subscribers", "--date", today, "--seller", "999988887777"))
        .isZero();

    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).get("Customer AWS Account Number").asText()).isEqualTo(buyer);
    assertThat(rows.get(0).get("Product Code").asText()).isEqualTo(product);
    assertThat(out.toString()).startsWith("Customer AWS Account Number").contains(product);
  }

  @Test
  void tasks_listedAndShown() throws Exception {
    String buyer = account();
    json("buyer", "create", buyer, "-o", "json");
    Path files = serverDir.resolve("files-" + buyer);
    assertThat(
            run(
                "task",
                "env",
                "--product",
                server.customProduct,
                "--buyer",
                buyer,
                "--platform",
                "fargate",
                "--files-dir",
                files.toString()))
        .isZero();
    String taskId =
        out.toString().lines().findFirst().orElseThrow().replace("# meterline task ", "");

    JsonNode listed = json("task", "list", "--buyer", buyer, "-o", "json");
    JsonNode shown = json("task", "get", taskId, "-o", "json");

    assertThat(listed.findValuesAsText("taskId")).containsExactly(taskId);
    assertThat(shown.get("status").asText()).isEqualTo("RUNNING");
    assertThat(listed.get(0).has("credentials")).isFalse();
  }

  @Test
  void usageAndCalls_printTheirHeadings() {
    assertThat(run("usage", "--product", server.customProduct)).isZero();
    assertThat(out.toString()).startsWith("HOUR").contains("DIMENSION", "QUANTITY");
    assertThat(run("calls", "--limit", "5")).isZero();
    assertThat(out.toString()).startsWith("TIME").contains("OUTCOME", "REQUEST ID");
  }

  @Test
  void serverRefusal_namesTheOptionAtFault() {
    assertThat(run("product", "create", "--name", "X", "--pricing", "HOURLY")).isEqualTo(1);

    assertThat(err.toString())
        .contains("hourlyPrice is required")
        .contains("[--hourly-price, field hourlyPrice]");
  }

  @Test
  void badOutputFormatOrContract_isAOneLineError() {
    assertThat(run("product", "list", "-o", "xml")).isEqualTo(2);
    assertThat(err.toString()).contains("--output must be table, json or csv, was 'xml'");
    assertThat(
            run(
                "subscription",
                "create",
                "--product",
                "p",
                "--buyer",
                "444455556666",
                "--contract",
                "Hosts=ten"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("--contract takes DIMENSION=QUANTITY/HOUR");
    assertThat(run("invoice", "--month", "2026-11")).isEqualTo(1);
    assertThat(err.toString()).contains("give --buyer ACCOUNT, or --all-buyers");
  }

  @Test
  void endpointKey_printsTheServersPublicKey_andGeneratesAPrivateKeyFileOnlyOnce()
      throws Exception {
    assertThat(run("endpoint-key")).as("%s", err).isZero();
    String shown = server.send("GET", "/endpoint-key", null, 200).get("publicKeyPem").asText();
    assertThat(out.toString()).isEqualTo(shown).startsWith("-----BEGIN PUBLIC KEY-----");

    Path file = serverDir.resolve("seller-endpoint.pem");
    assertThat(run("endpoint-key", "--generate", file.toString())).as("%s", err).isZero();

    assertThat(java.nio.file.Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    assertThat(out.toString())
        .isEqualTo(io.meterline.server.auth.EndpointKey.load(file).publicKeyPem())
        .isNotEqualTo(shown);
    String written = java.nio.file.Files.readString(file);

    assertThat(run("endpoint-key", "--generate", file.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("exists already");
    assertThat(java.nio.file.Files.readString(file)).isEqualTo(written);
  }
}
