package io.meterline.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.testing.ServerExtension;
import io.meterline.wire.sigv4.SigV4Signer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Regression tests of the HTTP edge, named for the defects they guard against. */
class EdgeRegressionTest {
  @RegisterExtension static final ServerExtension server = ServerExtension.withDefaults();

  static String productCode;
  SigV4Signer task;

  @BeforeAll
  static void subscribeTheBuyer() {
    productCode = server.admin().customProduct("111122223333", "Hosts").get("productCode").asText();
    server.admin().buyer("444455556666");
    server.admin().subscribe(productCode, "444455556666");
  }

  // A task of its own per test: usage is deduplicated per task and hour.
  @BeforeEach
  void newTask() {
    JsonNode c = server.admin().task("444455556666", "us-east-1", "ECS").get("credentials");
    task =
        new SigV4Signer(
            c.get("accessKeyId").asText(),
            c.get("secretAccessKey").asText(),
            c.get("sessionToken").asText(),
            "us-east-1",
            "aws-marketplace");
  }

  private static byte[] meterUsage(String dimension, int quantity, String token) {
    Instant now = server.server().serviceClock().instant();
    return String.format(
            "{\"ProductCode\":\"%s\",\"Timestamp\":%d,\"UsageDimension\":\"%s\","
                + "\"UsageQuantity\":%d,\"ClientToken\":\"%s\"}",
            productCode, now.getEpochSecond(), dimension, quantity, token)
        .getBytes(StandardCharsets.UTF_8);
  }

  private byte[] signedRequest(byte[] body) {
    URI e = server.endpoint();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("host", e.getHost() + ":" + e.getPort());
    headers.put("content-type", "application/x-amz-json-1.1");
    headers.put("x-amz-target", "AWSMPMeteringService.MeterUsage");
    Map<String, String> signed = task.sign("POST", "/", headers, body, Instant.now());
    StringBuilder head = new StringBuilder("POST / HTTP/1.1\r\n");
    signed.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    head.append("content-length: ").append(body.length).append("\r\n\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(body);
    return out.toByteArray();
  }

  /** Reads responses off a socket: status and body per response, in arrival order. */
  private static List<String[]> readResponses(InputStream in, int count) throws IOException {
    List<String[]> responses = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String status = null;
      int length = 0;
      String line;
      while (!(line = readLine(in)).isEmpty()) {
        if (status == null) {
          status = line.split(" ")[1];
        } else if (line.toLowerCase().startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      responses.add(
          new String[] {status, new String(in.readNBytes(length), StandardCharsets.UTF_8)});
    }
    return responses;
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("connection closed after: " + line);
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  @Test
  void pipelinedRequests_areAnsweredInOrder() throws Exception {
    try (Socket socket = new Socket(server.endpoint().getHost(), server.endpoint().getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      for (int i = 1; i <= 5; i++) {
        out.write(signedRequest(meterUsage("Hosts", 7, "pipelined-" + i)));
      }
      out.flush();
      List<String[]> replies = readResponses(socket.getInputStream(), 5);
      assertThat(replies).extracting(r -> r[0]).containsOnly("200");
      assertThat(replies).extracting(r -> r[1]).allMatch(b -> b.contains("MeteringRecordId"));
    }
  }

  @Test
  void oversizedRequestPipelinedBehindAnother_isAnswered413AfterTheFirstReply() throws Exception {
    try (Socket socket = new Socket(server.endpoint().getHost(), server.endpoint().getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(signedRequest(meterUsage("Hosts", 9, "before-oversized")));
      out.write(
          ("POST / HTTP/1.1\r\nhost: x\r\ncontent-length: " + (3 * 1024 * 1024) + "\r\n\r\n{")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      List<String[]> replies = readResponses(socket.getInputStream(), 2);
      assertThat(replies.get(0)[0]).isEqualTo("200");
      assertThat(replies.get(0)[1]).contains("MeteringRecordId");
      assertThat(replies.get(1)[0]).isEqualTo("413");
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void clientTokenWithNul_isValidationException_notAServerFault() throws Exception {
    try (Socket socket = new Socket(server.endpoint().getHost(), server.endpoint().getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(signedRequest(meterUsage("Hosts", 1, "nul\\u0000token")));
      String[] reply = readResponses(socket.getInputStream(), 1).get(0);
      assertThat(reply[0]).isEqualTo("400");
      assertThat(reply[1]).contains("ValidationException").contains("clientToken");
    }
  }
}
