package io.meterline.server.licenses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.testing.AdminClient;
import io.meterline.server.testing.RawHttp;
import io.meterline.server.testing.ServerExtension;
import io.meterline.server.testing.ServiceClients;
import io.meterline.server.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.licensemanager.LicenseManagerClient;
import software.amazon.awssdk.services.licensemanager.model.EntitlementUnit;
import software.amazon.awssdk.services.licensemanager.model.GrantedLicense;
import software.amazon.awssdk.services.licensemanager.model.InvalidParameterValueException;
import software.amazon.awssdk.services.licensemanager.model.License;
import software.amazon.awssdk.services.licensemanager.model.LicenseStatus;

/**
 * The License Manager subset's read side (SPEC §3.5; facts §2.4, §2.5) through the official
 * LicenseManagerClient of the AWS SDK for Java 2.40.2 with a buyer task's credentials, over real
 * sockets: a contract is the buyer's license; SigV4 under another signing name is refused.
 */
class LicenseManagerTest {
  @RegisterExtension static final ServerExtension server = ServerExtension.withDefaults();

  private static AdminClient admin() {
    return server.admin();
  }

  /** A product, a buyer subscribed with a contract, and the buyer's task. */
  private record Setup(String product, String buyer, JsonNode subscription, JsonNode task) {}

  private static Setup contract() {
    String product =
        admin()
            .customProduct(ServerExtension.newAccountId(), "Seats", "Storage")
            .get("productCode")
            .asText();
    String buyer = server.buyer();
    JsonNode subscription = admin().subscribe(product, buyer, "Seats", 5, "Storage", 100);
    return new Setup(product, buyer, subscription, admin().task(buyer, "us-east-1", "FARGATE"));
  }

  private static LicenseManagerClient client(JsonNode task) {
    return server.track(
        ServiceClients.licenseManager(server.endpoint(), TestServer.taskCredentials(task)));
  }

  @Test
  void aContract_isTheBuyersLicense_listedAndGot() {
    Setup s = contract();
    LicenseManagerClient lm = client(s.task());

    List<GrantedLicense> received = lm.listReceivedLicenses(b -> b.maxResults(10)).licenses();
    assertThat(received).hasSize(1);
    GrantedLicense granted = received.get(0);
    assertThat(granted.productSKU()).isEqualTo(Licenses.sku(s.product()));
    assertThat(granted.issuer().keyFingerprint())
        .isEqualTo("aws:294406891311:AWS/Marketplace:issuer-fingerprint");
    assertThat(granted.status()).isEqualTo(LicenseStatus.AVAILABLE);
    assertThat(granted.beneficiary()).isEqualTo(s.buyer());
    assertThat(granted.licenseArn())
        .matches("arn:aws:license-manager::294406891311:license:l-[0-9a-f]{32}");
    assertThat(granted.entitlements())
        .extracting(e -> e.name() + " " + e.maxCount() + " " + e.unit())
        .containsExactlyInAnyOrder(
            "Seats 5 " + EntitlementUnit.COUNT, "Storage 100 " + EntitlementUnit.COUNT);
    assertThat(
            granted.consumptionConfiguration().provisionalConfiguration().maxTimeToLiveInMinutes())
        .isEqualTo(60);
    assertThat(Instant.parse(granted.validity().begin()))
        .isEqualTo(Instant.parse(s.subscription().get("startedAt").asText()));

    License license = lm.getLicense(b -> b.licenseArn(granted.licenseArn())).license();
    assertThat(license.productSKU()).isEqualTo(granted.productSKU());
    assertThat(license.entitlements()).hasSize(2);
  }

  @Test
  void filters_takeOneValue_andNarrowTheList() {
    Setup s = contract();
    LicenseManagerClient lm = client(s.task());
    String sku = Licenses.sku(s.product());
    assertThat(
            lm.listReceivedLicenses(b -> b.filters(f -> f.name("ProductSKU").values(sku)))
                .licenses())
        .hasSize(1);
    assertThat(
            lm.listReceivedLicenses(
                    b -> b.filters(f -> f.name("ProductSKU").values("some-other-sku")))
                .licenses())
        .isEmpty();
    assertThat(
            catchThrowableOfType(
                () -> lm.listReceivedLicenses(b -> b.filters(f -> f.name("Colour").values("blue"))),
                InvalidParameterValueException.class))
        .hasMessageContaining("Colour");
  }

  @Test
  void anotherBuyersLicense_isNotGot_andAnEndedContract_isDeactivated() {
    Setup mine = contract();
    Setup theirs = contract();
    String theirArn = Licenses.arn(theirs.subscription().get("subscriptionId").asText());
    assertThat(
            catchThrowableOfType(
                () -> client(mine.task()).getLicense(b -> b.licenseArn(theirArn)),
                InvalidParameterValueException.class))
        .hasMessageContaining(mine.buyer());

    admin().unsubscribe(theirs.subscription().get("subscriptionId").asText());
    License ended = client(theirs.task()).getLicense(b -> b.licenseArn(theirArn)).license();
    assertThat(ended.status()).isEqualTo(LicenseStatus.DEACTIVATED);
    assertThat(ended.validity().end()).isNotNull();
  }

  @Test
  void aRequestSignedForAnotherService_isRefused() {
    Setup s = contract();
    RawHttp raw = new RawHttp(server.endpoint());
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers =
        raw.signedHeaders(
            null, "/", body, TestServer.taskCredentials(s.task()), "us-east-1", Instant.now());
    headers.put("x-amz-target", "AWSLicenseManager.ListReceivedLicenses");

    RawHttp.Reply reply = raw.post("/", headers, body);

    assertThat(reply.status()).isEqualTo(403);
    assertThat(reply.json().get("__type").asText()).isEqualTo("InvalidSignatureException");
    assertThat(reply.body()).contains("license-manager");
    assertThat(reply.json().has("Message"))
        .as("License Manager's errors carry Message, capitalised (facts §2.8)")
        .isTrue();
    assertThat(reply.json().has("message")).isFalse();
  }
}
