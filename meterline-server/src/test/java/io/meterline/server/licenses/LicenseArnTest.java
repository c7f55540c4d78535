package io.meterline.server.licenses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.testing.AdminClient;
import io.meterline.server.testing.RawHttp;
import io.meterline.server.testing.ServerExtension;
import io.meterline.server.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * Concurrent agreements (SPEC §3.5; facts §6): the {@code LicenseArn} of newer models, which the
 * SDK for Java 2.40.2 cannot send, as raw JSON signed with the seller's key. ResolveCustomer names
 * a licensed subscription's license; a BatchMeterUsage record naming the customer's license is
 * taken, one naming another's, or timed after the contract's end, fails the whole request with
 * InvalidLicenseException and stores nothing; a record without one is judged as older SDKs expect.
 */
class LicenseArnTest {
  @RegisterExtension static final ServerExtension server = ServerExtension.withDefaults();

  private static AdminClient admin() {
    return server.admin();
  }

  /** A SaaS CONTRACT product of Users, its seller's key and a subscribed buyer. */
  private record Setup(
      String code, AwsCredentials seller, String buyer, String token, String licenseArn) {}

  private static Setup setup(Instant endsAt) {
    String seller = ServerExtension.newAccountId();
    String code =
        admin()
            .post(
                "/products",
                Map.of(
                    "name",
                    "Concurrent",
                    "pricing",
                    "CONTRACT",
                    "saas",
                    true,
                    "sellerAccountId",
                    seller,
                    "dimensions",
                    List.of(Map.of("name", "Users", "unit", "Count"))))
            .get("productCode")
            .asText();
    String buyer = server.buyer();
    JsonNode s = admin().subscribeContract(code, buyer, endsAt, "Users", 10);
    return new Setup(
        code,
        TestServer.keyCredentials(admin().accessKey(seller, "SELLER")),
        buyer,
        s.get("registrationToken").asText(),
        Licenses.arn(s.get("subscriptionId").asText()));
  }

  private static RawHttp.Reply call(Setup s, String operation, String body) {
    return new RawHttp(server.endpoint()).call(operation, body, s.seller(), "us-east-1");
  }

  private static RawHttp.Reply batch(Setup s, String account, Instant at, String licenseArn) {
    String license = licenseArn == null ? "" : ",\"LicenseArn\":\"" + licenseArn + "\"";
    return call(
        s,
        "BatchMeterUsage",
        "{\"ProductCode\":\""
            + s.code()
            + "\",\"UsageRecords\":[{\"Timestamp\":"
            + at.getEpochSecond()
            + ",\"Dimension\":\"Users\",\"Quantity\":3,\"CustomerAWSAccountId\":\""
            + account
            + "\""
            + license
            + "}]}");
  }

  private static int stored(Setup s) {
    return admin().usage("productCode=" + s.code()).get("records").size();
  }

  @Test
  void resolveCustomer_namesTheLicense_andARecordWithIt_isTaken() {
    Setup s = setup(admin().now().plus(Duration.ofDays(30)));
    admin().advanceClock("PT2H"); // records must not be timed before the subscription began

    RawHttp.Reply resolved =
        call(s, "ResolveCustomer", "{\"RegistrationToken\":\"" + s.token() + "\"}");
    assertThat(resolved.status()).isEqualTo(200);
    assertThat(resolved.json().get("LicenseArn").asText()).isEqualTo(s.licenseArn());
    assertThat(resolved.json().get("CustomerAWSAccountId").asText()).isEqualTo(s.buyer());

    RawHttp.Reply taken = batch(s, s.buyer(), admin().now(), s.licenseArn());
    assertThat(taken.status()).as(taken.body()).isEqualTo(200);
    JsonNode result = taken.json().get("Results").get(0);
    assertThat(result.get("Status").asText()).isEqualTo("Success");
    assertThat(result.get("UsageRecord").get("LicenseArn").asText()).isEqualTo(s.licenseArn());

    RawHttp.Reply older = batch(s, s.buyer(), admin().now().minusSeconds(3600), null);
    assertThat(older.json().get("Results").get(0).get("Status").asText()).isEqualTo("Success");
    assertThat(older.json().get("Results").get(0).get("UsageRecord").has("LicenseArn")).isFalse();
    assertThat(stored(s)).isEqualTo(2);
  }

  @Test
  void aLicenseOfAnotherCustomer_orAfterTheContractsEnd_failsTheWholeRequest() {
    Instant ends = admin().now().plus(Duration.ofHours(3));
    Setup s = setup(ends);
    Setup other = setup(ends);
    admin().advanceClock("PT1M"); // records must not be timed before the subscription began

    RawHttp.Reply theirs = batch(s, s.buyer(), admin().now(), other.licenseArn());
    assertThat(theirs.status()).isEqualTo(400);
    assertThat(theirs.json().get("__type").asText()).isEqualTo("InvalidLicenseException");
    assertThat(theirs.json().get("message").asText()).contains(other.licenseArn());

    RawHttp.Reply wrongCustomer = batch(s, other.buyer(), admin().now(), s.licenseArn());
    assertThat(wrongCustomer.json().get("__type").asText()).isEqualTo("InvalidLicenseException");

    admin().advanceClock("PT3H30M");
    RawHttp.Reply afterEnd = batch(s, s.buyer(), admin().now(), s.licenseArn());
    assertThat(afterEnd.json().get("__type").asText()).isEqualTo("InvalidLicenseException");
    assertThat(batch(s, s.buyer(), ends.minusSeconds(60), s.licenseArn()).status())
        .as("usage timed within the contract is taken after its end")
        .isEqualTo(200);
    assertThat(stored(s)).isEqualTo(1);
  }

  @Test
  void aMalformedLicenseArn_isAValidationExceptionNamingIt() {
    Setup s = setup(admin().now().plus(Duration.ofDays(1)));
    admin().advanceClock("PT1M");
    RawHttp.Reply reply = batch(s, s.buyer(), admin().now(), "license-1");
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("__type").asText()).isEqualTo("ValidationException");
    assertThat(reply.json().get("message").asText()).contains("usageRecords.1.member.licenseArn");
    assertThat(stored(s)).isZero();
  }
}
