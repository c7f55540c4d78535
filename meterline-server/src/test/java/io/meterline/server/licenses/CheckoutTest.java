package io.meterline.server.licenses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.testing.AdminClient;
import io.meterline.server.testing.ServerExtension;
import io.meterline.server.testing.ServiceClients;
import io.meterline.server.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.licensemanager.LicenseManagerClient;
import software.amazon.awssdk.services.licensemanager.model.CheckoutLicenseResponse;
import software.amazon.awssdk.services.licensemanager.model.CheckoutType;
import software.amazon.awssdk.services.licensemanager.model.ConflictException;
import software.amazon.awssdk.services.licensemanager.model.EntitlementData;
import software.amazon.awssdk.services.licensemanager.model.EntitlementDataUnit;
import software.amazon.awssdk.services.licensemanager.model.NoEntitlementsAllowedException;
import software.amazon.awssdk.services.licensemanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.licensemanager.model.ValidationException;

/**
 * CheckoutLicense, CheckInLicense and ExtendLicenseConsumption (SPEC §3.5; facts §2–3) through the
 * SDK's LicenseManagerClient 2.40.2 with a buyer task's credentials: seats run out and come back
 * after the provisional TTL (service time), extend, check-in, drawdown, the Unit rule, ClientToken
 * idempotency, and licenses that do not match or have ended.
 */
class CheckoutTest {
  @RegisterExtension static final ServerExtension server = ServerExtension.withDefaults();

  private static final String FINGERPRINT = "aws:294406891311:AWS/Marketplace:issuer-fingerprint";

  private static AdminClient admin() {
    return server.admin();
  }

  /** A buyer with a contract of 2 Seats and 100 Storage, and a license client of its task. */
  private record Buyer(String sku, String subscriptionId, LicenseManagerClient lm) {}

  private static Buyer buyer() {
    String product =
        admin()
            .customProduct(ServerExtension.newAccountId(), "Seats", "Storage")
            .get("productCode")
            .asText();
    String account = server.buyer();
    JsonNode subscription = admin().subscribe(product, account, "Seats", 2, "Storage", 100);
    JsonNode task = admin().task(account, "us-east-1", "FARGATE");
    return new Buyer(
        Licenses.sku(product),
        subscription.get("subscriptionId").asText(),
        server.track(
            ServiceClients.licenseManager(server.endpoint(), TestServer.taskCredentials(task))));
  }

  private static CheckoutLicenseResponse checkout(
      Buyer b, CheckoutType type, String name, String value, EntitlementDataUnit unit) {
    return checkout(b, type, name, value, unit, UUID.randomUUID().toString());
  }

  private static CheckoutLicenseResponse checkout(
      Buyer b,
      CheckoutType type,
      String name,
      String value,
      EntitlementDataUnit unit,
      String clientToken) {
    return checkout(b, type, FINGERPRINT, clientToken, e -> e.name(name).value(value).unit(unit));
  }

  private static CheckoutLicenseResponse checkout(
      Buyer b,
      CheckoutType type,
      String fingerprint,
      String clientToken,
      Consumer<EntitlementData.Builder> entitlement) {
    return b.lm()
        .checkoutLicense(
            r ->
                r.productSKU(b.sku())
                    .checkoutType(type)
                    .keyFingerprint(fingerprint)
                    .entitlements(entitlement)
                    .clientToken(clientToken));
  }

  private static CheckoutLicenseResponse seat(Buyer b) {
    return checkout(b, CheckoutType.PROVISIONAL, "Seats", "1", EntitlementDataUnit.COUNT);
  }

  @Test
  void seats_runOut_andComeBackWhenTheProvisionalCheckoutExpires() {
    Buyer b = buyer();
    CheckoutLicenseResponse first = seat(b);
    assertThat(first.licenseConsumptionToken()).matches("[0-9a-f]{32}");
    assertThat(first.entitlementsAllowed())
        .extracting(e -> e.name() + " " + e.value() + " " + e.unit())
        .containsExactly("Seats 1 " + EntitlementDataUnit.COUNT);
    assertThat(Duration.between(Instant.parse(first.issuedAt()), Instant.parse(first.expiration())))
        .isEqualTo(Duration.ofMinutes(60));
    seat(b);
    assertThat(catchThrowableOfType(() -> seat(b), NoEntitlementsAllowedException.class))
        .hasMessageContaining("maximum count");

    admin().advanceClock("PT61M");
    assertThat(seat(b).licenseConsumptionToken()).isNotEqualTo(first.licenseConsumptionToken());
  }

  @Test
  void extend_keepsTheSeatAnotherHour_andCheckIn_returnsIt() {
    Buyer b = buyer();
    String held = seat(b).licenseConsumptionToken();
    String other = seat(b).licenseConsumptionToken();
    admin().advanceClock("PT50M");
    Instant extended =
        Instant.parse(
            b.lm().extendLicenseConsumption(r -> r.licenseConsumptionToken(held)).expiration());
    assertThat(extended).isEqualTo(server.now().plus(Duration.ofMinutes(60)));
    admin().advanceClock("PT20M"); // the other has expired, the extended one holds
    seat(b);
    assertThat(catchThrowableOfType(() -> seat(b), NoEntitlementsAllowedException.class))
        .isNotNull();

    b.lm().checkInLicense(r -> r.licenseConsumptionToken(held));
    seat(b);
    assertThat(
            catchThrowableOfType(
                () -> b.lm().checkInLicense(r -> r.licenseConsumptionToken(held)),
                ConflictException.class))
        .hasMessageContaining("checked in");
    assertThat(
            catchThrowableOfType(
                () -> b.lm().extendLicenseConsumption(r -> r.licenseConsumptionToken(other)),
                ResourceNotFoundException.class))
        .hasMessageContaining("expired");
  }

  @Test
  void perpetual_drawsDown_forGood() {
    Buyer b = buyer();
    checkout(b, CheckoutType.PERPETUAL, "Storage", "60", EntitlementDataUnit.COUNT);
    assertThat(
            catchThrowableOfType(
                () ->
                    checkout(b, CheckoutType.PERPETUAL, "Storage", "50", EntitlementDataUnit.COUNT),
                NoEntitlementsAllowedException.class))
        .hasMessageContaining("40 left");
    String last =
        checkout(b, CheckoutType.PERPETUAL, "Storage", "40", EntitlementDataUnit.COUNT)
            .licenseConsumptionToken();
    admin().advanceClock("PT3H");
    assertThat(
            catchThrowableOfType(
                () ->
                    checkout(b, CheckoutType.PERPETUAL, "Storage", "1", EntitlementDataUnit.COUNT),
                NoEntitlementsAllowedException.class))
        .isNotNull();
    assertThat(
            catchThrowableOfType(
                () -> b.lm().checkInLicense(r -> r.licenseConsumptionToken(last)),
                ConflictException.class))
        .hasMessageContaining("PERPETUAL");
  }

  @Test
  void unitNone_againstACountedEntitlement_isNoEntitlementsAllowed() {
    Buyer b = buyer();
    assertThat(
            catchThrowableOfType(
                () ->
                    checkout(
                        b,
                        CheckoutType.PROVISIONAL,
                        FINGERPRINT,
                        UUID.randomUUID().toString(),
                        e -> e.name("Seats").unit(EntitlementDataUnit.NONE)),
                NoEntitlementsAllowedException.class))
        .hasMessageContaining("Unit None");
  }

  @Test
  void theSameClientToken_answersTheFirstCheckout_unlessTheRequestDiffers() {
    Buyer b = buyer();
    String token = UUID.randomUUID().toString();
    CheckoutLicenseResponse first =
        checkout(b, CheckoutType.PROVISIONAL, "Seats", "1", EntitlementDataUnit.COUNT, token);
    CheckoutLicenseResponse again =
        checkout(b, CheckoutType.PROVISIONAL, "Seats", "1", EntitlementDataUnit.COUNT, token);
    assertThat(again.licenseConsumptionToken()).isEqualTo(first.licenseConsumptionToken());
    seat(b); // the repeat took no second seat
    assertThat(
            catchThrowableOfType(
                () ->
                    checkout(
                        b,
                        CheckoutType.PROVISIONAL,
                        "Seats",
                        "2",
                        EntitlementDataUnit.COUNT,
                        token),
                ValidationException.class))
        .hasMessageContaining("ClientToken");
  }

  @Test
  void aWrongFingerprintOrSku_isResourceNotFound_andAnEndedLicense_allowsNothing() {
    Buyer b = buyer();
    assertThat(
            catchThrowableOfType(
                () ->
                    checkout(
                        b,
                        CheckoutType.PROVISIONAL,
                        "aws:111122223333:Someone:issuer-fingerprint",
                        UUID.randomUUID().toString(),
                        e -> e.name("Seats").value("1").unit(EntitlementDataUnit.COUNT)),
                ResourceNotFoundException.class))
        .isNotNull();
    Buyer other = buyer();
    assertThat(
            catchThrowableOfType(
                () -> seat(new Buyer(other.sku(), b.subscriptionId(), b.lm())),
                ResourceNotFoundException.class))
        .as("another product's SKU is not this buyer's license")
        .isNotNull();

    admin().unsubscribe(b.subscriptionId());
    assertThat(catchThrowableOfType(() -> seat(b), NoEntitlementsAllowedException.class))
        .hasMessageContaining("DEACTIVATED");
  }
}
