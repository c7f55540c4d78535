package io.meterline.server.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.testing.TestServer;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.CustomerNotEntitledException;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageResponse;

class SmokeTest {
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
  void meterUsage_subscribedFargateTask_returnsRecordIdAndLedgerHasIt() {
    JsonNode product = server.admin().customProduct("111122223333", "Hosts");
    String code = product.get("productCode").asText();
    server.admin().buyer("444455556666");
    server.admin().subscribe(code, "444455556666");
    JsonNode task = server.admin().task("444455556666", "us-east-1", "FARGATE");
    try (MarketplaceMeteringClient client = server.taskClient(task)) {
      Instant now = Instant.parse(server.admin().get("/clock").get("now").asText());
      MeterUsageResponse r = client.meterUsage(b -> b.productCode(code).usageDimension("Hosts")
          .usageQuantity(3).timestamp(now));
      assertThat(r.meteringRecordId()).isNotBlank();
      MeterUsageResponse again = client.meterUsage(b -> b.productCode(code)
          .usageDimension("Hosts").usageQuantity(3).timestamp(now));
      assertThat(again.meteringRecordId()).isEqualTo(r.meteringRecordId());
      assertThat(r.responseMetadata().requestId()).isNotEqualTo("UNKNOWN");
    }
    JsonNode usage = server.admin().usage("productCode=" + code);
    assertThat(usage.get("records")).hasSize(1);
    assertThat(usage.get("records").get(0).get("quantity").asLong()).isEqualTo(3);
  }

  @Test
  void meterUsage_unsubscribedBuyer_isCustomerNotEntitled() {
    String code = server.admin().customProduct("111122223333", "Hosts").get("productCode")
        .asText();
    server.admin().buyer("777788889999");
    JsonNode task = server.admin().task("777788889999", "us-east-1", "ECS");
    try (MarketplaceMeteringClient client = server.taskClient(task)) {
      Instant now = Instant.parse(server.admin().get("/clock").get("now").asText());
      assertThatThrownBy(() -> client.meterUsage(b -> b.productCode(code)
          .usageDimension("Hosts").usageQuantity(1).timestamp(now)))
          .isInstanceOf(CustomerNotEntitledException.class)
          .satisfies(e -> assertThat(((CustomerNotEntitledException) e).statusCode())
              .isEqualTo(400));
    }
  }
}
