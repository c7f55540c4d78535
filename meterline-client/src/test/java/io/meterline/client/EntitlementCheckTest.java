package io.meterline.client;

import static io.meterline.client.Fixtures.REGION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageRequest;
import software.amazon.awssdk.services.marketplacemetering.model.RegisterUsageRequest;

/**
 * The start-up entitlement check against the real server (SPEC §4 "Entitlement at startup",
 * "Trusted product codes"; facts §4.5–4.8): every refusal the service can give maps to the reason
 * the product acts on, and only a signature that verifies with the shipped key admits it.
 */
class EntitlementCheckTest {
  private static TestServer server;
  private final List<MarketplaceMeteringClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void closeClients() {
    clients.forEach(MarketplaceMeteringClient::close);
  }

  /** A product, as the seller ships it: its code and the PEM of its key version 1. */
  private record Product(String code, String pem) {
    static Product of(JsonNode created) {
      return new Product(created.get("productCode").asText(), created.get("publicKeyPem").asText());
    }

    TrustedProduct paid() {
      return TrustedProduct.paid(code, 1, pem);
    }
  }

  private static Product hourly() {
    return Product.of(server.admin().hourlyProduct(Fixtures.newAccountId()));
  }

  private static String subscribedBuyer(Product product) {
    String buyer = Fixtures.newBuyer(server);
    server.admin().subscribe(product.code(), buyer);
    return buyer;
  }

  private MarketplaceMeteringClient taskClient(String buyer, String platform, RecordedCalls calls) {
    return track(Fixtures.taskClient(server, server.admin().task(buyer, REGION, platform), calls));
  }

  private MarketplaceMeteringClient track(MarketplaceMeteringClient client) {
    clients.add(client);
    return client;
  }

  private static EntitlementCheck.Builder check(MarketplaceMeteringClient client) {
    return EntitlementCheck.builder().client(client).clock(server.server().serviceClock());
  }

  private static EntitlementException refusal(EntitlementCheck check) {
    EntitlementException e = catchThrowableOfType(EntitlementException.class, check::run);
    assertThat(e).as("the check refuses").isNotNull();
    return e;
  }

  // ---- admitted -----------------------------------------------------------------------------

  @Test
  void paidCode_subscribedTask_isEntitledToThePaidTierWithKeyVersion1() throws Exception {
    Product p = hourly();
    RecordedCalls calls = new RecordedCalls();
    MarketplaceMeteringClient client = taskClient(subscribedBuyer(p), "ECS", calls);

    Entitlement e = check(client).trust(p.paid()).productCode(p.code()).build().run();

    assertThat(e.productCode()).isEqualTo(p.code());
    assertThat(e.tier()).isEqualTo(TrustedProduct.Tier.PAID);
    assertThat(e.isPaid()).isTrue();
    assertThat(e.publicKeyVersion()).isEqualTo(1);
    assertThat(e.confirmedAt()).isEqualTo(server.admin().now());
    List<RegisterUsageRequest> sent = calls.of(RegisterUsageRequest.class);
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0).productCode()).isEqualTo(p.code());
    assertThat(sent.get(0).publicKeyVersion()).isEqualTo(1);
    assertThat(sent.get(0).nonce()).as("a random nonce is sent").isNotBlank();
  }

  @Test
  void twoChecks_sendDifferentNonces() throws Exception {
    Product p = hourly();
    RecordedCalls calls = new RecordedCalls();
    MarketplaceMeteringClient client = taskClient(subscribedBuyer(p), "FARGATE", calls);
    EntitlementCheck check = check(client).trust(p.paid()).productCode(p.code()).build();

    check.run();
    check.run();

    List<RegisterUsageRequest> sent = calls.of(RegisterUsageRequest.class);
    assertThat(sent).hasSize(2);
    assertThat(sent.get(0).nonce()).isNotEqualTo(sent.get(1).nonce());
  }

  @Test
  void freeCode_isEntitledToTheFreeTierOnly_evenWhenThePaidCodeIsTrustedToo() throws Exception {
    Product paid = hourly();
    Product free = Product.of(server.admin().freeProduct(Fixtures.newAccountId()));
    MarketplaceMeteringClient client =
        taskClient(Fixtures.newBuyer(server), "EKS", new RecordedCalls());

    Entitlement e =
        check(client)
            .trust(paid.paid())
            .trust(TrustedProduct.free(free.code(), 1, free.pem()))
            .productCode(free.code())
            .build()
            .run();

    assertThat(e.productCode()).isEqualTo(free.code());
    assertThat(e.tier()).isEqualTo(TrustedProduct.Tier.FREE);
    assertThat(e.isPaid()).isFalse();
  }

  // ---- refused ------------------------------------------------------------------------------

  @Test
  void codeNotInTheTrustedList_isUntrustedWithoutAnyCall() {
    Product trusted = hourly();
    Product configured = hourly();
    RecordedCalls calls = new RecordedCalls();
    MarketplaceMeteringClient client = taskClient(subscribedBuyer(configured), "ECS", calls);

    EntitlementException e =
        refusal(check(client).trust(trusted.paid()).productCode(configured.code()).build());

    assertThat(e.reason()).isEqualTo(EntitlementException.Reason.UNTRUSTED_PRODUCT_CODE);
    assertThat(e.getMessage()).contains(configured.code());
    assertThat(calls.count()).isZero();
  }

  @Test
  void unsubscribedBuyer_isNotEntitled() {
    Product p = hourly();
    MarketplaceMeteringClient client =
        taskClient(Fixtures.newBuyer(server), "ECS", new RecordedCalls());

    EntitlementException e = refusal(check(client).trust(p.paid()).productCode(p.code()).build());

    assertThat(e.reason()).isEqualTo(EntitlementException.Reason.NOT_ENTITLED);
    assertThat(e.getMessage()).contains("CustomerNotEntitledException");
  }

  @Test
  void longTermBuyerUserKeys_arePlatformNotSupported() {
    Product p = hourly();
    String buyer = subscribedBuyer(p);
    JsonNode key = server.admin().accessKey(buyer, "BUYER_USER");
    MarketplaceMeteringClient client =
        track(Fixtures.client(server, TestServer.keyCredentials(key), REGION));

    EntitlementException e = refusal(check(client).trust(p.paid()).productCode(p.code()).build());

    assertThat(e.reason()).isEqualTo(EntitlementException.Reason.PLATFORM_NOT_SUPPORTED);
  }

  @Test
  void ec2InstanceIdentity_isPlatformNotSupported() {
    Product p = hourly();
    MarketplaceMeteringClient client = taskClient(subscribedBuyer(p), "EC2", new RecordedCalls());

    EntitlementException e = refusal(check(client).trust(p.paid()).productCode(p.code()).build());

    assertThat(e.reason()).isEqualTo(EntitlementException.Reason.PLATFORM_NOT_SUPPORTED);
  }

  @Test
  void clientInAnotherRegionThanTheTask_isInvalidRegion() {
    Product p = hourly();
    JsonNode task = server.admin().task(subscribedBuyer(p), REGION, "ECS");
    MarketplaceMeteringClient elsewhere =
        track(Fixtures.client(server, TestServer.taskCredentials(task), "eu-west-1"));

    EntitlementException e =
        refusal(check(elsewhere).trust(p.paid()).productCode(p.code()).build());

    assertThat(e.reason()).isEqualTo(EntitlementException.Reason.INVALID_REGION);
  }

  // ---- custom-metered products: a MeterUsage DryRun -----------------------------------------

  /** A custom product of one dimension, "Requests", trusted as paid. */
  private record Custom(String code, String pem) {
    static Custom create() {
      JsonNode created = server.admin().customProduct(Fixtures.newAccountId(), "Requests");
      return new Custom(created.get("productCode").asText(), created.get("publicKeyPem").asText());
    }

    /** The check of this product's code through this client. */
    EntitlementCheck.Builder check(MarketplaceMeteringClient client) {
      return EntitlementCheckTest.check(client)
          .trust(TrustedProduct.paid(code, 1, pem))
          .productCode(code);
    }
  }

  /** A task client of a new buyer subscribed to the product. */
  private MarketplaceMeteringClient subscribedTask(Custom product, RecordedCalls calls) {
    String buyer = Fixtures.newBuyer(server);
    server.admin().subscribe(product.code(), buyer);
    return taskClient(buyer, "ECS", calls);
  }

  @Test
  void meteredBy_subscribedCustomProduct_isEntitledAndRecordsNoUsage() throws Exception {
    Custom product = Custom.create();
    RecordedCalls calls = new RecordedCalls();
    MarketplaceMeteringClient client = subscribedTask(product, calls);

    Entitlement e = product.check(client).meteredBy("Requests").build().run();

    assertThat(e.isPaid()).isTrue();
    assertThat(e.publicKeyVersion()).isZero();
    assertThat(calls.of(RegisterUsageRequest.class)).isEmpty();
    assertThat(calls.count()).isEqualTo(1);
    assertThat(server.admin().usage("productCode=" + product.code()).get("records")).isEmpty();
  }

  @Test
  void meteredBy_unsubscribedCustomProduct_isNotEntitled() {
    Custom product = Custom.create();
    MarketplaceMeteringClient client =
        taskClient(Fixtures.newBuyer(server), "ECS", new RecordedCalls());

    EntitlementException e = refusal(product.check(client).meteredBy("Requests").build());

    assertThat(e.reason()).isEqualTo(EntitlementException.Reason.NOT_ENTITLED);
  }

  @Test
  void meteredBy_dimensionTheProductLacks_isRejected() {
    Custom product = Custom.create();
    MarketplaceMeteringClient client = subscribedTask(product, new RecordedCalls());

    EntitlementException e = refusal(product.check(client).meteredBy("Renders").build());

    assertThat(e.reason()).isEqualTo(EntitlementException.Reason.REJECTED);
    assertThat(e.getMessage()).contains("InvalidUsageDimensionException");
  }

  @Test
  void meteredBy_checksEveryDimension_soAListingThatLacksTheSecondFailsAtStartUp() {
    Custom product = Custom.create();
    RecordedCalls calls = new RecordedCalls();
    MarketplaceMeteringClient client = subscribedTask(product, calls);

    EntitlementException e =
        refusal(product.check(client).meteredBy("Requests", "Renders").build());

    assertThat(e.reason()).isEqualTo(EntitlementException.Reason.REJECTED);
    assertThat(e.getMessage()).contains("Renders");
    assertThat(calls.of(MeterUsageRequest.class))
        .extracting(MeterUsageRequest::usageDimension)
        .containsExactly("Requests", "Renders");
    assertThat(calls.of(MeterUsageRequest.class)).allMatch(MeterUsageRequest::dryRun);
  }

  // ---- configuration errors: no retry can mend them -------------------------------------------

  @Test
  void noRegionAnywhere_failsAtOnce_namingTheFix() {
    System.setProperty("aws.region", "");
    System.setProperty("aws.disableEc2Metadata", "true"); // even on EC2
    try {
      EntitlementException e =
          catchThrowableOfType(
              EntitlementException.class,
              () ->
                  Clients.meteringChecked(
                      Map.of("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://x"), () -> true));

      assertThat(e.reason()).isEqualTo(EntitlementException.Reason.CONFIGURATION);
      assertThat(e.getMessage()).contains("the region is unknown").contains("AWS_REGION");
    } finally {
      System.clearProperty("aws.region");
      System.clearProperty("aws.disableEc2Metadata");
    }
  }

  @Test
  void noCredentialsAnywhere_failsAtOnce_namingTheFix() {
    // The SDK's chain also reads this JVM's real environment and the user's ~/.aws files: point
    // the files elsewhere, keep it off EC2's metadata, and run only where the environment has none.
    Assumptions.assumeTrue(
        System.getenv().keySet().stream()
            .noneMatch(
                k ->
                    k.startsWith("AWS_CONTAINER_")
                        || k.equals("AWS_ACCESS_KEY_ID")
                        || k.equals("AWS_WEB_IDENTITY_TOKEN_FILE")),
        "this machine's environment holds AWS credentials");
    Map<String, String> props =
        Map.of(
            "aws.sharedCredentialsFile", "/nonexistent/credentials",
            "aws.configFile", "/nonexistent/config",
            "aws.disableEc2Metadata", "true");
    props.forEach(System::setProperty);
    try {
      long started = System.nanoTime();
      EntitlementException e =
          catchThrowableOfType(
              EntitlementException.class,
              () -> Clients.meteringChecked(Map.of("AWS_REGION", "us-east-1"), () -> true));

      assertThat(e.reason()).isEqualTo(EntitlementException.Reason.CONFIGURATION);
      assertThat(e.getMessage()).contains("no AWS credentials").contains("IAM task role");
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .as("at once, not after 30 minutes of retries")
          .isLessThan(Duration.ofSeconds(30));
    } finally {
      props.keySet().forEach(System::clearProperty);
    }
  }

  @Test
  void irsaWithoutTheStsModule_failsAtOnce_namingTheDependency() {
    EntitlementException e =
        catchThrowableOfType(
            EntitlementException.class,
            () ->
                Clients.meteringChecked(
                    Map.of(
                        "AWS_REGION", "us-east-1",
                        "AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/eks/token",
                        "AWS_ROLE_ARN", "arn:aws:iam::111122223333:role/product"),
                    () -> false));

    assertThat(e.reason()).isEqualTo(EntitlementException.Reason.CONFIGURATION);
    assertThat(e.getMessage()).contains("software.amazon.awssdk:sts");
  }

  @Test
  void clientFailureThatIsAConfigurationError_isRecognised_andANetworkOneIsNot() {
    assertThat(
            Clients.configurationError(
                SdkClientException.create(
                    "To use web identity tokens, the 'sts' service module must be on the class path.")))
        .extracting(EntitlementException::reason)
        .isEqualTo(EntitlementException.Reason.CONFIGURATION);
    assertThat(
            Clients.configurationError(
                SdkClientException.create("Unable to execute HTTP request: Connection refused")))
        .isNull();
  }

  // ---- keys ---------------------------------------------------------------------------------

  @Test
  void afterRotation_productShippingOnlyKeyVersion1_stillVerifiesWithTheRetiredKey()
      throws Exception {
    Product p = hourly();
    String buyer = subscribedBuyer(p);
    server.admin().rotateKey(p.code());
    RecordedCalls calls = new RecordedCalls();
    MarketplaceMeteringClient client = taskClient(buyer, "ECS", calls);

    Entitlement e = check(client).trust(p.paid()).productCode(p.code()).build().run();

    assertThat(e.publicKeyVersion()).isEqualTo(1);
    assertThat(calls.of(RegisterUsageRequest.class).get(0).publicKeyVersion()).isEqualTo(1);
  }

  @Test
  void afterRotation_productShippingKeyVersions1And2_asksForAndVerifiesVersion2() throws Exception {
    Product p = hourly();
    String buyer = subscribedBuyer(p);
    JsonNode rotated = server.admin().rotateKey(p.code());
    assertThat(rotated.get("publicKeyVersion").asInt()).isEqualTo(2);
    RecordedCalls calls = new RecordedCalls();
    MarketplaceMeteringClient client = taskClient(buyer, "ECS", calls);

    Entitlement e =
        check(client)
            .trust(p.paid().withKey(2, rotated.get("publicKeyPem").asText()))
            .productCode(p.code())
            .build()
            .run();

    assertThat(e.publicKeyVersion()).isEqualTo(2);
    assertThat(calls.of(RegisterUsageRequest.class).get(0).publicKeyVersion()).isEqualTo(2);
  }

  @Test
  void productShippingVersion2WithTheOldKeysPem_isInvalidSignature() {
    Product p = hourly();
    String buyer = subscribedBuyer(p);
    server.admin().rotateKey(p.code());
    MarketplaceMeteringClient client = taskClient(buyer, "ECS", new RecordedCalls());

    EntitlementException e =
        refusal(
            check(client)
                .trust(TrustedProduct.paid(p.code(), 2, p.pem()))
                .productCode(p.code())
                .build());

    assertThat(e.reason()).isEqualTo(EntitlementException.Reason.INVALID_SIGNATURE);
  }

  @Test
  void productShippingAnotherProductsPublicKey_isInvalidSignature() {
    Product p = hourly();
    Product other = hourly();
    MarketplaceMeteringClient client = taskClient(subscribedBuyer(p), "ECS", new RecordedCalls());

    EntitlementException e =
        refusal(
            check(client)
                .trust(TrustedProduct.paid(p.code(), 1, other.pem()))
                .productCode(p.code())
                .build());

    assertThat(e.reason()).isEqualTo(EntitlementException.Reason.INVALID_SIGNATURE);
  }
}
