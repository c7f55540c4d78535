package io.meterline.server.conformance;

import static io.meterline.server.conformance.Harness.REGION;
import static io.meterline.server.conformance.ServiceErrors.expectError;
import static io.meterline.server.conformance.ServiceErrors.expectErrorCode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.meterline.server.testing.TestServer;
import io.meterline.wire.crypto.Pem;
import java.io.IOException;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.CustomerNotEntitledException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidProductCodeException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidPublicKeyVersionException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidRegionException;
import software.amazon.awssdk.services.marketplacemetering.model.PlatformNotSupportedException;
import software.amazon.awssdk.services.marketplacemetering.model.RegisterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.RegisterUsageResponse;

/**
 * RegisterUsage through the official SDK against a real server: SPEC §1.1 "RegisterUsage",
 * "Entitlement", "Region and platform", and every error of the operation (facts §3.3). The
 * signature is checked with nimbus-jose-jwt, as production verifiers do (facts §4.5).
 */
class RegisterUsageConformanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HEADER = "{\"alg\":\"PS256\",\"typ\":\"JWT\"}";

  @RegisterExtension static final Harness h = Harness.withDefaults();

  /** An HOURLY product, a subscribed buyer and its task. */
  private record Subscribed(
      String productCode,
      String publicKeyPem,
      String seller,
      String buyer,
      String subscriptionId,
      MarketplaceMeteringClient client) {}

  private static Subscribed subscribedTask(String platform) {
    String seller = Harness.newAccountId();
    JsonNode product = h.admin().hourlyProduct(seller);
    String code = product.get("productCode").asText();
    String buyer = h.buyer();
    String subscription = h.admin().subscribe(code, buyer).get("subscriptionId").asText();
    MarketplaceMeteringClient client = h.taskClient(h.admin().task(buyer, REGION, platform));
    return new Subscribed(
        code, product.get("publicKeyPem").asText(), seller, buyer, subscription, client);
  }

  private static Subscribed subscribedTask() {
    return subscribedTask("ECS");
  }

  /**
   * RegisterUsage of key version 1 with nonce "n" by the subscribed task, changed where a test
   * says: the request a test sends unless what it tests is in the request.
   */
  private static RegisterUsageResponse register(
      Subscribed s, Consumer<RegisterUsageRequest.Builder> change) {
    return register(s.client(), s.productCode(), change);
  }

  private static RegisterUsageResponse register(Subscribed s) {
    return register(s, b -> {});
  }

  /** The same request for this product by this client. */
  private static RegisterUsageResponse register(
      MarketplaceMeteringClient client,
      String productCode,
      Consumer<RegisterUsageRequest.Builder> change) {
    return client.registerUsage(
        b -> change.accept(b.productCode(productCode).publicKeyVersion(1).nonce("n")));
  }

  private static RegisterUsageResponse register(
      MarketplaceMeteringClient client, String productCode) {
    return register(client, productCode, b -> {});
  }

  /**
   * The claims of a signature, after checking its header is exactly the documented one and that it
   * verifies under this PEM public key.
   */
  private static JsonNode verifiedClaims(String signature, String publicKeyPem) {
    try {
      SignedJWT jwt = SignedJWT.parse(signature);
      assertThat(jwt.getParsedParts()[0].decodeToString()).isEqualTo(HEADER);
      assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.PS256);
      assertThat(jwt.verify(new RSASSAVerifier(rsaPublicKey(publicKeyPem))))
          .as("signature verifies under the product's public key")
          .isTrue();
      return JSON.readTree(jwt.getParsedParts()[1].decodeToString());
    } catch (ParseException | JOSEException | IOException e) {
      throw new AssertionError("not a verifiable compact JWS: " + signature, e);
    }
  }

  private static boolean verifies(String signature, String publicKeyPem) {
    try {
      return SignedJWT.parse(signature).verify(new RSASSAVerifier(rsaPublicKey(publicKeyPem)));
    } catch (ParseException | JOSEException e) {
      throw new AssertionError(e);
    }
  }

  private static RSAPublicKey rsaPublicKey(String pem) {
    return (RSAPublicKey) Pem.decodeRsaPublicKey(pem);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  // ---- the signature ----------------------------------------------------------------------

  @Test
  void registerUsage_subscribedTask_returnsPs256JwtOverTheDocumentedClaims() {
    Subscribed s = subscribedTask();
    Instant now = h.now();

    RegisterUsageResponse r = register(s, b -> b.nonce("nonce-0123456789abcdef"));

    assertThat(r.responseMetadata().requestId()).isNotBlank().isNotEqualTo("UNKNOWN");
    assertThat(r.publicKeyRotationTimestamp()).isNull();
    JsonNode claims = verifiedClaims(r.signature(), s.publicKeyPem());
    assertThat(fieldNames(claims))
        .containsExactlyInAnyOrder("productCode", "publicKeyVersion", "nonce", "iat");
    assertThat(claims.get("productCode").asText()).isEqualTo(s.productCode());
    assertThat(claims.get("publicKeyVersion").isIntegralNumber()).isTrue();
    assertThat(claims.get("publicKeyVersion").asInt()).isEqualTo(1);
    assertThat(claims.get("nonce").asText()).isEqualTo("nonce-0123456789abcdef");
    assertThat(claims.get("iat").isIntegralNumber()).isTrue();
    assertThat(claims.get("iat").asLong()).isEqualTo(now.getEpochSecond());
  }

  @Test
  void registerUsage_unicodeNonce_isEchoedExactly() {
    Subscribed s = subscribedTask();
    String nonce = "nönce-日本語-😀-\"quoted\"-\\-\t";

    RegisterUsageResponse r = register(s, b -> b.nonce(nonce));

    assertThat(verifiedClaims(r.signature(), s.publicKeyPem()).get("nonce").asText())
        .isEqualTo(nonce);
  }

  @Test
  void registerUsage_withoutNonce_hasNoNonceClaim() {
    Subscribed s = subscribedTask();

    RegisterUsageResponse r = register(s, b -> b.nonce(null));

    JsonNode claims = verifiedClaims(r.signature(), s.publicKeyPem());
    assertThat(claims.has("nonce")).isFalse();
    assertThat(claims.get("productCode").asText()).isEqualTo(s.productCode());
  }

  @Test
  void registerUsage_nonceOf255Characters_isEchoed() {
    Subscribed s = subscribedTask();
    String nonce = "n".repeat(255);

    RegisterUsageResponse r = register(s, b -> b.nonce(nonce));

    assertThat(verifiedClaims(r.signature(), s.publicKeyPem()).get("nonce").asText())
        .isEqualTo(nonce);
  }

  @Test
  void registerUsage_repeatCall_returnsFreshValidSignature() {
    Subscribed s = subscribedTask();
    String first = register(s).signature();
    Instant later = Instant.parse(h.admin().advanceClock("PT1M").get("now").asText());

    String second = register(s).signature();

    assertThat(second).isNotEqualTo(first);
    assertThat(verifiedClaims(second, s.publicKeyPem()).get("iat").asLong())
        .isEqualTo(later.getEpochSecond());
  }

  // ---- key versions -----------------------------------------------------------------------

  @Test
  void registerUsage_afterRotation_version2IsSignedWithTheNewKey() {
    Subscribed s = subscribedTask();
    JsonNode rotated = h.admin().rotateKey(s.productCode());
    assertThat(rotated.get("publicKeyVersion").asInt()).isEqualTo(2);
    String newPem = rotated.get("publicKeyPem").asText();

    RegisterUsageResponse r = register(s, b -> b.publicKeyVersion(2));

    assertThat(r.publicKeyRotationTimestamp()).isNull();
    JsonNode claims = verifiedClaims(r.signature(), newPem);
    assertThat(claims.get("publicKeyVersion").asInt()).isEqualTo(2);
    assertThat(verifies(r.signature(), s.publicKeyPem()))
        .as("verifies under the old key")
        .isFalse();
  }

  @Test
  void registerUsage_retiredVersion1_stillWorksAndCarriesItsRetirementTime() {
    Subscribed s = subscribedTask();
    h.admin().rotateKey(s.productCode());
    Instant retiredAt = retiredAt(s.productCode(), 1);
    h.admin().advanceClock("PT10M");

    RegisterUsageResponse r = register(s);

    assertThat(r.publicKeyRotationTimestamp()).isEqualTo(retiredAt);
    JsonNode claims = verifiedClaims(r.signature(), s.publicKeyPem());
    assertThat(claims.get("publicKeyVersion").asInt()).isEqualTo(1);
  }

  private static Instant retiredAt(String productCode, int version) {
    for (JsonNode key : h.admin().get("/products/" + productCode).get("publicKeys")) {
      if (key.get("publicKeyVersion").asInt() == version) {
        return Instant.parse(key.get("retiredAt").asText());
      }
    }
    throw new AssertionError("product " + productCode + " has no key version " + version);
  }

  @Test
  void registerUsage_versionAfterTheCurrentOne_isInvalidPublicKeyVersion() {
    Subscribed s = subscribedTask();
    expectError(
        InvalidPublicKeyVersionException.class, 400, () -> register(s, b -> b.publicKeyVersion(2)));
    h.admin().rotateKey(s.productCode());

    expectError(
        InvalidPublicKeyVersionException.class, 400, () -> register(s, b -> b.publicKeyVersion(3)));
  }

  // ---- entitlement ------------------------------------------------------------------------

  @Test
  void registerUsage_unsubscribedBuyer_isCustomerNotEntitled() {
    String code = h.admin().hourlyProduct(Harness.newAccountId()).get("productCode").asText();
    MarketplaceMeteringClient client = h.taskClient(h.admin().task(h.buyer(), REGION, "ECS"));

    expectError(CustomerNotEntitledException.class, 400, () -> register(client, code));
  }

  @Test
  void registerUsage_admittedTaskAfterUnsubscribe_keepsWorkingButNewTaskIsRefused() {
    Subscribed s = subscribedTask();
    register(s);
    h.admin().unsubscribe(s.subscriptionId());

    RegisterUsageResponse again = register(s, b -> b.nonce("again"));
    MarketplaceMeteringClient newTask = h.taskClient(h.admin().task(s.buyer(), REGION, "ECS"));

    assertThat(verifiedClaims(again.signature(), s.publicKeyPem()).get("nonce").asText())
        .isEqualTo("again");
    expectError(CustomerNotEntitledException.class, 400, () -> register(newTask, s.productCode()));
  }

  @Test
  void registerUsage_freeProduct_succeedsForAnyBuyer() {
    JsonNode product = h.admin().freeProduct(Harness.newAccountId());
    String code = product.get("productCode").asText();
    MarketplaceMeteringClient client = h.taskClient(h.admin().task(h.buyer(), REGION, "FARGATE"));

    RegisterUsageResponse r = register(client, code);

    assertThat(
            verifiedClaims(r.signature(), product.get("publicKeyPem").asText())
                .get("productCode")
                .asText())
        .isEqualTo(code);
  }

  @Test
  void registerUsage_previewProductUsedBySellersOwnAccount_needsNoSubscription() {
    String seller = Harness.newAccountId();
    JsonNode product =
        h.admin()
            .post(
                "/products",
                Map.of(
                    "name",
                    "Preview hourly",
                    "pricing",
                    "HOURLY",
                    "hourlyPrice",
                    "0.50",
                    "preview",
                    true,
                    "sellerAccountId",
                    seller));
    String code = product.get("productCode").asText();
    MarketplaceMeteringClient client = h.taskClient(h.admin().task(seller, REGION, "EKS"));

    RegisterUsageResponse r = register(client, code, b -> b.nonce("preview"));

    assertThat(
            verifiedClaims(r.signature(), product.get("publicKeyPem").asText())
                .get("nonce")
                .asText())
        .isEqualTo("preview");
  }

  // ---- platform, region, product ----------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"ECS", "FARGATE", "EKS"})
  void registerUsage_fromEachContainerPlatform_succeeds(String platform) {
    Subscribed s = subscribedTask(platform);

    RegisterUsageResponse r = register(s, b -> b.nonce(platform));

    assertThat(verifiedClaims(r.signature(), s.publicKeyPem()).get("nonce").asText())
        .isEqualTo(platform);
  }

  @Test
  void registerUsage_ec2InstanceIdentity_isPlatformNotSupported() {
    Subscribed s = subscribedTask("EC2");

    expectError(PlatformNotSupportedException.class, 400, () -> register(s));
  }

  @ParameterizedTest
  @ValueSource(strings = {"BUYER_USER", "SELLER"})
  void registerUsage_longTermKey_isPlatformNotSupported(String kind) {
    Subscribed s = subscribedTask();
    MarketplaceMeteringClient client =
        h.keyClient(kind.equals("SELLER") ? s.seller() : s.buyer(), kind);

    expectError(PlatformNotSupportedException.class, 400, () -> register(client, s.productCode()));
  }

  @Test
  void registerUsage_regionOtherThanTasks_isInvalidRegion() {
    String seller = Harness.newAccountId();
    String code = h.admin().hourlyProduct(seller).get("productCode").asText();
    String buyer = h.buyer();
    h.admin().subscribe(code, buyer);
    JsonNode task = h.admin().task(buyer, REGION, "ECS");
    MarketplaceMeteringClient elsewhere = h.client(TestServer.taskCredentials(task), "us-west-2");

    expectError(InvalidRegionException.class, 400, () -> register(elsewhere, code));
  }

  @Test
  void registerUsage_unknownProduct_isInvalidProductCode() {
    Subscribed s = subscribedTask();

    expectError(
        InvalidProductCodeException.class,
        400,
        () -> register(s, b -> b.productCode("noSuchProduct0000000000000")));
  }

  // ---- model constraints ------------------------------------------------------------------

  @Test
  void registerUsage_publicKeyVersionZero_isValidationExceptionNamingIt() {
    Subscribed s = subscribedTask();

    var e =
        expectErrorCode("ValidationException", 400, () -> register(s, b -> b.publicKeyVersion(0)));

    assertThat(e.awsErrorDetails().errorMessage()).contains("'publicKeyVersion'");
  }

  @Test
  void registerUsage_nonceOf256Characters_isValidationExceptionNamingIt() {
    Subscribed s = subscribedTask();

    var e =
        expectErrorCode(
            "ValidationException", 400, () -> register(s, b -> b.nonce("n".repeat(256))));

    assertThat(e.awsErrorDetails().errorMessage()).contains("'nonce'");
  }

  @Test
  void registerUsage_missingProductCode_isValidationExceptionNamingIt() {
    Subscribed s = subscribedTask();

    var e =
        expectErrorCode("ValidationException", 400, () -> register(s, b -> b.productCode(null)));

    assertThat(e.awsErrorDetails().errorMessage()).contains("'productCode'");
  }
}
