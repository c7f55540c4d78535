package io.meterline.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.meterline.server.testing.AdminClient;
import io.meterline.server.testing.TestServer;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Hostile admin input: every answer is a JSON 2xx or 4xx, never a server fault. */
class AdminFuzzProperties {
  private static final List<String> FIELDS =
      List.of(
          "name",
          "pricing",
          "hourlyPrice",
          "monthlyPrice",
          "dimensions",
          "price",
          "unit",
          "preview",
          "saas",
          "sellerAccountId",
          "productCode",
          "awsAccountId",
          "kind",
          "contract",
          "dimension",
          "quantity",
          "per",
          "region",
          "platform",
          "cluster",
          "operation",
          "error",
          "rate",
          "latencyMs",
          "now",
          "advance");
  private static final List<String> VALUES =
      List.of(
          "HOURLY",
          "MONTHLY",
          "CUSTOM",
          "FREE",
          "SELLER",
          "BUYER_USER",
          "ECS",
          "FARGATE",
          "EKS",
          "EC2",
          "us-east-1",
          "444455556666",
          "111122223333",
          "MeterUsage",
          "ThrottlingException",
          "PT1H",
          "-PT1H",
          "2026-01-01T00:00:00Z",
          "0.05",
          "-1",
          "HOUR",
          "MONTH",
          "Hosts");
  private static final List<String> PATHS =
      List.of(
          "/products", "/buyers", "/access-keys", "/subscriptions", "/tasks", "/faults", "/clock");

  static TestServer server;

  @BeforeContainer
  static void start() {
    server = TestServer.start();
    server.admin().buyer("444455556666");
  }

  @AfterContainer
  static void stop() {
    server.close();
  }

  @Property
  void arbitraryAdminBodies_getJsonAnswersWithoutServerFaults(
      @ForAll("paths") String path, @ForAll("bodies") Object body) {
    String method = path.equals("/faults") || path.equals("/clock") ? "PUT" : "POST";
    AdminClient.Reply r = server.admin().send(method, path, body);
    assertThat(r.status()).as(String.valueOf(r.body())).isIn(200, 201, 400, 404, 409);
    if (r.status() >= 400) {
      assertThat(r.body().get("error").asText()).isNotBlank();
      assertThat(r.body().get("message").asText()).isNotBlank();
    }
  }

  @Property
  void arbitraryPathsAndTokens_areRefusedWithoutTheToken(
      @ForAll("paths") String path, @ForAll("tokens") String token) {
    AdminClient.Reply r = server.admin().send("GET", path, null, token);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.body().get("error").asText()).isEqualTo("unauthorized");
  }

  @Provide
  Arbitrary<String> paths() {
    return Arbitraries.of(PATHS);
  }

  @Provide
  Arbitrary<String> tokens() {
    return Arbitraries.strings()
        .withCharRange('!', '~')
        .ofMaxLength(60)
        .filter(t -> !t.equals(TestServer.ADMIN_TOKEN));
  }

  @Provide
  Arbitrary<Object> bodies() {
    return value(3);
  }

  private Arbitrary<Object> value(int depth) {
    Arbitrary<Object> leaf =
        Arbitraries.oneOf(
            Arbitraries.of(VALUES).map(s -> (Object) s),
            Arbitraries.strings().ofMaxLength(80).map(s -> (Object) s),
            Arbitraries.longs().map(n -> (Object) n),
            Arbitraries.doubles().map(d -> (Object) d),
            Arbitraries.of(true, false).map(b -> (Object) b),
            Arbitraries.just(null));
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<Object> child = Arbitraries.lazy(() -> value(depth - 1));
    Arbitrary<Object> map =
        Arbitraries.maps(Arbitraries.of(FIELDS), child).ofMaxSize(8).map(m -> (Object) m);
    Arbitrary<Object> list = child.list().ofMaxSize(5).map(l -> (Object) l);
    return Arbitraries.frequencyOf(Tuple.of(5, map), Tuple.of(1, list), Tuple.of(1, leaf));
  }
}
