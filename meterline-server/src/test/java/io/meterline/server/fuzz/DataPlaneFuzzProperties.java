package io.meterline.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.server.testing.TestServer;
import io.meterline.wire.sigv4.SigV4Signer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile input over real sockets: bodies, targets and Authorization headers that no SDK sends.
 * Every answer must be a well-formed 4xx (or a 200), never a 5xx, never a hang.
 */
class DataPlaneFuzzProperties {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> MEMBERS =
      List.of(
          "ProductCode",
          "Timestamp",
          "UsageDimension",
          "UsageQuantity",
          "DryRun",
          "UsageAllocations",
          "AllocatedUsageQuantity",
          "Tags",
          "Key",
          "Value",
          "ClientToken",
          "UsageRecords",
          "CustomerIdentifier",
          "Dimension",
          "Quantity",
          "CustomerAWSAccountId",
          "PublicKeyVersion",
          "Nonce",
          "RegistrationToken",
          "LicenseArn");
  private static final List<String> TARGETS =
      List.of(
          "AWSMPMeteringService.MeterUsage",
          "AWSMPMeteringService.BatchMeterUsage",
          "AWSMPMeteringService.RegisterUsage",
          "AWSMPMeteringService.ResolveCustomer");

  static TestServer server;
  static SignedHttp http;
  static SigV4Signer taskSigner;
  static SigV4Signer sellerSigner;
  static String productCode;

  @BeforeContainer
  static void start() {
    server = TestServer.start();
    http = new SignedHttp(server.endpoint());
    JsonNode product = server.admin().customProduct("111122223333", "Hosts");
    productCode = product.get("productCode").asText();
    server.admin().buyer("444455556666");
    server.admin().subscribe(productCode, "444455556666");
    JsonNode c = server.admin().task("444455556666", "us-east-1", "ECS").get("credentials");
    taskSigner =
        new SigV4Signer(
            c.get("accessKeyId").asText(),
            c.get("secretAccessKey").asText(),
            c.get("sessionToken").asText(),
            "us-east-1",
            "aws-marketplace");
    JsonNode key = server.admin().accessKey("111122223333", "SELLER");
    sellerSigner =
        new SigV4Signer(
            key.get("accessKeyId").asText(),
            key.get("secretAccessKey").asText(),
            null,
            "us-east-1",
            "aws-marketplace");
  }

  @AfterContainer
  static void stop() {
    server.close();
  }

  @Property
  void arbitraryJsonBodies_areAnsweredWithoutServerFaults(
      @ForAll("bodies") Object body, @ForAll("targets") String target, @ForAll boolean asSeller)
      throws Exception {
    byte[] bytes = JSON.writeValueAsBytes(body);
    HttpResponse<String> r = http.send(asSeller ? sellerSigner : taskSigner, target, bytes);
    assertWellFormedAnswer(r);
  }

  @Property
  void mutatedValidBodies_areAnsweredWithoutServerFaults(
      @ForAll("mutations") byte[] body, @ForAll("targets") String target) {
    assertWellFormedAnswer(http.send(taskSigner, target, body));
  }

  @Property
  void arbitraryAuthorizationHeaders_areAuthenticationErrors(
      @ForAll("authorizations") String authorization) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", "application/x-amz-json-1.1");
    headers.put("x-amz-target", TARGETS.get(0));
    headers.put("x-amz-date", "20261127T120000Z");
    headers.put("authorization", authorization);
    HttpResponse<String> r = http.sendRaw(headers, "{}".getBytes(StandardCharsets.UTF_8));
    assertWellFormedAnswer(r);
    assertThat(r.statusCode()).isIn(400, 403);
  }

  private static void assertWellFormedAnswer(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 499);
    assertThat(r.headers().firstValue("x-amzn-RequestId")).isPresent();
    if (r.statusCode() != 200) {
      JsonNode error;
      try {
        error = JSON.readTree(r.body());
      } catch (Exception e) {
        throw new AssertionError("error body is not JSON: " + r.body(), e);
      }
      assertThat(error.get("__type").asText()).isNotBlank();
      assertThat(r.headers().firstValue("x-amzn-ErrorType")).hasValue(error.get("__type").asText());
    }
  }

  @Provide
  Arbitrary<String> targets() {
    return Arbitraries.oneOf(
        Arbitraries.of(TARGETS),
        Arbitraries.strings()
            .withCharRange('!', '~')
            .ofMaxLength(40)
            .map(s -> "AWSMPMeteringService." + s));
  }

  @Provide
  Arbitrary<Object> bodies() {
    return objects(3);
  }

  private Arbitrary<Object> objects(int depth) {
    Arbitrary<String> names =
        Arbitraries.oneOf(Arbitraries.of(MEMBERS), Arbitraries.strings().ofMaxLength(12));
    Arbitrary<Object> leaf =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(300).map(s -> (Object) s),
            Arbitraries.of(productCode, "Hosts", "", " ").map(s -> (Object) s),
            Arbitraries.longs().map(n -> (Object) n),
            Arbitraries.doubles().map(d -> (Object) d),
            Arbitraries.bigDecimals().map(d -> (Object) d),
            Arbitraries.of(true, false).map(b -> (Object) b),
            Arbitraries.just(null));
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<Object> child = Arbitraries.lazy(() -> objects(depth - 1));
    Arbitrary<Object> map = Arbitraries.maps(names, child).ofMaxSize(6).map(m -> (Object) m);
    Arbitrary<Object> list = child.list().ofMaxSize(30).map(l -> (Object) l);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, map),
        net.jqwik.api.Tuple.of(1, list),
        net.jqwik.api.Tuple.of(1, leaf));
  }

  @Provide
  Arbitrary<byte[]> mutations() {
    String valid =
        "{\"ProductCode\":\""
            + "p"
            + "\",\"Timestamp\":1764237600.000,"
            + "\"UsageDimension\":\"Hosts\",\"UsageQuantity\":3,\"UsageAllocations\":[{"
            + "\"AllocatedUsageQuantity\":3,\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}]}],"
            + "\"ClientToken\":\"t\",\"UsageRecords\":[],\"PublicKeyVersion\":1}";
    byte[] base = valid.getBytes(StandardCharsets.UTF_8);
    return Combinators.combine(
            Arbitraries.integers().between(0, base.length - 1),
            Arbitraries.bytes(),
            Arbitraries.integers().between(0, 2))
        .as(
            (at, value, kind) -> {
              byte[] out;
              switch (kind) {
                case 0 -> {
                  out = base.clone();
                  out[at] = value;
                }
                case 1 -> out = java.util.Arrays.copyOf(base, at);
                default -> {
                  out = new byte[base.length + 1];
                  System.arraycopy(base, 0, out, 0, at);
                  out[at] = value;
                  System.arraycopy(base, at, out, at + 1, base.length - at);
                }
              }
              return out;
            });
  }

  @Provide
  Arbitrary<String> authorizations() {
    String valid =
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261127/us-east-1/"
            + "aws-marketplace/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, "
            + "Signature="
            + "0".repeat(64);
    Arbitrary<String> mutated =
        Combinators.combine(
                Arbitraries.integers().between(0, valid.length()),
                Arbitraries.chars().range(' ', '~'),
                Arbitraries.integers().between(0, 2))
            .as(
                (at, c, kind) ->
                    switch (kind) {
                      case 0 -> valid.substring(0, at);
                      case 1 -> valid.substring(0, at) + c + valid.substring(at);
                      default ->
                          at < valid.length()
                              ? valid.substring(0, at) + valid.substring(at + 1)
                              : valid;
                    });
    return Arbitraries.oneOf(
        mutated, Arbitraries.strings().withCharRange('!', '~').ofMaxLength(300));
  }
}
