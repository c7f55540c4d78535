package io.meterline.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.meterline.wire.sigv4.SigV4Signer;
import io.meterline.wire.sigv4.SigV4Verifier;
import io.meterline.wire.sigv4.SignableRequest;
import io.meterline.wire.sigv4.SignatureClaim;
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

class AwsJsonRequestTest {
  private static final String SERVICE = "aws-marketplace";
  private static final String SECRET = "secretsecretsecretsecretsecretsecret0000";

  @Test
  void bytes_areAWholeRequest_thatSigV4VerificationAccepts() {
    Instant now = Instant.parse("2025-11-27T10:00:00Z");
    byte[] body = "{\"ProductCode\":\"p\"}".getBytes(StandardCharsets.UTF_8);
    SigV4Signer signer =
        new SigV4Signer("ASIAEXAMPLEEXAMPLE01", SECRET, "session-token", "us-east-1", SERVICE);

    FullHttpRequest request =
        decode(
            AwsJsonRequest.bytes(
                "127.0.0.1:1234", signer, "AWSMPMeteringService.MeterUsage", body, now));
    try {
      SignatureClaim claim =
          new SigV4Verifier(SERVICE, "us-east-1"::equals, Duration.ofMinutes(15))
              .check(view(request), now);

      assertThat(request.headers().get("x-amz-target"))
          .isEqualTo("AWSMPMeteringService.MeterUsage");
      assertThat(request.headers().get("content-type")).isEqualTo("application/x-amz-json-1.1");
      assertThat(ByteBufUtil.getBytes(request.content())).isEqualTo(body);
      assertThat(claim.securityToken()).isEqualTo("session-token");
      assertThat(claim.isSignedWith(SECRET)).isTrue();
      assertThat(claim.isSignedWith("another-secret")).isFalse();
    } finally {
      request.release();
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
