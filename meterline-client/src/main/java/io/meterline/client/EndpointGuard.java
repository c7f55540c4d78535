package io.meterline.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.licensemanager.LicenseManagerClient;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * Refuses a metering or License Manager endpoint that the environment, which the buyer controls,
 * redirected to and that does not prove it is the seller's (see {@link SellerEndpoint}). The proof:
 * {@code POST <endpoint>/meterline/v1/endpoint-proof} with {@code {"challenge", "endpoint"}},
 * answered with an Ed25519 signature of {@code "meterline-endpoint-proof/1\n" + endpoint + "\n" +
 * challenge} by a key the product ships. The challenge is 32 random bytes, so no answer can be
 * replayed.
 */
final class EndpointGuard {
  private static final Logger LOG = LoggerFactory.getLogger(EndpointGuard.class);
  private static final String CONTEXT = "meterline-endpoint-proof/1\n";
  private static final String PROOF_PATH = "/meterline/v1/endpoint-proof";
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final int ATTEMPTS = 3;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final java.util.Set<String> PROVED =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private EndpointGuard() {}

  /** A service whose endpoint the environment can override, and the settings that do it. */
  enum Service {
    METERING(
        "metering",
        "AWS_ENDPOINT_URL_MARKETPLACE_METERING",
        "aws.endpointUrlMarketplaceMetering",
        () -> MarketplaceMeteringClient.builder()),
    LICENSE_MANAGER(
        "License Manager",
        "AWS_ENDPOINT_URL_LICENSE_MANAGER",
        "aws.endpointUrlLicenseManager",
        () -> LicenseManagerClient.builder());

    private final String title;
    private final String variable;
    private final String property;
    private final Supplier<AwsClientBuilder<?, ? extends SdkClient>> builder;

    Service(
        String title,
        String variable,
        String property,
        Supplier<AwsClientBuilder<?, ? extends SdkClient>> builder) {
      this.title = title;
      this.variable = variable;
      this.property = property;
      this.builder = builder;
    }
  }

  /**
   * Checks the endpoint a client will call.
   *
   * @throws EntitlementException with {@link EntitlementException.Reason#UNTRUSTED_ENDPOINT}
   */
  static void check(SdkClient client, Service service, SellerEndpoint trust, boolean builtByLibrary)
      throws EntitlementException {
    Optional<URI> used = client.serviceClientConfiguration().endpointOverride();
    if (used.isEmpty()) {
      return; // AWS's own endpoint for the region
    }
    // A client the library built has no endpoint in code: any override came from the environment.
    // For one the product built, the environment is asked again; only an override it does not
    // name was set in code.
    if (!builtByLibrary) {
      Optional<URI> fromEnvironment = environmentOverride(service);
      if (fromEnvironment.isEmpty() || !fromEnvironment.get().equals(used.get())) {
        LOG.info("{} endpoint {}, set in the product's code", service.title, used.get());
        return;
      }
    }
    URI endpoint = used.get();
    String variable = variableNaming(service, System.getenv());
    if (!trust.trustsAny()) {
      throw untrusted(
          variable
              + " points the "
              + service.title
              + " client at "
              + endpoint
              + ", and this product accepts no endpoint but AWS's (it ships no seller endpoint "
              + "key): unset it");
    }
    // The checks and the meter of one product check the same endpoint: once proved
    // with the same keys, it is not asked again in this process.
    String proof = endpoint + " " + trust.keyIds();
    if (PROVED.contains(proof)) {
      return;
    }
    String problem = prove(endpoint, trust);
    if (problem != null) {
      throw untrusted(
          variable
              + " points the "
              + service.title
              + " client at "
              + endpoint
              + ", which did not prove it is the seller's: "
              + problem
              + ". Unset it to use AWS");
    }
    PROVED.add(proof);
    LOG.info(
        "{} endpoint {} from {}: proved to be the seller's", service.title, endpoint, variable);
  }

  /** The same check, for code that cannot throw a checked exception. */
  static void checkOrThrowIllegalState(
      MarketplaceMeteringClient client, SellerEndpoint trust, boolean builtByLibrary) {
    try {
      check(client, Service.METERING, trust, builtByLibrary);
    } catch (EntitlementException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  // What the SDK's own resolution makes of this environment alone: a client built with no endpoint
  // in code shows the override the environment sets, from whichever of its sources.
  private static Optional<URI> environmentOverride(Service service) {
    try (SdkClient probe =
        service
            .builder
            .get()
            .region(Region.US_EAST_1)
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .build()) {
      return probe.serviceClientConfiguration().endpointOverride();
    }
  }

  /** Which setting the override came from, in the SDK's order of precedence. */
  static String variableNaming(Service service, Map<String, String> env) {
    if (System.getProperty(service.property) != null) {
      return "the system property " + service.property;
    }
    if (env.get(service.variable) != null) {
      return service.variable;
    }
    if (System.getProperty("aws.endpointUrl") != null) {
      return "the system property aws.endpointUrl";
    }
    if (env.get("AWS_ENDPOINT_URL") != null) {
      return "AWS_ENDPOINT_URL";
    }
    return "endpoint_url in the AWS config file (AWS_CONFIG_FILE, ~/.aws/config)";
  }

  /** Asks the endpoint for a proof; {@code null} when it holds, else what is wrong. */
  private static String prove(URI endpoint, SellerEndpoint trust) {
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    String endpointText = endpoint.toString();
    String body =
        "{\"challenge\":\"" + challenge + "\",\"endpoint\":\"" + jsonEscape(endpointText) + "\"}";
    HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    HttpRequest request =
        HttpRequest.newBuilder(proofUri(endpointText))
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    HttpResponse<String> answer = null;
    IOException lastFailure = null;
    for (int attempt = 1; attempt <= ATTEMPTS && answer == null; attempt++) {
      try {
        answer = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      } catch (IOException e) {
        lastFailure = e;
        pause(attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted while asking it";
      }
    }
    if (answer == null) {
      return "it could not be reached (" + lastFailure + ")";
    }
    if (answer.statusCode() != 200) {
      return "it answered HTTP " + answer.statusCode() + " to " + PROOF_PATH;
    }
    return verify(answer.body(), endpointText, challenge, trust);
  }

  private static String verify(
      String answer, String endpoint, String challenge, SellerEndpoint trust) {
    Map<String, JsonNode> proof;
    try {
      JsonNode node = JsonNode.parser().parse(answer);
      if (node == null || !node.isObject()) {
        return "its answer is not a JSON object";
      }
      proof = node.asObject();
    } catch (RuntimeException e) {
      return "its answer is not JSON";
    }
    String keyId = text(proof, "keyId");
    String signature = text(proof, "signature");
    if (keyId == null || signature == null) {
      return "its answer carries no signature";
    }
    PublicKey key = trust.key(keyId);
    if (key == null) {
      return "it signs with key " + keyId + ", which is not one this product ships";
    }
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update((CONTEXT + endpoint + "\n" + challenge).getBytes(StandardCharsets.UTF_8));
      if (!s.verify(Base64.getUrlDecoder().decode(signature))) {
        return "its signature does not verify";
      }
      return null;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return "its signature cannot be checked (" + e.getMessage() + ")";
    }
  }

  private static URI proofUri(String endpoint) {
    String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    return URI.create(base + PROOF_PATH);
  }

  private static String text(Map<String, JsonNode> object, String name) {
    JsonNode n = object.get(name);
    return n != null && n.isString() ? n.asString() : null;
  }

  private static String jsonEscape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(250L * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static EntitlementException untrusted(String message) {
    return new EntitlementException(EntitlementException.Reason.UNTRUSTED_ENDPOINT, message);
  }
}
