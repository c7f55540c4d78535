package io.meterline.cli;

import static io.meterline.cli.TestServer.SELLER;
import static io.meterline.cli.TestServer.SUBSCRIBED_BUYER;
import static io.meterline.cli.TestServer.UNSUBSCRIBED_BUYER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.agent.AgentMain;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar for products not written in Java (SPEC §4), as the README runs it: {@code
 * examples/quote-service} (Python, standard library only) beside {@code meterline agent} in one
 * task under {@code meterline run-task}. Each quote served is metered once; a buyer without a
 * subscription, or a build that does not ship the seller's endpoint key, stops the task at start
 * with exit code 3. Needs {@code python3}: a developer's run without it skips loudly, a CI run
 * fails (CI images have it; {@code .ci/run} installs it when missing).
 */
class SidecarExampleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Path EXAMPLE =
      Path.of("").toAbsolutePath().getParent().resolve("examples/quote-service");

  @TempDir static Path serverDir;
  @TempDir Path dir;
  private static TestServer server;
  private static JsonNode product;
  private static String endpointKey;
  private final List<ChildProcess> started = new ArrayList<>();
  private int agentPort;
  private int quotesPort;

  @BeforeAll
  static void startServer() throws Exception {
    requirePython();
    server = TestServer.start(serverDir);
    product =
        server.post(
            "/products",
            Map.of(
                "name",
                "Quote Service",
                "pricing",
                "CUSTOM",
                "dimensions",
                List.of(Map.of("name", "Quotes", "price", "0.01")),
                "sellerAccountId",
                SELLER));
    server.post("/subscriptions", Map.of("productCode", code(), "awsAccountId", SUBSCRIBED_BUYER));
    endpointKey = server.send("GET", "/endpoint-key", null, 200).get("publicKeyPem").asText();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void freePorts() throws IOException {
    agentPort = freePort();
    quotesPort = freePort();
  }

  @AfterEach
  void endLeftoverProcesses() {
    for (ChildProcess p : started) {
      p.process().descendants().forEach(ProcessHandle::destroyForcibly);
      p.process().destroyForcibly();
    }
  }

  private static String code() {
    return product.get("productCode").asText();
  }

  @Test
  void subscribedBuyer_eachQuoteIsMeteredOnce_tagsAreTaken_andSigtermSendsTheHour()
      throws Exception {
    ChildProcess task = startTask(SUBSCRIBED_BUYER, trustFile(true));
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(() -> get(quotesPort, "/status").statusCode() == 200);

    for (int i = 0; i < 3; i++) {
      HttpResponse<String> quote = get(quotesPort, "/quote");
      assertThat(quote.statusCode()).as(quote.body()).isEqualTo(200);
      assertThat(JSON.readTree(quote.body()).get("quote").asText()).isNotBlank();
    }
    JsonNode status = JSON.readTree(get(agentPort, "/v1/status").body());
    assertThat(status.get("productCode").asText()).isEqualTo(code());
    assertThat(status.at("/meter/entitlement/mode").asText()).isEqualTo("ENTITLED");
    HttpResponse<String> wrong =
        post(agentPort, "/v1/usage", "{\"dimension\":\"Pages\",\"quantity\":1}");
    assertThat(wrong.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(wrong.body()).get("field").asText()).isEqualTo("dimension");
    HttpResponse<String> negative =
        post(agentPort, "/v1/usage", "{\"dimension\":\"Quotes\",\"quantity\":-1}");
    assertThat(JSON.readTree(negative.body()).get("field").asText()).isEqualTo("quantity");
    HttpResponse<String> tagged =
        post(
            agentPort,
            "/v1/usage",
            "{\"dimension\":\"Quotes\",\"quantity\":2,\"tags\":{\"team\":\"alpha\"}}");
    assertThat(tagged.statusCode()).as(tagged.body()).isEqualTo(200);
    HttpResponse<String> badTag =
        post(
            agentPort,
            "/v1/usage",
            "{\"dimension\":\"Quotes\",\"quantity\":1,\"tags\":{\"team\":\"a|b\"}}");
    assertThat(badTag.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(badTag.body()).get("field").asText()).isEqualTo("tags");
    assertThat(get(agentPort, "/metrics").body()).contains("meterline_meter_backlog");

    task.process().destroy(); // SIGTERM to run-task: the task stops, both containers get SIGTERM

    assertThat(task.process().waitFor(40, TimeUnit.SECONDS)).as("the task ended").isTrue();
    String taskId = task.startedTaskId();
    assertThat(task.stderr()).contains("meterline agent: stopped; all usage sent");
    List<JsonNode> rows = server.usageOfTask(code(), SUBSCRIBED_BUYER, taskId);
    assertThat(rows).as("stderr: %s", task.stderr()).hasSize(1);
    assertThat(rows.get(0).get("dimension").asText()).isEqualTo("Quotes");
    assertThat(rows.get(0).get("quantity").asLong()).as("3 quotes and 2 tagged units").isEqualTo(5);
  }

  @Test
  void buyerWithoutASubscription_taskFailsAtStartWithExitCode3() throws Exception {
    ChildProcess.Finished run = startTask(UNSUBSCRIBED_BUYER, trustFile(true)).waitFor();

    assertThat(run.exit()).as("%s", run).isEqualTo(3);
    assertThat(run.stderr()).contains("meterline agent: not entitled to run: NOT_ENTITLED");
  }

  @Test
  void buildWithoutTheSellersEndpointKey_refusesRunTasksEndpoint_withExitCode3() throws Exception {
    ChildProcess.Finished run = startTask(SUBSCRIBED_BUYER, trustFile(false)).waitFor();

    assertThat(run.exit()).as("%s", run).isEqualTo(3);
    assertThat(run.stderr())
        .contains(
            "UNTRUSTED_ENDPOINT: AWS_ENDPOINT_URL_MARKETPLACE_METERING points the metering client");
  }

  /** The product's trust file, with or without the seller's endpoint key. */
  private Path trustFile(boolean withEndpointKey) throws IOException {
    Map<String, Object> trusted =
        new java.util.LinkedHashMap<>(
            Map.of(
                "products",
                List.of(
                    Map.of(
                        "productCode",
                        code(),
                        "tier",
                        "PAID",
                        "entitlement",
                        "meterUsage",
                        "publicKeys",
                        Map.of("1", product.get("publicKeyPem").asText())))));
    if (withEndpointKey) {
      trusted.put("endpointKeys", List.of(endpointKey));
    }
    Path file = dir.resolve("trusted-products.json");
    Files.write(file, JSON.writeValueAsBytes(trusted));
    return file;
  }

  /** run-task of the pod: the agent (on the test class path) and the Python product. */
  private ChildProcess startTask(String buyer, Path trust) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run-task",
                "--endpoint",
                server.endpoint(),
                "--admin-token",
                TestServer.ADMIN_TOKEN,
                "--product",
                code(),
                "--buyer",
                buyer,
                "--",
                "python3",
                EXAMPLE.resolve("pod.py").toString()));
    args.addAll(
        ChildProcess.java(
            AgentMain.class.getName(),
            List.of(
                "--trust",
                trust.toString(),
                "--dimensions",
                "Quotes",
                "--spool-dir",
                dir.resolve("spool").toString(),
                "--port",
                String.valueOf(agentPort))));
    Files.createDirectories(dir.resolve("tmp"));
    ChildProcess task =
        ChildProcess.start(
            dir,
            ChildProcess.java(
                List.of("-Djava.io.tmpdir=" + dir.resolve("tmp")), Main.class.getName(), args),
            Map.of(
                "PRODUCT_CODE", code(),
                "METERLINE_AGENT_URL", "http://127.0.0.1:" + agentPort,
                "QUOTES_PORT", String.valueOf(quotesPort)));
    started.add(task);
    return task;
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(int port, String path, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void requirePython() {
    boolean present;
    try {
      present = new ProcessBuilder("python3", "--version").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      present = false;
    }
    if (!present) {
      String why = "SIDECAR EXAMPLE TESTS SKIPPED: no python3 (apt-get install python3)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(why.replace("SKIPPED", "CANNOT RUN") + " on CI");
      }
      System.err.println("!!!!!!!! " + why + " !!!!!!!!");
      Assumptions.abort(why);
    }
  }
}
