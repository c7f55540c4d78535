package io.meterline.server.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.server.admin.AdminApi;
import io.meterline.server.admin.AdminContext;
import io.meterline.server.auth.MasterKey;
import io.meterline.server.http.DataPlane;
import io.meterline.server.http.OperatorEndpoints;
import io.meterline.server.platform.PlatformEndpoints;
import io.meterline.server.platform.StsEndpoint;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * One rule for failures nobody expected, on every surface: the client gets only a correlation id
 * (the reply's request id) in its surface's error shape, and the log has the id with the stack
 * trace. Each surface is built here over missing parts, so that answering fails inside it.
 */
class UnexpectedFailuresTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ID = Pattern.compile("[Cc]orrelation id:? ([0-9a-f-]{36})");

  private ListAppender<ILoggingEvent> logs;

  @BeforeEach
  void listen() {
    logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(Unexpected.class)).addAppender(logs);
  }

  @AfterEach
  void stopListening() {
    ((Logger) LoggerFactory.getLogger(Unexpected.class)).detachAppender(logs);
  }

  @Test
  void dataPlane_failureInside_isInternalServiceErrorWithOnlyTheId() throws Exception {
    HttpReply reply =
        new DataPlane(
                null,
                null,
                null,
                null,
                null,
                new io.meterline.server.calls.CallLog(
                    10, java.time.Clock.systemUTC(), java.time.Clock.systemUTC()))
            .handle(request("POST", "/", "x-amz-target", "AWSMPMeteringService.MeterUsage"))
            .get();

    JsonNode body = JSON.readTree(reply.body());
    assertThat(reply.status()).isEqualTo(500);
    assertThat(body.get("__type").asText()).isEqualTo("InternalServiceErrorException");
    assertOnlyTheIdReachesTheClientAndTheLogHasTheStack(reply, body.get("message").asText());
  }

  @Test
  void admin_failureInside_is500WithOnlyTheId() throws Exception {
    AdminApi admin =
        new AdminApi(
            "token",
            null,
            new AdminContext(
                null, null, null, null, null, null, null, null, null, null, null, null, null),
            null,
            null,
            Runnable::run);

    HttpReply reply =
        admin
            .handle(
                request("GET", "/admin/v1/buyers/444455556666", "authorization", "Bearer token"))
            .get();

    JsonNode body = JSON.readTree(reply.body());
    assertThat(reply.status()).isEqualTo(500);
    assertThat(body.get("error").asText()).isEqualTo("internal");
    assertOnlyTheIdReachesTheClientAndTheLogHasTheStack(reply, body.get("message").asText());
  }

  @Test
  void platform_failureInside_is500WithOnlyTheId() throws Exception {
    PlatformEndpoints platform =
        new PlatformEndpoints(null, MasterKey.of(new byte[32]), null, Clock.systemUTC());

    HttpReply reply = platform.handle(request("GET", "/platform/v1/tasks/abc/credentials")).get();

    JsonNode body = JSON.readTree(reply.body());
    assertThat(reply.status()).isEqualTo(500);
    assertThat(body.get("code").asText()).isEqualTo("InternalError");
    assertOnlyTheIdReachesTheClientAndTheLogHasTheStack(reply, body.get("message").asText());
  }

  @Test
  void sts_failureInside_isAReceiverFaultWithOnlyTheId() throws Exception {
    HttpRequestView call =
        new HttpRequestView(
            "POST",
            "/",
            "",
            new DefaultHttpHeaders().add("content-type", "application/x-www-form-urlencoded"),
            ("Action=AssumeRoleWithWebIdentity&RoleArn=arn:aws:iam::1:role/r"
                    + "&RoleSessionName=s&WebIdentityToken=t")
                .getBytes(StandardCharsets.UTF_8));

    HttpReply reply = new StsEndpoint(null, null, null).handle(call).get();

    String xml = new String(reply.body(), StandardCharsets.UTF_8);
    assertThat(reply.status()).isEqualTo(500);
    assertThat(xml).contains("<Type>Receiver</Type><Code>InternalFailure</Code>");
    assertThat(xml).contains("<RequestId>" + reply.requestId() + "</RequestId>");
    assertOnlyTheIdReachesTheClientAndTheLogHasTheStack(reply, xml);
  }

  @Test
  void operatorMetrics_failureInside_is500WithOnlyTheId() throws Exception {
    HttpReply reply =
        new OperatorEndpoints(null, null, Runnable::run).handle(request("GET", "/metrics")).get();

    JsonNode body = JSON.readTree(reply.body());
    assertThat(reply.status()).isEqualTo(500);
    assertOnlyTheIdReachesTheClientAndTheLogHasTheStack(reply, body.get("message").asText());
  }

  @Test
  void operatorReady_databaseFailing_isNotReadyWithOnlyTheId() throws Exception {
    HttpReply reply =
        new OperatorEndpoints(null, null, Runnable::run).handle(request("GET", "/ready")).get();

    JsonNode body = JSON.readTree(reply.body());
    assertThat(reply.status()).isEqualTo(503);
    assertThat(body.get("status").asText()).isEqualTo("not ready");
    assertOnlyTheIdReachesTheClientAndTheLogHasTheStack(reply, body.get("reason").asText());
  }

  @Test
  void guarded_handlerThrowingOrFailingItsFuture_isAnsweredByTheSurfacesShape() throws Exception {
    Handler throwing =
        Unexpected.guarded(
            "test",
            r -> {
              throw new IllegalStateException("secret detail");
            },
            (id, message) -> HttpReply.of(500, "text/plain", message.getBytes(), id));
    Handler failing =
        Unexpected.guarded(
            "test",
            r -> CompletableFuture.failedFuture(new IllegalStateException("secret detail")),
            (id, message) -> HttpReply.of(500, "text/plain", message.getBytes(), id));

    for (Handler h : new Handler[] {throwing, failing}) {
      HttpReply reply = h.handle(request("GET", "/x")).get();
      assertOnlyTheIdReachesTheClientAndTheLogHasTheStack(
          reply, new String(reply.body(), StandardCharsets.UTF_8));
      logs.list.clear();
    }
  }

  /** The client's text names the reply's request id and nothing of the failure; the log both. */
  private void assertOnlyTheIdReachesTheClientAndTheLogHasTheStack(HttpReply reply, String text) {
    Matcher m = ID.matcher(text);
    assertThat(m.find()).as(text).isTrue();
    String id = m.group(1);
    assertThat(id).isEqualTo(reply.requestId());
    assertThat(text)
        .doesNotContain("Exception:")
        .doesNotContain("NullPointer")
        .doesNotContain("secret detail")
        .doesNotContain("\tat ");
    assertThat(logs.list)
        .anySatisfy(
            event -> {
              assertThat(event.getFormattedMessage()).contains(id);
              assertThat(event.getThrowableProxy()).isNotNull();
              assertThat(event.getThrowableProxy().getStackTraceElementProxyArray()).isNotEmpty();
            });
  }

  private static HttpRequestView request(String method, String path, String... headers) {
    HttpHeaders h = new DefaultHttpHeaders();
    for (int i = 0; i < headers.length; i += 2) {
      h.add(headers[i], headers[i + 1]);
    }
    return new HttpRequestView(method, path, "", h, new byte[0]);
  }
}
