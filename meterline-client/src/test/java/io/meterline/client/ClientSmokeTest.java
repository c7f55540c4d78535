package io.meterline.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

class ClientSmokeTest {
  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void entitlementAndMetering_endToEnd() throws Exception {
    JsonNode hourly = server.admin().hourlyProduct("111122223333");
    JsonNode custom = server.admin().customProduct("111122223333", "Requests", "Renders");
    server.admin().buyer("444455556666");
    server.admin().subscribe(hourly.get("productCode").asText(), "444455556666");
    server.admin().subscribe(custom.get("productCode").asText(), "444455556666");
    JsonNode task = server.admin().task("444455556666", "us-east-1", "FARGATE");
    try (MarketplaceMeteringClient client = server.taskClient(task)) {
      Entitlement e =
          EntitlementCheck.builder()
              .trust(
                  TrustedProduct.paid(
                      hourly.get("productCode").asText(), 1, hourly.get("publicKeyPem").asText()))
              .productCode(hourly.get("productCode").asText())
              .client(client)
              .clock(server.server().serviceClock())
              .build()
              .run();
      assertThat(e.isPaid()).isTrue();
      assertThat(e.publicKeyVersion()).isEqualTo(1);

      Path spool = Files.createTempDirectory("meter");
      String code = custom.get("productCode").asText();
      try (Meter meter =
          Meter.builder()
              .productCode(code)
              .dimensions("Requests", "Renders")
              .spoolDirectory(spool)
              .client(client)
              .clock(server.server().serviceClock())
              .build()) {
        meter.add("Requests", 3);
        meter.add("Requests", 4);
        server.admin().advanceClock("PT1H");
        meter.flush();
        MeterStatus status = meter.status();
        assertThat(status.delivered()).isEqualTo(2);
        assertThat(status.backlog()).isZero();
      }
      // Two for the completed hour; two more for the current hour, sent when the meter closed.
      JsonNode records = server.admin().usage("productCode=" + code).get("records");
      assertThat(records).hasSize(4);
    }
  }
}
