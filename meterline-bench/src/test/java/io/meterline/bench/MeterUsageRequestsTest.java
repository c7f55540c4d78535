package io.meterline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.meterline.bench.MeterUsageRequests.TaskCredentials;
import io.meterline.load.RequestSet;
import io.meterline.server.Meterline;
import io.meterline.wire.sigv4.SigV4Verifier;
import io.meterline.wire.sigv4.SignableRequest;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeterUsageRequestsTest {
  private static final TaskCredentials TASK =
      new TaskCredentials(
          "t1",
          "ASIAEXAMPLEEXAMPLE01",
          "secretsecretsecretsecretsecretsecret0000",
          "session-token");

  @Test
  void body_hasEpochSecondsWithMillis_andOptionalFields() {
    Instant ts = Instant.parse("2025-11-27T10:00:00.042Z");

    assertThat(MeterUsageRequests.body("p", ts, "Hosts", 3, "tok", false))
        .isEqualTo(
            "{\"ProductCode\":\"p\",\"Timestamp\":1764237600.042,\"UsageDimension\":\"Hosts\","
                + "\"UsageQuantity\":3,\"ClientToken\":\"tok\"}");
    assertThat(MeterUsageRequests.body("p", ts, "Hosts", 3, null, true))
        .endsWith("\"UsageQuantity\":3,\"DryRun\":true}");
  }

  @Test
  void http_isAWholeRequest_thatTheServersVerifierAccepts() {
    Instant now = Instant.parse("2025-11-27T10:00:00Z");
    String body = MeterUsageRequests.body("p", now, "Hosts", 3, "tok", false);
    byte[] bytes = MeterUsageRequests.http("127.0.0.1:1234", TASK, body, now);

    FullHttpRequest request = decode(bytes);
    var claim =
        new SigV4Verifier(Meterline.SIGNING_NAME, "us-east-1"::equals, Duration.ofMinutes(15))
            .check(view(request), now);

    assertThat(request.headers().get("x-amz-target")).isEqualTo(MeterUsageRequests.TARGET);
    assertThat(request.content().toString(StandardCharsets.UTF_8)).isEqualTo(body);
    assertThat(claim.securityToken()).isEqualTo("session-token");
    assertThat(claim.isSignedWith(TASK.secretAccessKey())).isTrue();
    assertThat(claim.isSignedWith("another-secret")).isFalse();
    request.release();
  }

  @Test
  void sign_makesOneRequestPerTaskAndDimension() throws Exception {
    List<TaskCredentials> tasks =
        List.of(
            TASK,
            new TaskCredentials(
                "t2",
                "ASIAEXAMPLEEXAMPLE02",
                "secretsecretsecretsecretsecretsecret0001",
                "token-2"));

    try (RequestSet set =
        MeterUsageRequests.sign("h:1", "p", List.of("A", "B", "C"), tasks, Instant.now(), false)) {
      assertThat(set.size()).isEqualTo(6);
      String fourth = new String(set.copyOf(3), StandardCharsets.UTF_8);
      assertThat(fourth)
          .contains("x-amz-security-token: token-2")
          .contains("\"UsageDimension\":\"A\"");
    }
  }

  private static FullHttpRequest decode(byte[] bytes) {
    EmbeddedChannel channel =
        new EmbeddedChannel(new HttpServerCodec(), new HttpObjectAggregator(1 << 20));
    channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    FullHttpRequest request = channel.readInbound();
    channel.finishAndReleaseAll();
    return request;
  }

  private static SignableRequest view(FullHttpRequest r) {
    return new SignableRequest() {
      @Override
      public String method() {
        return r.method().name();
      }

      @Override
      public String rawPath() {
        return r.uri();
      }

      @Override
      public String rawQuery() {
        return "";
      }

      @Override
      public List<String> headerValues(String name) {
        return r.headers().getAll(name);
      }

      @Override
      public byte[] body() {
        return ByteBufUtil.getBytes(r.content());
      }
    };
  }
}
