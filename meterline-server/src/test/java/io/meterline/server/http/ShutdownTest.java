package io.meterline.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.Meterline;
import io.meterline.server.MeterlineServer;
import io.meterline.server.config.ServerConfig;
import io.meterline.server.testing.TestServer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/** Stopping the server answers what it took in: no acknowledged write goes unanswered. */
class ShutdownTest {
  @Test
  void close_answersEveryRequestInFlight_andEveryAnsweredRecordIsStored() throws Exception {
    TestServer server = TestServer.start();
    String code = server.admin().customProduct("111122223333", "Hosts").get("productCode").asText();
    server.admin().buyer("444455556666");
    server.admin().subscribe(code, "444455556666");
    List<JsonNode> tasks = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      tasks.add(server.admin().task("444455556666", "us-east-1", "ECS"));
    }
    Instant now = server.server().serviceClock().instant();
    List<CompletableFuture<String>> calls = new ArrayList<>();
    List<MarketplaceMeteringClient> clients = new ArrayList<>();
    for (JsonNode task : tasks) {
      MarketplaceMeteringClient client = server.taskClient(task);
      clients.add(client);
      calls.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return client
                      .meterUsage(
                          r ->
                              r.productCode(code)
                                  .usageDimension("Hosts")
                                  .usageQuantity(1)
                                  .timestamp(now))
                      .meteringRecordId();
                } catch (RuntimeException e) {
                  return "failed: " + e.getClass().getSimpleName();
                }
              }));
    }
    Thread.sleep(20);
    server.close();
    List<String> outcomes = new ArrayList<>();
    for (CompletableFuture<String> call : calls) {
      // Every call ends: answered, refused (503) or never accepted; none hangs.
      outcomes.add(call.get(30, TimeUnit.SECONDS));
    }
    clients.forEach(MarketplaceMeteringClient::close);

    try (MeterlineServer reopened =
        Meterline.start(
            ServerConfig.builder(server.dataDir())
                .port(0)
                .adminToken(TestServer.ADMIN_TOKEN)
                .build())) {
      JsonNode records =
          new io.meterline.server.testing.AdminClient(reopened.endpoint(), TestServer.ADMIN_TOKEN)
              .usage("productCode=" + code)
              .get("records");
      List<String> stored = new ArrayList<>();
      records.forEach(r -> stored.add(r.get("meteringRecordId").asText()));
      List<String> acknowledged = outcomes.stream().filter(o -> !o.startsWith("failed")).toList();
      assertThat(stored).containsAll(acknowledged);
    }
  }
}
