package io.meterline.client;

import static io.meterline.client.Fixtures.REGION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.licenses.Licenses;
import io.meterline.server.testing.TestServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * A buyer who points the product at an endpoint of their own through the environment (SPEC §4 "a
 * buyer cannot redirect it"): the override is set here with the system property {@code
 * aws.endpointUrlMarketplaceMetering}, which the SDK resolves exactly as it does {@code
 * AWS_ENDPOINT_URL_MARKETPLACE_METERING} (the subprocess tests of {@link MeterCrashTest} use the
 * variable itself). A fake endpoint that answers 200 to everything must not get a single metering
 * call, on the RegisterUsage path or the MeterUsage one; the seller's Meterline, which holds the
 * seller's endpoint key, is accepted.
 */
class EndpointOverrideTest {
  private static final String OVERRIDE = "aws.endpointUrlMarketplaceMetering";
  private static final String LICENSE_OVERRIDE = "aws.endpointUrlLicenseManager";

  private static TestServer server;
  private static String sellerKeyPem;
  private static FakeMeteringEndpoint fake;

  @TempDir Path spoolDir;
  private String code;
  private String pem;
  private JsonNode task;
  private MarketplaceMeteringClient taskClient;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
    sellerKeyPem = server.admin().get("/endpoint-key").get("publicKeyPem").asText();
    fake = new FakeMeteringEndpoint();
  }

  @AfterAll
  static void stop() throws Exception {
    fake.close();
    server.close();
  }

  @BeforeEach
  void productAndTask() {
    JsonNode product = server.admin().customProduct(Fixtures.newAccountId(), "Requests");
    code = product.get("productCode").asText();
    pem = product.get("publicKeyPem").asText();
    String buyer = Fixtures.newBuyer(server);
    server.admin().subscribe(code, buyer);
    task = server.admin().task(buyer, REGION, "ECS");
    fake.received().clear();
    fake.answer(body -> "{}");
  }

  @AfterEach
  void clearTheEnvironment() {
    for (String p :
        List.of(
            OVERRIDE,
            LICENSE_OVERRIDE,
            "aws.region",
            "aws.accessKeyId",
            "aws.secretAccessKey",
            "aws.sessionToken")) {
      System.clearProperty(p);
    }
    if (taskClient != null) {
      taskClient.close();
    }
  }

  /** The environment as a buyer sets it: the override, and credentials and region as usual. */
  private static void buyerSets(URI endpoint) {
    System.setProperty(OVERRIDE, endpoint.toString());
    System.setProperty("aws.region", REGION);
    System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
    System.setProperty("aws.secretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  }

  private EntitlementCheck.Builder check() {
    return EntitlementCheck.builder()
        .trust(TrustedProduct.paid(code, 1, pem))
        .productCode(code)
        .retryFor(Duration.ZERO);
  }

  /** A custom-metered product that ships the seller's endpoint key. */
  private EntitlementCheck.Builder meteredShippingTheSellersKey() {
    return check().meteredBy("Requests").sellerEndpoint(SellerEndpoint.signedBy(sellerKeyPem));
  }

  private List<String> meteringCallsTheFakeGot() {
    return fake.received().stream()
        .map(FakeMeteringEndpoint.Request::target)
        .filter(t -> t != null)
        .toList();
  }

  @Test
  void registerUsagePath_overrideToAFakeEndpoint_refusesToStart_namingTheSetting() {
    buyerSets(fake.endpoint());

    EntitlementException e =
        catchThrowableOfType(EntitlementException.class, () -> check().build().run());

    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo(EntitlementException.Reason.UNTRUSTED_ENDPOINT);
    assertThat(e.getMessage())
        .contains("aws.endpointUrlMarketplaceMetering")
        .contains(fake.endpoint().toString())
        .contains("accepts no endpoint but AWS's");
    assertThat(fake.received()).as("a product with no seller key does not even ask").isEmpty();
  }

  @Test
  void meterUsagePath_fakeEndpointWithoutAProof_refusesToStart_andGetsNoMeterUsage() {
    buyerSets(fake.endpoint());

    EntitlementException e =
        catchThrowableOfType(
            EntitlementException.class, () -> meteredShippingTheSellersKey().build().run());

    assertThat(e.reason()).isEqualTo(EntitlementException.Reason.UNTRUSTED_ENDPOINT);
    assertThat(e.getMessage())
        .contains("did not prove it is the seller's")
        .contains("no signature");
    assertThat(fake.received()).as("asked for the proof, once").hasSize(1);
    assertThat(meteringCallsTheFakeGot()).isEmpty();
  }

  @Test
  void meterBuild_fakeEndpoint_isRefused_andGetsNoMeterUsage() {
    buyerSets(fake.endpoint());

    IllegalStateException e =
        catchThrowableOfType(
            IllegalStateException.class,
            () ->
                Meter.builder()
                    .productCode(code)
                    .dimensions("Requests")
                    .spoolDirectory(spoolDir)
                    .sellerEndpoint(SellerEndpoint.signedBy(sellerKeyPem))
                    .build());

    assertThat(e).hasMessageContaining("aws.endpointUrlMarketplaceMetering");
    assertThat(meteringCallsTheFakeGot()).isEmpty();
  }

  @Test
  void fakeEndpointSigningWithItsOwnKey_isRefused() throws Exception {
    KeyPair buyers = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    fake.answer(body -> proof(buyers, body));
    buyerSets(fake.endpoint());

    EntitlementException e =
        catchThrowableOfType(
            EntitlementException.class, () -> meteredShippingTheSellersKey().build().run());

    assertThat(e.reason()).isEqualTo(EntitlementException.Reason.UNTRUSTED_ENDPOINT);
    assertThat(e.getMessage()).contains("not one this product ships");
    assertThat(meteringCallsTheFakeGot()).isEmpty();
  }

  @Test
  void fakeEndpointReplayingTheSellersProofOfAnotherChallenge_isRefused() throws Exception {
    String replayed = realProof("an-earlier-challenge-of-32-chars-xx", fake.endpoint().toString());
    fake.answer(body -> replayed);
    buyerSets(fake.endpoint());

    EntitlementException e =
        catchThrowableOfType(
            EntitlementException.class, () -> meteredShippingTheSellersKey().build().run());

    assertThat(e.getMessage()).contains("signature does not verify");
    assertThat(meteringCallsTheFakeGot()).isEmpty();
  }

  @Test
  void sellersMeterline_holdingTheSellersKey_isAccepted_onBothPaths() {
    buyerSets(server.endpoint());
    taskClient = Fixtures.taskClient(server, task);
    JsonNode hourly = server.admin().hourlyProduct(Fixtures.newAccountId());
    server.admin().subscribe(hourly.get("productCode").asText(), task.get("awsAccountId").asText());

    Entitlement metered =
        assertDoesNotThrow(
            () ->
                check()
                    .meteredBy("Requests")
                    .client(taskClient)
                    .sellerEndpoint(SellerEndpoint.signedBy(sellerKeyPem))
                    .build()
                    .run());
    Entitlement registered =
        assertDoesNotThrow(
            () ->
                EntitlementCheck.builder()
                    .trust(
                        TrustedProduct.paid(
                            hourly.get("productCode").asText(),
                            1,
                            hourly.get("publicKeyPem").asText()))
                    .productCode(hourly.get("productCode").asText())
                    .client(taskClient)
                    .sellerEndpoint(SellerEndpoint.signedBy(sellerKeyPem))
                    .build()
                    .run());

    assertThat(metered.isPaid()).isTrue();
    assertThat(registered.publicKeyVersion()).isEqualTo(1);
  }

  @Test
  void sellersMeterline_withoutTheKeyShipped_isRefusedLikeAnyOther() {
    buyerSets(server.endpoint());
    taskClient = Fixtures.taskClient(server, task);

    EntitlementException e =
        catchThrowableOfType(
            EntitlementException.class,
            () -> check().meteredBy("Requests").client(taskClient).build().run());

    assertThat(e.reason()).isEqualTo(EntitlementException.Reason.UNTRUSTED_ENDPOINT);
  }

  @Test
  void endpointSetInTheProductsCode_isTheSellersChoice_andIsNotChallenged() throws Exception {
    taskClient = Fixtures.taskClient(server, task);

    Entitlement e = check().meteredBy("Requests").client(taskClient).build().run();

    assertThat(e.isPaid()).isTrue();
  }

  // ---- License Manager: its override is held to the same rule ----

  /** A contract-priced product's checkout of one seat, shipping the seller's endpoint key. */
  private License.Builder seat(String productCode) {
    return License.builder()
        .trust(TrustedLicense.of(productCode, Licenses.sku(productCode)).counting("Seats", 1))
        .productCode(productCode)
        .sellerEndpoint(SellerEndpoint.signedBy(sellerKeyPem))
        .retryFor(Duration.ZERO);
  }

  @Test
  void licenseCheckout_fakeEndpointWithoutAProof_refusesToStart_andGetsNoCheckout() {
    System.setProperty(LICENSE_OVERRIDE, fake.endpoint().toString());
    buyerSets(server.endpoint());

    EntitlementException e =
        catchThrowableOfType(EntitlementException.class, () -> seat(code).checkout());

    assertThat(e.reason()).isEqualTo(EntitlementException.Reason.UNTRUSTED_ENDPOINT);
    assertThat(e.getMessage())
        .contains(LICENSE_OVERRIDE + " points the License Manager client at " + fake.endpoint());
    assertThat(meteringCallsTheFakeGot()).as("no License Manager call either").isEmpty();
  }

  @Test
  void licenseCheckout_sellersMeterline_isAccepted_withTheClientTheLibraryBuilds()
      throws Exception {
    String contract =
        server.admin().customProduct(Fixtures.newAccountId(), "Seats").get("productCode").asText();
    server.admin().subscribe(contract, task.get("awsAccountId").asText(), "Seats", 1);
    System.setProperty(LICENSE_OVERRIDE, server.endpoint().toString());
    System.setProperty("aws.region", REGION);
    AwsSessionCredentials taskCredentials = TestServer.taskCredentials(task);
    System.setProperty("aws.accessKeyId", taskCredentials.accessKeyId());
    System.setProperty("aws.secretAccessKey", taskCredentials.secretAccessKey());
    System.setProperty("aws.sessionToken", taskCredentials.sessionToken());

    try (License license = seat(contract).checkout()) {
      assertThat(license.state().mode()).isEqualTo(EntitlementState.Mode.ENTITLED);
    }
  }

  /** A proof as a server holding {@code key} would answer the request body. */
  private static String proof(KeyPair key, com.fasterxml.jackson.databind.JsonNode body) {
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key.getPrivate());
      s.update(
          ("meterline-endpoint-proof/1\n"
                  + body.get("endpoint").asText()
                  + "\n"
                  + body.get("challenge").asText())
              .getBytes(StandardCharsets.UTF_8));
      return "{\"algorithm\":\"Ed25519\",\"keyId\":\""
          + SellerEndpoint.keyId(key.getPublic())
          + "\",\"signature\":\""
          + Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign())
          + "\"}";
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The seller's server's own proof for another challenge. */
  private static String realProof(String challenge, String endpoint) throws Exception {
    java.net.http.HttpResponse<String> r =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        server.endpoint().resolve("/meterline/v1/endpoint-proof"))
                    .POST(
                        java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"challenge\":\""
                                + challenge
                                + "\",\"endpoint\":\""
                                + endpoint
                                + "\"}"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private static <T> T assertDoesNotThrow(org.junit.jupiter.api.function.ThrowingSupplier<T> s) {
    return org.junit.jupiter.api.Assertions.assertDoesNotThrow(s);
  }
}
