package io.meterline.client;

import static io.meterline.client.Fixtures.REGION;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.testing.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * What the meter's tests against the real server share: a server on its test clock, and for each
 * test a custom product of two dimensions ("Requests", "Renders"), a subscribed buyer, a task of
 * that buyer and a client signed with its credentials that records every call.
 */
abstract class MeterOnServer {
  static final Duration HOUR = Duration.ofHours(1);

  static TestServer server;
  static Clock serviceClock;

  @TempDir Path spoolDir;
  final RecordedCalls calls = new RecordedCalls();
  final List<AutoCloseable> toClose = new ArrayList<>();
  String code;
  JsonNode task;
  MarketplaceMeteringClient client;

  /** The start of the hour the test begins in, at half past. */
  Instant h;

  @BeforeAll
  static void startServer() {
    server = TestServer.start();
    serviceClock = server.server().serviceClock();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void productBuyerAndTask() {
    h = Fixtures.halfPastNextHour(server);
    code =
        server
            .admin()
            .customProduct(Fixtures.newAccountId(), "Requests", "Renders")
            .get("productCode")
            .asText();
    String buyer = Fixtures.newBuyer(server);
    server.admin().subscribe(code, buyer);
    task = server.admin().task(buyer, REGION, "ECS");
    client = Fixtures.taskClient(server, task, calls);
  }

  @AfterEach
  void cleanUp() throws Exception {
    server.admin().clearFaults();
    for (AutoCloseable c : toClose) {
      c.close();
    }
    client.close();
  }

  /** A meter of these dimensions (default both) on the service clock; its timer is off. */
  Meter.Builder meter(String... dimensions) {
    return Meter.builder()
        .productCode(code)
        .dimensions(dimensions.length == 0 ? new String[] {"Requests", "Renders"} : dimensions)
        .spoolDirectory(spoolDir)
        .client(client)
        .clock(serviceClock)
        .sendInterval(HOUR)
        .backoff(Duration.ofMillis(5), Duration.ofMillis(40));
  }

  /** Builds a meter that the test's clean-up closes. */
  Meter open(Meter.Builder builder) {
    Meter m = builder.build();
    toClose.add(m);
    return m;
  }

  static void advance(Duration d) {
    server.admin().advanceClock(d.toString());
  }
}
