package io.meterline.server.operations;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.server.testing.ServerExtension;
import io.meterline.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/** Metrics, health, readiness and access logs, and that no secret reaches a log. */
class ObservabilityTest {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final List<String> secrets = new ArrayList<>(List.of(TestServer.ADMIN_TOKEN));
  static final java.util.concurrent.atomic.AtomicLong BUYERS =
      new java.util.concurrent.atomic.AtomicLong();

  // Attached as the class initialises, before the server below starts, so that what the server
  // logs while it starts is searched for secrets too.
  static final ListAppender<ILoggingEvent> logs = attachedToTheRootLogger();

  @RegisterExtension
  static final ServerExtension server = ServerExtension.configured(b -> b.accessLog(true));

  private static ListAppender<ILoggingEvent> attachedToTheRootLogger() {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
    ((Logger) LoggerFactory.getLogger("meterline.access")).setLevel(Level.INFO);
    return appender;
  }

  @AfterAll
  static void detachLogs() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(server.endpoint().resolve(path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Meter some usage, with successes and failures, keeping every secret involved. */
  private static String traffic() {
    String code = server.admin().customProduct("111122223333", "Hosts").get("productCode").asText();
    String buyer = String.format("%012d", 400_000_000_000L + BUYERS.incrementAndGet());
    server.admin().buyer(buyer);
    server.admin().subscribe(code, buyer);
    JsonNode task = server.admin().task(buyer, "us-east-1", "FARGATE");
    JsonNode c = task.get("credentials");
    secrets.add(c.get("secretAccessKey").asText());
    secrets.add(c.get("sessionToken").asText());
    secrets.add(task.get("environment").get("AWS_CONTAINER_AUTHORIZATION_TOKEN").asText());
    JsonNode key = server.admin().accessKey(buyer, "BUYER_USER");
    secrets.add(key.get("secretAccessKey").asText());
    Instant now = server.server().serviceClock().instant();
    MarketplaceMeteringClient client = server.taskClient(task);
    client.meterUsage(
        r -> r.productCode(code).usageDimension("Hosts").usageQuantity(1).timestamp(now));
    try {
      client.meterUsage(
          r -> r.productCode(code).usageDimension("Hosts").usageQuantity(2).timestamp(now));
    } catch (RuntimeException expected) {
      // DuplicateRequestException
    }
    MarketplaceMeteringClient wrong =
        server.client(
            AwsBasicCredentials.create(key.get("accessKeyId").asText(), "not-the-secret"),
            "us-east-1");
    try {
      wrong.meterUsage(
          r -> r.productCode(code).usageDimension("Hosts").usageQuantity(1).timestamp(now));
    } catch (RuntimeException expected) {
      // InvalidSignatureException
    }
    return code;
  }

  @Test
  void metrics_countRequestsByOperationAndErrorsByAwsName() throws Exception {
    traffic();
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
    assertThat(r.body())
        .contains("meterline_requests_seconds_count{operation=\"MeterUsage\",outcome=\"success\"}")
        .contains(
            "meterline_errors_total{error=\"DuplicateRequestException\","
                + "operation=\"MeterUsage\"}")
        .contains("meterline_errors_total{error=\"InvalidSignatureException\"")
        .contains("meterline_commit_batch_size_count")
        .contains("meterline_commit_queue_depth")
        .contains("meterline_http_body_bytes_held_bytes")
        .contains("jvm_memory_used_bytes");
    // Latency as buckets, which histogram_quantile reads over any window.
    assertThat(r.body().lines())
        .filteredOn(
            l ->
                l.startsWith("meterline_requests_seconds_bucket{")
                    && l.contains("operation=\"MeterUsage\"")
                    && l.contains("outcome=\"success\""))
        .hasSizeGreaterThan(10)
        .anyMatch(l -> l.contains("le=\"+Inf\"") && !l.endsWith(" 0.0"));
  }

  @Test
  void health_andReadiness_answer200() throws Exception {
    assertThat(get("/health").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = get("/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("ready");
  }

  @Test
  void accessLog_hasOneJsonLinePerRequest_withOperationStatusAndError() throws Exception {
    traffic();
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (ILoggingEvent e : List.copyOf(logs.list)) {
      if (e.getLoggerName().equals("meterline.access")) {
        lines.add(json.readTree(e.getFormattedMessage()));
      }
    }
    assertThat(lines)
        .anySatisfy(
            l -> {
              assertThat(l.get("operation").asText()).isEqualTo("MeterUsage");
              assertThat(l.get("status").asInt()).isEqualTo(400);
              assertThat(l.get("error").asText()).isEqualTo("DuplicateRequestException");
              assertThat(l.get("requestId").asText()).isNotBlank();
              assertThat(l.get("ms").asDouble()).isPositive();
            });
    assertThat(lines).anySatisfy(l -> assertThat(l.get("operation").asText()).isEqualTo("admin"));
  }

  @Test
  void noSecret_everReachesTheLogs() throws Exception {
    traffic();
    // A request whose failure is logged with a stack trace (an admin body that is not JSON).
    server.admin().send("POST", "/products", "{not json");
    HTTP.send(
        HttpRequest.newBuilder(URI.create(server.endpoint() + "/admin/v1/usage"))
            .header("Authorization", "Bearer wrong-token-" + TestServer.ADMIN_TOKEN)
            .build(),
        HttpResponse.BodyHandlers.ofString());
    StringBuilder all = new StringBuilder();
    for (ILoggingEvent e : List.copyOf(logs.list)) {
      all.append(e.getFormattedMessage()).append('\n');
      if (e.getThrowableProxy() != null) {
        all.append(e.getThrowableProxy().getMessage()).append('\n');
      }
    }
    assertThat(all).isNotEmpty();
    for (String secret : secrets) {
      assertThat(all.toString()).doesNotContain(secret);
    }
  }
}
