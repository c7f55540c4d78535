package io.meterline.server.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.config.ServerConfig;
import io.meterline.server.testing.AdminClient;
import io.meterline.server.testing.RawHttp;
import io.meterline.server.testing.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * One test class's server with what its tests need over and over: fresh accounts, SDK clients
 * (closed after each test), the service clock and the ledger.
 */
final class Harness implements AutoCloseable {
  /** The region tasks launch in unless a test says otherwise. */
  static final String REGION = "us-east-1";

  final TestServer server;
  final AdminClient admin;
  final RawHttp raw;
  private final List<MarketplaceMeteringClient> clients = new ArrayList<>();

  private Harness(TestServer server) {
    this.server = server;
    this.admin = server.admin();
    this.raw = new RawHttp(server.endpoint());
  }

  /** A server with the defaults of the tests: SQLite, test clock, system real clock. */
  static Harness start() {
    return new Harness(TestServer.start());
  }

  /** A server configured by the caller, on the given real clock. */
  static Harness start(UnaryOperator<ServerConfig.Builder> adjust, Clock realClock) {
    return new Harness(TestServer.start(adjust, realClock));
  }

  /** A 12-digit account id nobody has used yet (the account is not created). */
  static String newAccountId() {
    return String.format(
        "%012d", ThreadLocalRandom.current().nextLong(100_000_000_000L, 1_000_000_000_000L));
  }

  /** A new buyer account: {@code {awsAccountId, customerIdentifier}}. */
  JsonNode newBuyer() {
    return admin.buyer(newAccountId());
  }

  /** A new buyer account's id. */
  String buyer() {
    return newBuyer().get("awsAccountId").asText();
  }

  /** A client signed with a task's credentials in the task's region, retries off. */
  MarketplaceMeteringClient taskClient(JsonNode task) {
    return track(server.taskClient(task));
  }

  /** A client with these credentials and region, retries off. */
  MarketplaceMeteringClient client(AwsCredentials credentials, String region) {
    return track(server.client(credentials, region));
  }

  /** A client signed with a long-term key from the admin API, retries off. */
  MarketplaceMeteringClient keyClient(JsonNode key) {
    return client(TestServer.keyCredentials(key), REGION);
  }

  /** A client signed with a new long-term key of this account and kind, retries off. */
  MarketplaceMeteringClient keyClient(String accountId, String kind) {
    return keyClient(admin.accessKey(accountId, kind));
  }

  /** Closes the client with the others after the test. */
  MarketplaceMeteringClient track(MarketplaceMeteringClient client) {
    clients.add(client);
    return client;
  }

  /** The service time. */
  Instant now() {
    return admin.now();
  }

  /**
   * Moves the service clock forward to half past the next hour and returns that time, so a test has
   * the whole half hour either side inside one hour bucket.
   */
  Instant halfPastNextHour() {
    Instant target = now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(90));
    return Instant.parse(admin.setClock(target.toString()).get("now").asText());
  }

  /** The ledger rows of a product. */
  JsonNode usage(String productCode) {
    return admin.usage("productCode=" + productCode).get("records");
  }

  /** Closes the clients of the test that just ran. */
  void closeClients() {
    clients.forEach(MarketplaceMeteringClient::close);
    clients.clear();
  }

  @Override
  public void close() {
    closeClients();
    server.close();
  }
}
