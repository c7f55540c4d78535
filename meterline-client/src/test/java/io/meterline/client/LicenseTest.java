package io.meterline.client;

import static io.meterline.client.Fixtures.REGION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.licenses.Licenses;
import io.meterline.server.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.licensemanager.LicenseManagerClient;
import software.amazon.awssdk.services.licensemanager.model.CheckInLicenseRequest;
import software.amazon.awssdk.services.licensemanager.model.CheckoutLicenseRequest;
import software.amazon.awssdk.services.licensemanager.model.EntitlementDataUnit;
import software.amazon.awssdk.services.licensemanager.model.ExtendLicenseConsumptionRequest;

/**
 * The contract side of the library against the real server (SPEC §3.5; contracts-facts §3): a
 * product starts only with a seat, holds it while it runs (past the checkout's 60 minutes of
 * service time), hands it back on close, and hears through its listener when the license ends and
 * when it allows the product again. Re-checks are run by the test ({@code recheck()}), on the
 * server's test clock; one test lets the library's own timer find the end.
 */
class LicenseTest {
  private static TestServer server;

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final List<EntitlementState> told = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close(); // the licenses first, then their clients
    }
  }

  /** A buyer's contract, and what the product ships about it: one seat per copy, maybe tiers. */
  private record Contract(
      String code, String buyer, String subscriptionId, TrustedLicense trusted) {}

  /** A product sold with seats and a buyer's contract for some of them. */
  private static Contract contract(int seats) {
    String code =
        server.admin().customProduct(Fixtures.newAccountId(), "Seats").get("productCode").asText();
    String buyer = Fixtures.newBuyer(server);
    JsonNode subscription = server.admin().subscribe(code, buyer, "Seats", seats);
    return new Contract(
        code,
        buyer,
        subscription.get("subscriptionId").asText(),
        TrustedLicense.of(code, Licenses.sku(code)).counting("Seats", 1));
  }

  /**
   * A CONTRACT product of seats and two tiers, Basic (widgets) and Pro (widgets and rendering), and
   * a buyer's contract until {@code endsAt}: pairs of a dimension and its quantity.
   */
  private static Contract tiered(Instant endsAt, Object... lines) {
    JsonNode product =
        server
            .admin()
            .contractProduct(
                Fixtures.newAccountId(),
                "Seats",
                "Count",
                "10",
                "Basic",
                "None",
                "0",
                "Pro",
                "None",
                "50");
    String code = product.get("productCode").asText();
    String buyer = Fixtures.newBuyer(server);
    JsonNode subscription = server.admin().subscribeContract(code, buyer, endsAt, lines);
    return new Contract(
        code,
        buyer,
        subscription.get("subscriptionId").asText(),
        TrustedLicense.of(code, product.get("productId").asText())
            .counting("Seats", 1)
            .tier("Basic", "widgets")
            .tier("Pro", "widgets", "render"));
  }

  private static Instant inDays(int days) {
    return server.admin().now().plus(Duration.ofDays(days));
  }

  /** A License Manager client of a new task of the buyer: one copy of the product. */
  private LicenseManagerClient copy(Contract c, ExecutionInterceptor... interceptors) {
    LicenseManagerClient client =
        Fixtures.licenseClient(
            server, server.admin().task(c.buyer(), REGION, "FARGATE"), interceptors);
    toClose.add(client);
    return client;
  }

  /** A checkout of one seat, whose timer stays out of the way: the test runs the re-checks. */
  private License.Builder license(Contract c, LicenseManagerClient client) {
    return License.builder()
        .trust(c.trusted())
        .productCode(c.code())
        .client(client)
        .clock(server.server().serviceClock())
        .recheckEvery(Duration.ofHours(1))
        .retryFor(Duration.ZERO)
        .backoff(Duration.ofMillis(5), Duration.ofMillis(40))
        .onEntitlementChange(told::add);
  }

  private License open(License.Builder builder) throws EntitlementException {
    License license = builder.checkout();
    toClose.add(license);
    return license;
  }

  private static EntitlementException refusal(License.Builder builder) {
    EntitlementException e = catchThrowableOfType(EntitlementException.class, builder::checkout);
    assertThat(e).as("the checkout refuses").isNotNull();
    return e;
  }

  private static void advance(String isoDuration) {
    server.admin().advanceClock(isoDuration);
  }

  @Test
  void checkout_withoutALicense_refusesToStart_asNotEntitled() {
    Contract c = contract(1);
    String stranger = Fixtures.newBuyer(server);
    RecordedCalls calls = new RecordedCalls();
    LicenseManagerClient client =
        Fixtures.licenseClient(server, server.admin().task(stranger, REGION, "ECS"), calls);
    toClose.add(client);

    EntitlementException e = refusal(license(c, client));

    assertThat(e.reason()).isEqualTo(EntitlementException.Reason.NOT_ENTITLED);
    assertThat(e.getMessage()).contains("ResourceNotFoundException");
    CheckoutLicenseRequest sent = calls.of(CheckoutLicenseRequest.class).get(0);
    assertThat(sent.productSKU()).isEqualTo(Licenses.sku(c.code()));
    assertThat(sent.keyFingerprint()).isEqualTo(Licenses.KEY_FINGERPRINT);
    assertThat(sent.entitlements())
        .extracting(d -> d.name() + " " + d.value() + " " + d.unit())
        .containsExactly("Seats 1 " + EntitlementDataUnit.COUNT);
  }

  @Test
  void checkout_takesTheOnlySeat_andASecondCopyIsRefused_untilTheFirstChecksIn() throws Exception {
    Contract c = contract(1);
    License first = open(license(c, copy(c)));

    assertThat(first.state().mode()).isEqualTo(EntitlementState.Mode.ENTITLED);
    assertThat(first.state().license().licenseArn()).startsWith("arn:aws:license-manager::");
    EntitlementException e = refusal(license(c, copy(c)));
    assertThat(e.reason()).isEqualTo(EntitlementException.Reason.NO_ENTITLEMENTS_ALLOWED);
    assertThat(e.getMessage()).contains("maximum count");

    assertThat(first.close(Duration.ofSeconds(10))).as("checked in").isTrue();
    License second = open(license(c, copy(c)));
    assertThat(second.state().servesPaidFeatures()).isTrue();
  }

  @Test
  void recheck_holdingTheOnlySeat_keepsIt_pastTheCheckoutsHour() throws Exception {
    Contract c = contract(1);
    RecordedCalls calls = new RecordedCalls();
    License license = open(license(c, copy(c, calls)));

    for (int i = 0; i < 3; i++) {
      advance("PT50M");
      assertThat(license.recheck()).isTrue();
    }

    assertThat(license.state().mode()).isEqualTo(EntitlementState.Mode.ENTITLED);
    assertThat(told).as("nothing changed").isEmpty();
    assertThat(refusal(license(c, copy(c))).reason())
        .as("150 minutes on, the seat is still this copy's")
        .isEqualTo(EntitlementException.Reason.NO_ENTITLEMENTS_ALLOWED);
    assertThat(calls.of(ExtendLicenseConsumptionRequest.class)).hasSize(3);
    assertThat(calls.of(CheckInLicenseRequest.class)).as("handed over at each re-check").hasSize(3);
  }

  @Test
  void extend_keepsTheSeat_whileTheRecheckCannotCheckOut() throws Exception {
    Contract c = contract(1);
    Outage outage = new Outage();
    License license = open(license(c, copy(c, outage)));
    advance("PT50M");

    outage.of(CheckoutLicenseRequest.class);
    assertThat(license.recheck()).as("the service could not be reached").isFalse();
    outage.over();
    advance("PT50M"); // the first checkout's hour is long over; the extension runs to 110 minutes

    assertThat(license.state().mode()).isEqualTo(EntitlementState.Mode.ENTITLED);
    assertThat(refusal(license(c, copy(c))).reason())
        .isEqualTo(EntitlementException.Reason.NO_ENTITLEMENTS_ALLOWED);
    advance("PT11M");
    assertThat(open(license(c, copy(c))).state().mode())
        .as("an hour after the extension, the seat is free")
        .isEqualTo(EntitlementState.Mode.ENTITLED);
  }

  @Test
  void theTimersRecheck_seesTheEndOfTheSubscription_andTellsTheListener() throws Exception {
    Contract c = contract(2);
    License license = open(license(c, copy(c)).recheckEvery(Duration.ofMillis(50)));
    String arn = license.state().license().licenseArn();

    server.admin().unsubscribe(c.subscriptionId());

    await().atMost(Duration.ofSeconds(10)).until(() -> !told.isEmpty());
    EntitlementState lost = told.get(0);
    assertThat(lost.mode()).as("the default policy").isEqualTo(EntitlementState.Mode.DEGRADED);
    assertThat(lost.cause()).contains("NoEntitlementsAllowedException").contains("DEACTIVATED");
    assertThat(lost.license().licenseArn()).as("what it allowed last").isEqualTo(arn);
    assertThat(license.state().servesPaidFeatures()).isFalse();
  }

  @Test
  void aLicenseThatEnded_andIsBoughtAgain_isReportedEntitledAgain_withTheNewLicense()
      throws Exception {
    Contract c = contract(1);
    License license =
        open(license(c, copy(c)).gracePolicy(GracePolicy.stopAfter(Duration.ofHours(1))));
    String ended = license.state().license().licenseArn();

    server.admin().unsubscribe(c.subscriptionId());
    license.recheck();
    advance("PT61M");
    license.recheck();
    server.admin().subscribe(c.code(), c.buyer(), "Seats", 1);
    license.recheck();

    assertThat(told)
        .extracting(EntitlementState::mode)
        .containsExactly(
            EntitlementState.Mode.GRACE,
            EntitlementState.Mode.STOPPED,
            EntitlementState.Mode.ENTITLED);
    assertThat(told.get(0).servesPaidFeatures()).isTrue();
    assertThat(told.get(2).cause()).isNull();
    assertThat(told.get(2).license().licenseArn()).isNotEqualTo(ended);
    assertThat(license.state()).isEqualTo(told.get(2));
  }

  // ---- tiers ---------------------------------------------------------------------------------

  @Test
  void tiers_everyTierIsAskedFor_andTheOneBoughtUnlocksItsFeatures() throws Exception {
    Contract c = tiered(inDays(30), "Seats", 1, "Basic", 1);
    RecordedCalls calls = new RecordedCalls();

    License license = open(license(c, copy(c, calls)));

    assertThat(license.state().license().tiers()).containsExactly("Basic");
    assertThat(license.state().license().features()).containsExactly("widgets");
    assertThat(license.unlocks("widgets")).isTrue();
    assertThat(license.unlocks("render")).isFalse();
    assertThat(calls.of(CheckoutLicenseRequest.class).get(0).entitlements())
        .extracting(d -> d.name() + " " + d.value() + " " + d.unit())
        .containsExactly(
            "Seats 1 " + EntitlementDataUnit.COUNT,
            "Basic null " + EntitlementDataUnit.NONE,
            "Pro null " + EntitlementDataUnit.NONE);
  }

  @Test
  void anUpgrade_isSeenByTheRecheck_andReportedWithItsFeatures() throws Exception {
    Contract c = tiered(inDays(30), "Seats", 1, "Basic", 1);
    License license = open(license(c, copy(c)));

    server.admin().amendContract(c.subscriptionId(), null, "Seats", 1, "Pro", 1);
    license.recheck();

    assertThat(told).hasSize(1);
    assertThat(told.get(0).mode()).isEqualTo(EntitlementState.Mode.ENTITLED);
    assertThat(told.get(0).license().tiers()).containsExactly("Pro");
    assertThat(license.unlocks("render")).isTrue();
  }

  @Test
  void atTheContractsEnd_theRecheckSeesTheExpiry_andARenewalRevivesTheSameLicense()
      throws Exception {
    Contract c = tiered(server.admin().now().plus(Duration.ofHours(1)), "Seats", 1, "Pro", 1);
    License license = open(license(c, copy(c)));
    String arn = license.state().license().licenseArn();

    advance("PT1H");
    license.recheck();
    server.admin().amendContract(c.subscriptionId(), inDays(365));
    license.recheck();

    assertThat(told)
        .extracting(EntitlementState::mode)
        .containsExactly(EntitlementState.Mode.DEGRADED, EntitlementState.Mode.ENTITLED);
    assertThat(told.get(0).cause()).contains("EXPIRED");
    assertThat(told.get(0).unlocks("render")).as("a license that allows nothing").isFalse();
    assertThat(told.get(1).license().licenseArn()).isEqualTo(arn);
    assertThat(license.unlocks("render")).isTrue();
  }

  @Test
  void aLicenseWithNoneOfTheProductsTiers_refusesToStart_andHandsTheSeatBack() throws Exception {
    Contract c = tiered(inDays(30), "Seats", 1, "Basic", 1);
    TrustedLicense proOnly =
        TrustedLicense.of(c.code(), c.trusted().productId())
            .counting("Seats", 1)
            .tier("Pro", "render");

    EntitlementException e = refusal(license(c, copy(c)).trust(proOnly));

    assertThat(e.reason()).isEqualTo(EntitlementException.Reason.NO_ENTITLEMENTS_ALLOWED);
    // Refused by the service (tiers asked, none bought) or, where a service answers the seat
    // alone, by the library, which then checks the seat in.
    assertThat(e.getMessage()).contains("none of the tiers");
    assertThat(open(license(c, copy(c))).state().mode())
        .as("the only seat is free")
        .isEqualTo(EntitlementState.Mode.ENTITLED);
  }

  /** Fails the calls of the chosen kind as a broken network would, until it is over. */
  private static final class Outage implements ExecutionInterceptor {
    private volatile Class<?> failing;

    void of(Class<?> request) {
      failing = request;
    }

    void over() {
      failing = null;
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes a) {
      Class<?> f = failing;
      if (f != null && f.isInstance(context.request())) {
        throw SdkClientException.create("connection reset (an outage of the test)");
      }
    }
  }
}
