package io.meterline.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.meterline.server.testing.ServerExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A body over the limit always reaches its client as its 413. The server answers 413 as soon as the
 * declared length is over the limit; a client still sending its body must then read that answer,
 * not a closed or reset connection: the server stops writing, drains what still arrives for a
 * while, and closes after (a lingering close).
 */
class OversizedBodyTest {
  @RegisterExtension static final ServerExtension server = ServerExtension.withDefaults();

  @Test
  void manyOversizedBodiesInARow_eachJavaClientGetsIts413() throws Exception {
    byte[] body = new byte[2 * 1024 * 1024];
    java.util.Arrays.fill(body, (byte) 'x');
    List<String> lost = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      try {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(server.endpoint())
                    .timeout(Duration.ofSeconds(10))
                    .header("content-type", "application/x-amz-json-1.1")
                    .header("x-amz-target", "AWSMPMeteringService.BatchMeterUsage")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 413) {
          lost.add("attempt " + i + ": " + r.statusCode());
        }
      } catch (java.io.IOException e) {
        lost.add("attempt " + i + ": " + e);
      }
    }
    assertThat(lost).as("attempts whose 413 did not reach the client").isEmpty();
  }
}
