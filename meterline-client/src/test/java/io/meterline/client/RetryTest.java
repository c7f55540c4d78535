package io.meterline.client;

import static io.meterline.client.Fixtures.REGION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.testing.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * The entitlement check's retries (SPEC §4 "retry throttling and transient errors with backoff for
 * a bounded time"; facts §4.5 "Error handling guidance"): throttling and 5xx are retried until they
 * stop or the time is up; a refusal is final at once. Faults come from the server's fault
 * injection; every HTTP attempt is counted with an interceptor (the SDK's own retries are off).
 */
class RetryTest {
  private static TestServer server;
  private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
  private final RecordedCalls calls = new RecordedCalls();
  private String code;
  private String pem;
  private MarketplaceMeteringClient client;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void subscribedTask() {
    JsonNode product = server.admin().hourlyProduct(Fixtures.newAccountId());
    code = product.get("productCode").asText();
    pem = product.get("publicKeyPem").asText();
    String buyer = Fixtures.newBuyer(server);
    server.admin().subscribe(code, buyer);
    client = Fixtures.taskClient(server, server.admin().task(buyer, REGION, "ECS"), calls);
  }

  @AfterEach
  void cleanUp() {
    later.shutdownNow();
    server.admin().clearFaults();
    client.close();
  }

  /** A check on the system clock (retry time is wall time) with a short backoff. */
  private EntitlementCheck.Builder check(Duration retryFor) {
    return EntitlementCheck.builder()
        .trust(TrustedProduct.paid(code, 1, pem))
        .productCode(code)
        .client(client)
        .clock(Clock.systemUTC())
        .retryFor(retryFor)
        .backoff(Duration.ofMillis(20), Duration.ofMillis(150));
  }

  private void clearFaultsAfter(Duration delay) {
    later.schedule(() -> server.admin().clearFaults(), delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void throttlingThatStops_isRetriedUntilTheCheckSucceeds() throws Exception {
    server.admin().fault("RegisterUsage", "ThrottlingException", 1.0, 0);
    clearFaultsAfter(Duration.ofMillis(1500));

    Entitlement e = check(Duration.ofSeconds(30)).build().run();

    assertThat(e.isPaid()).isTrue();
    assertThat(calls.count())
        .as("throttled attempts, then the one that succeeded")
        .isGreaterThan(2);
  }

  @Test
  void internalServiceErrorsThatStop_areRetriedUntilTheCheckSucceeds() throws Exception {
    server.admin().fault("RegisterUsage", "InternalServiceErrorException", 1.0, 0);
    clearFaultsAfter(Duration.ofMillis(1000));

    Entitlement e = check(Duration.ofSeconds(30)).build().run();

    assertThat(e.publicKeyVersion()).isEqualTo(1);
    assertThat(calls.count()).isGreaterThan(2);
  }

  @Test
  void throttlingThatNeverStops_isUnavailableOnceTheRetryTimeIsUp() {
    server.admin().fault("RegisterUsage", "ThrottlingException", 1.0, 0);
    long started = System.nanoTime();

    EntitlementException e =
        catchThrowableOfType(
            EntitlementException.class, () -> check(Duration.ofSeconds(2)).build().run());

    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo(EntitlementException.Reason.UNAVAILABLE);
    assertThat(e.getMessage()).contains("ThrottlingException");
    assertThat(calls.count()).isGreaterThan(2);
    assertThat(took).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(10));
  }

  @Test
  void customerNotEntitled_isNotRetried() {
    MarketplaceMeteringClient unsubscribed =
        Fixtures.taskClient(
            server, server.admin().task(Fixtures.newBuyer(server), REGION, "ECS"), calls);
    try (unsubscribed) {
      EntitlementException e =
          catchThrowableOfType(
              EntitlementException.class,
              () -> check(Duration.ofSeconds(30)).client(unsubscribed).build().run());

      assertThat(e.reason()).isEqualTo(EntitlementException.Reason.NOT_ENTITLED);
      assertThat(calls.count()).isEqualTo(1);
    }
  }

  @Test
  void meteredCheck_throttledDryRun_isRetriedToo() throws Exception {
    JsonNode product = server.admin().customProduct(Fixtures.newAccountId(), "Requests");
    String custom = product.get("productCode").asText();
    String buyer = Fixtures.newBuyer(server);
    server.admin().subscribe(custom, buyer);
    server.admin().fault("MeterUsage", "ThrottlingException", 1.0, 0);
    clearFaultsAfter(Duration.ofMillis(1000));
    MarketplaceMeteringClient task =
        Fixtures.taskClient(server, server.admin().task(buyer, REGION, "ECS"), calls);
    try (task) {
      Entitlement e =
          EntitlementCheck.builder()
              .trust(TrustedProduct.paid(custom, 1, product.get("publicKeyPem").asText()))
              .productCode(custom)
              .meteredBy("Requests")
              .client(task)
              .clock(Clock.systemUTC())
              .backoff(Duration.ofMillis(20), Duration.ofMillis(150))
              .build()
              .run();

      assertThat(e.isPaid()).isTrue();
      assertThat(calls.count()).isGreaterThan(2);
    }
  }

  @Test
  void retryTime_isBoundedEvenWhenTheGivenClockStandsStill() {
    // The server's test clock only moves when told to. A product tested against it with that clock
    // (as service time, so that iat checks line up) must still give up after retryFor: "retry ...
    // for a bounded time" (SPEC §4).
    server.admin().fault("RegisterUsage", "ThrottlingException", 1.0, 0);
    EntitlementCheck check =
        check(Duration.ofSeconds(2)).clock(server.server().serviceClock()).build();

    EntitlementException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(6),
            () -> catchThrowableOfType(EntitlementException.class, check::run),
            "the check kept retrying past retryFor because its deadline follows the frozen clock");

    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo(EntitlementException.Reason.UNAVAILABLE);
  }
}
