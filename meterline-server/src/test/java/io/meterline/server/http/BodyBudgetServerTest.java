package io.meterline.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.testing.ServerExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * Over real sockets: bodies still arriving count against the server's body budget, so clients that
 * send large bodies and stall cannot make the server hold more than the budget. Small requests that
 * fit are still served; one whose body does not fit is answered "busy", and its connection goes on.
 */
class BodyBudgetServerTest {
  private static final long BUDGET = 8_192;
  private static final Pattern HELD =
      Pattern.compile("(?m)^meterline_http_body_bytes_held_bytes (\\S+)$");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @RegisterExtension
  static final ServerExtension server =
      ServerExtension.configured(
          b ->
              b.maxBodyBytes((int) BUDGET)
                  .bodyBudgetBytes(BUDGET)
                  .requestDeadline(Duration.ofSeconds(20)));

  private static void send(Socket socket, String text) throws Exception {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static String post(int bodyBytes) {
    return "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\n"
        + "X-Amz-Target: AWSMPMeteringService.MeterUsage\r\nContent-Length: "
        + bodyBytes
        + "\r\n\r\n"
        + " ".repeat(bodyBytes);
  }

  /** The status line and headers of the next reply, its body skipped. */
  private static String readReply(Socket socket) throws Exception {
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      assertThat(b).as("the reply ended early: " + head).isNotEqualTo(-1);
      head.append((char) b);
    }
    Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
    assertThat(length.find()).isTrue();
    in.readNBytes(Integer.parseInt(length.group(1)));
    return head.toString();
  }

  private static long held() throws Exception {
    String metrics =
        HTTP.send(
                HttpRequest.newBuilder(server.endpoint().resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher m = HELD.matcher(metrics);
    assertThat(m.find()).as("the body-bytes gauge is served").isTrue();
    return (long) Double.parseDouble(m.group(1));
  }

  private static void awaitHeld(long bytes) {
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(() -> assertThat(held()).isEqualTo(bytes));
  }

  @Test
  void aStalledBodyHoldsWhatItSent_aBodyBeyondTheBudgetIsBusy_smallOnesAreServed()
      throws Exception {
    String code = server.admin().customProduct("111122223333", "Hosts").get("productCode").asText();
    String buyer = "400000000991";
    server.admin().buyer(buyer);
    server.admin().subscribe(code, buyer);
    JsonNode task = server.admin().task(buyer, "us-east-1", "FARGATE");
    Instant now = server.server().serviceClock().instant();
    MarketplaceMeteringClient client = server.taskClient(task);

    try (Socket stalled = server.socket();
        Socket other = server.socket()) {
      send(
          stalled,
          "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 7000\r\n\r\n" + "{".repeat(6_000));
      awaitHeld(6_000);

      send(other, post(3_000));
      String busy = readReply(other);
      assertThat(busy).startsWith("HTTP/1.1 503").doesNotContainIgnoringCase("connection: close");

      // An SDK request's body fits in what is left: it is served as usual.
      String recordId =
          client
              .meterUsage(
                  r -> r.productCode(code).usageDimension("Hosts").usageQuantity(1).timestamp(now))
              .meteringRecordId();
      assertThat(recordId).isNotBlank();

      stalled.close();
      awaitHeld(0);
      // Once the stalled client is gone, the same connection's large request is let in (and
      // answered for what it is: an unsigned request).
      send(other, post(3_000));
      assertThat(readReply(other)).startsWith("HTTP/1.1 4");
    }
    assertThat(held()).isZero();
  }
}
