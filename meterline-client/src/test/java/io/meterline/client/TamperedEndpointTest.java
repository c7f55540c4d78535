package io.meterline.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterline.server.testing.TestServer;
import java.io.IOException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * A buyer who points the product at an endpoint of their own (SPEC §4: "verify the JWT (PS256,
 * public key shipped in the product, claims equal to what was sent)"): whatever a 200 answer to
 * RegisterUsage carries, unless it is a PS256 signature by the shipped key over this request's
 * product code, key version and nonce, recently issued, the product does not start.
 */
class TamperedEndpointTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CODE = "fakeProductCode0000000001";
  private static final KeyPair SHIPPED = Jws.rsaKeyPair();
  private static final KeyPair OTHER = Jws.rsaKeyPair();

  /** A real signature of the real server, for another nonce: what a replay would send. */
  private static String realCode;

  private static String realPem;
  private static String realSignature;

  private static FakeMeteringEndpoint fake;
  private MarketplaceMeteringClient client;

  @BeforeAll
  static void start() throws IOException {
    fake = new FakeMeteringEndpoint();
    try (TestServer server = TestServer.start()) {
      JsonNode product = server.admin().hourlyProduct(Fixtures.newAccountId());
      realCode = product.get("productCode").asText();
      realPem = product.get("publicKeyPem").asText();
      String buyer = Fixtures.newBuyer(server);
      server.admin().subscribe(realCode, buyer);
      JsonNode task = server.admin().task(buyer, Fixtures.REGION, "ECS");
      try (MarketplaceMeteringClient real = server.taskClient(task)) {
        realSignature =
            real.registerUsage(r -> r.productCode(realCode).publicKeyVersion(1).nonce("earlier"))
                .signature();
      }
    }
  }

  @AfterAll
  static void stop() throws IOException {
    fake.close();
  }

  @BeforeEach
  void pointTheSdkAtTheFake() {
    fake.received().clear();
    client =
        MarketplaceMeteringClient.builder()
            .endpointOverride(fake.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create("AKIDFAKEFAKEFAKEFAKE", "fake-secret")))
            .httpClientBuilder(ApacheHttpClient.builder())
            .overrideConfiguration(
                o -> o.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
            .build();
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  private EntitlementCheck check(String code, String pem) {
    return EntitlementCheck.builder()
        .trust(TrustedProduct.paid(code, 1, pem))
        .productCode(code)
        .client(client)
        .clock(Clock.systemUTC())
        .retryFor(Duration.ofSeconds(1))
        .backoff(Duration.ofMillis(20), Duration.ofMillis(100))
        .build();
  }

  // ---- the answers ----------------------------------------------------------------------------

  private static String claims(String code, Object version, String nonce, Long iat) {
    ObjectNode c = JSON.createObjectNode();
    c.put("productCode", code);
    if (version instanceof Integer v) {
      c.put("publicKeyVersion", v);
    } else {
      c.put("publicKeyVersion", String.valueOf(version));
    }
    if (nonce != null) {
      c.put("nonce", nonce);
    }
    if (iat != null) {
      c.put("iat", iat);
    }
    return c.toString();
  }

  /** The claims a genuine answer to this request would carry, issued now. */
  private static String echoed(JsonNode request) {
    return claims(
        request.get("ProductCode").asText(),
        request.get("PublicKeyVersion").asInt(),
        request.get("Nonce").asText(),
        Instant.now().getEpochSecond());
  }

  private static Function<JsonNode, String> signature(Function<JsonNode, String> token) {
    return request -> {
      ObjectNode body = JSON.createObjectNode();
      body.put("Signature", token.apply(request));
      return body.toString();
    };
  }

  private static Function<JsonNode, String> body(String fixed) {
    return request -> fixed;
  }

  private static long daysFromNow(int days) {
    return Instant.now().plus(Duration.ofDays(days)).getEpochSecond();
  }

  static Stream<Arguments> tamperedAnswers() {
    return Stream.of(
        Arguments.of("an empty object", body("{}")),
        Arguments.of("no Signature member", body("{\"PublicKeyRotationTimestamp\":1700000000}")),
        Arguments.of("a null Signature", body("{\"Signature\":null}")),
        Arguments.of("an empty Signature", body("{\"Signature\":\"\"}")),
        Arguments.of(
            "signed by another key", signature(r -> Jws.ps256(echoed(r), OTHER.getPrivate()))),
        Arguments.of(
            "the shipped key, another nonce",
            signature(
                r ->
                    Jws.ps256(
                        claims(CODE, 1, "not-" + r.get("Nonce").asText(), daysFromNow(0)),
                        SHIPPED.getPrivate()))),
        Arguments.of(
            "the shipped key, no nonce",
            signature(r -> Jws.ps256(claims(CODE, 1, null, daysFromNow(0)), SHIPPED.getPrivate()))),
        Arguments.of(
            "the shipped key, another product code",
            signature(
                r ->
                    Jws.ps256(
                        claims(
                            "anotherProductCode0000001",
                            1,
                            r.get("Nonce").asText(),
                            daysFromNow(0)),
                        SHIPPED.getPrivate()))),
        Arguments.of(
            "the shipped key, another key version",
            signature(
                r ->
                    Jws.ps256(
                        claims(CODE, 2, r.get("Nonce").asText(), daysFromNow(0)),
                        SHIPPED.getPrivate()))),
        Arguments.of(
            "the shipped key, iat two days ago",
            signature(
                r ->
                    Jws.ps256(
                        claims(CODE, 1, r.get("Nonce").asText(), daysFromNow(-2)),
                        SHIPPED.getPrivate()))),
        Arguments.of(
            "the shipped key, iat two days ahead",
            signature(
                r ->
                    Jws.ps256(
                        claims(CODE, 1, r.get("Nonce").asText(), daysFromNow(2)),
                        SHIPPED.getPrivate()))),
        Arguments.of(
            "the shipped key, no iat",
            signature(
                r ->
                    Jws.ps256(
                        claims(CODE, 1, r.get("Nonce").asText(), null), SHIPPED.getPrivate()))),
        Arguments.of(
            "a genuine token whose payload was swapped after signing",
            signature(
                r -> {
                  String genuine =
                      Jws.ps256(claims(CODE, 1, "earlier", daysFromNow(0)), SHIPPED.getPrivate());
                  String[] parts = genuine.split("\\.");
                  return parts[0] + "." + Jws.b64(echoed(r)) + "." + parts[2];
                })),
        Arguments.of("alg none", signature(r -> Jws.none(echoed(r)))),
        Arguments.of(
            "HS256 keyed with the public key",
            signature(r -> Jws.hs256WithPublicKey(echoed(r), SHIPPED.getPublic()))),
        Arguments.of(
            "RS256 by the shipped key", signature(r -> Jws.rs256(echoed(r), SHIPPED.getPrivate()))),
        Arguments.of("garbage", signature(r -> "garbage")),
        Arguments.of("three garbage parts", signature(r -> "a.b.c")),
        Arguments.of("three empty parts", signature(r -> "..")),
        Arguments.of(
            "a header that is not JSON",
            signature(
                r -> {
                  String genuine = Jws.ps256(echoed(r), SHIPPED.getPrivate());
                  return Jws.b64("not json") + genuine.substring(genuine.indexOf('.'));
                })));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tamperedAnswers")
  void registerUsageAnswer_notSignedForThisRequestByTheShippedKey_isInvalidSignature(
      String what, Function<JsonNode, String> answer) {
    fake.answer(answer);

    Throwable thrown = catchThrowable(() -> check(CODE, Jws.pem(SHIPPED.getPublic())).run());

    assertThat(thrown)
        .as("what the check throws on %s", what)
        .isInstanceOf(EntitlementException.class);
    assertThat(((EntitlementException) thrown).reason())
        .isEqualTo(EntitlementException.Reason.INVALID_SIGNATURE);
    assertThat(fake.received())
        .as("the SDK called the fake, once: a bad signature is not retried")
        .hasSize(1);
    assertThat(fake.received().get(0).target()).isEqualTo("AWSMPMeteringService.RegisterUsage");
  }

  @Test
  void replayOfARealSignatureFromTheRealServer_isInvalidSignatureForItsNonce() {
    fake.answer(signature(r -> realSignature));

    EntitlementException e =
        catchThrowableOfType(EntitlementException.class, () -> check(realCode, realPem).run());

    assertThat(e).isNotNull();
    assertThat(e.reason()).isEqualTo(EntitlementException.Reason.INVALID_SIGNATURE);
    assertThat(e.getMessage()).contains("nonce");
    assertThat(fake.received().get(0).body().get("Nonce").asText()).isNotEqualTo("earlier");
  }

  @Test
  void answerSignedByTheShippedKeyForThisRequest_isAccepted() throws Exception {
    // The control: the fake can produce an answer the check accepts, so the refusals above are
    // the check's doing, not the harness's.
    fake.answer(signature(r -> Jws.ps256(echoed(r), SHIPPED.getPrivate())));

    Entitlement e = check(CODE, Jws.pem(SHIPPED.getPublic())).run();

    assertThat(e.productCode()).isEqualTo(CODE);
    assertThat(e.publicKeyVersion()).isEqualTo(1);
    assertThat(fake.received()).hasSize(1);
  }

  @Test
  void answerThatIsNotJson_neverAdmitsTheProduct() {
    fake.answer(body("<html>welcome</html>"));

    EntitlementException e =
        catchThrowableOfType(
            EntitlementException.class, () -> check(CODE, Jws.pem(SHIPPED.getPublic())).run());

    assertThat(e).isNotNull();
    assertThat(e.reason())
        .isIn(
            EntitlementException.Reason.INVALID_SIGNATURE, EntitlementException.Reason.UNAVAILABLE);
  }
}
