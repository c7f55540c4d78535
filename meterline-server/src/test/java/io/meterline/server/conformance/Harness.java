package io.meterline.server.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.config.ServerConfig;
import io.meterline.server.testing.RawHttp;
import io.meterline.server.testing.ServerExtension;
import io.meterline.server.testing.TestServer;
import java.time.Clock;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * A conformance test class's server with what its tests need over and over: fresh accounts, SDK
 * clients (closed after each test), hand-made requests, the service clock and the ledger.
 *
 * <pre>
 * &#64;RegisterExtension static final Harness h = Harness.withDefaults();
 * </pre>
 */
final class Harness extends ServerExtension {
  /** The region tasks launch in unless a test says otherwise. */
  static final String REGION = "us-east-1";

  private RawHttp raw;

  private Harness(UnaryOperator<ServerConfig.Builder> adjust, Clock realClock) {
    super(adjust, realClock);
  }

  /** A server with the test defaults: SQLite, test clock, the system's real clock. */
  public static Harness withDefaults() {
    return new Harness(UnaryOperator.identity(), Clock.systemUTC());
  }

  /** A server with the test defaults on this real clock. */
  public static Harness onRealClock(Clock realClock) {
    return new Harness(UnaryOperator.identity(), realClock);
  }

  /** A server whose configuration the test adjusts, on the system's real clock. */
  public static Harness configured(UnaryOperator<ServerConfig.Builder> adjust) {
    return new Harness(adjust, Clock.systemUTC());
  }

  @Override
  public Harness start() {
    super.start();
    raw = new RawHttp(endpoint());
    return this;
  }

  /** Metering-API requests written by hand. */
  RawHttp raw() {
    if (raw == null) {
      throw new IllegalStateException("the server is not running: raw requests have nowhere to go");
    }
    return raw;
  }

  /** A new buyer account: {@code {awsAccountId, customerIdentifier}}. */
  JsonNode newBuyer() {
    return admin().buyer(newAccountId());
  }

  /** A client signed with a long-term key from the admin API, retries off. */
  MarketplaceMeteringClient keyClient(JsonNode key) {
    return client(TestServer.keyCredentials(key), REGION);
  }

  /** A client signed with a new long-term key of this account and kind, retries off. */
  MarketplaceMeteringClient keyClient(String accountId, String kind) {
    return keyClient(admin().accessKey(accountId, kind));
  }

  /** The ledger rows of a product. */
  JsonNode usage(String productCode) {
    return admin().usage("productCode=" + productCode).get("records");
  }
}
