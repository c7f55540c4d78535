package io.meterline.wire.json;

import static io.meterline.wire.testing.JsonGen.member;
import static io.meterline.wire.testing.JsonGen.quote;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;
import io.meterline.wire.model.MeterUsageRequest;
import io.meterline.wire.model.Tag;
import io.meterline.wire.model.UsageAllocation;
import io.meterline.wire.testing.Captures;
import io.meterline.wire.testing.JsonGen;
import io.meterline.wire.testing.Mutations;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever body arrives, each reader answers with a model object or a {@code ValidationException},
 * quickly; and a valid body reads back exactly the values that were written.
 */
class RequestReaderProperties {
  private static final Duration BOUND = Duration.ofSeconds(2);
  private static final List<Function<byte[], Object>> READERS =
      List.of(
          RequestReader::meterUsage,
          RequestReader::batchMeterUsage,
          RequestReader::registerUsage,
          RequestReader::resolveCustomer);

  @Property
  void anyReader_arbitraryBytes_isModelOrValidation(@ForAll("bytes") byte[] body) {
    readWithEveryReader(body);
  }

  @Property
  void anyReader_arbitraryJsonTree_isModelOrValidation(@ForAll("trees") String body) {
    readWithEveryReader(utf8(body));
  }

  @Property
  void anyReader_mutatedCapturedBody_isModelOrValidation(@ForAll("mutatedBodies") String body) {
    readWithEveryReader(utf8(body));
  }

  @Property
  void meterUsage_nearlyValidBody_isModelOrValidation(@ForAll("meterUsageBodies") String body) {
    collectAndRequireBothOutcomes(readWithEveryReader(utf8(body)).get(0));
  }

  @Property
  void batchMeterUsage_nearlyValidBody_isModelOrValidation(
      @ForAll("batchMeterUsageBodies") String body) {
    collectAndRequireBothOutcomes(readWithEveryReader(utf8(body)).get(1));
  }

  @Property
  void registerUsage_nearlyValidBody_isModelOrValidation(
      @ForAll("registerUsageBodies") String body) {
    collectAndRequireBothOutcomes(readWithEveryReader(utf8(body)).get(2));
  }

  @Property
  void resolveCustomer_nearlyValidBody_isModelOrValidation(
      @ForAll("resolveCustomerBodies") String body) {
    collectAndRequireBothOutcomes(readWithEveryReader(utf8(body)).get(3));
  }

  @Property
  void meterUsage_validBody_readsBackTheValuesWritten(@ForAll("validMeterUsage") Written written) {
    MeterUsageRequest read = RequestReader.meterUsage(utf8(written.json()));

    assertThat(read).isEqualTo(written.request());
  }

  /** Each reader's outcome, "model" or "validation"; anything else fails the property. */
  private static List<String> readWithEveryReader(byte[] body) {
    return assertTimeoutPreemptively(
        BOUND,
        () -> {
          List<String> outcomes = new ArrayList<>();
          for (Function<byte[], Object> reader : READERS) {
            try {
              assertThat(reader.apply(body)).isNotNull();
              outcomes.add("model");
            } catch (ServiceException e) {
              assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.VALIDATION);
              assertThat(e.getMessage())
                  .matches(
                      "(?s)(1 validation error|([2-9]|[1-9]\\d+) validation errors) detected: .+");
              outcomes.add("validation");
            }
          }
          return outcomes;
        },
        () -> "reading took longer than " + BOUND);
  }

  private static void collectAndRequireBothOutcomes(String outcome) {
    Statistics.collect(outcome);
    Statistics.coverage(
        coverage -> {
          coverage.check("model").count(n -> n > 0);
          coverage.check("validation").count(n -> n > 0);
        });
  }

  // --- generators ---

  record Written(String json, MeterUsageRequest request) {}

  @Provide
  Arbitrary<byte[]> bytes() {
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(2_000),
        Mutations.of(Captures.firstRequest("java-req-06-batchmeterusage").bodyText())
            .map(RequestReaderProperties::utf8)
            .map(RequestReaderProperties::flipSomeBytes));
  }

  @Provide
  Arbitrary<String> trees() {
    return JsonGen.object(JsonGen.value(4));
  }

  @Provide
  Arbitrary<String> mutatedBodies() {
    List<String> captured =
        Captures.files().stream()
            .flatMap(f -> f.requests().stream())
            .filter(r -> r.header("x-amz-target") != null)
            .map(r -> r.bodyText())
            .distinct()
            .toList();
    return Mutations.of(Arbitraries.of(captured));
  }

  @Provide
  Arbitrary<String> meterUsageBodies() {
    return Combinators.combine(
            member("ProductCode", productCodes(), 1),
            member("Timestamp", timestamps().map(Timestamp::json), 1),
            member("UsageDimension", JsonGen.strings().map(JsonGen::quote), 1),
            member("UsageQuantity", quantities(), 1),
            member("DryRun", Arbitraries.of("true", "false"), 1),
            member("UsageAllocations", allocationsJson(), 1),
            member("ClientToken", JsonGen.strings().map(JsonGen::quote), 1),
            member("LicenseArn", JsonGen.strings().map(JsonGen::quote), 1))
        .as((a, b, c, d, e, f, g, h) -> JsonGen.objectOf(List.of(a, b, c, d, e, f, g, h)));
  }

  @Provide
  Arbitrary<String> batchMeterUsageBodies() {
    Arbitrary<String> record =
        Combinators.combine(
                member("Timestamp", timestamps().map(Timestamp::json), 1),
                member("CustomerIdentifier", JsonGen.strings().map(JsonGen::quote), 1),
                member("Dimension", JsonGen.strings().map(JsonGen::quote), 1),
                member("Quantity", quantities(), 1),
                member("UsageAllocations", allocationsJson(), 1),
                member(
                    "CustomerAWSAccountId",
                    Arbitraries.strings()
                        .numeric()
                        .ofMinLength(1)
                        .ofMaxLength(12)
                        .map(JsonGen::quote),
                    1),
                member("LicenseArn", JsonGen.strings().map(JsonGen::quote), 1))
            .as((a, b, c, d, e, f, g) -> JsonGen.objectOf(List.of(a, b, c, d, e, f, g)));
    Arbitrary<String> records =
        Arbitraries.oneOf(record.list().ofMaxSize(3), record.list().ofMinSize(24).ofMaxSize(27))
            .map(l -> "[" + String.join(",", l) + "]");
    return Combinators.combine(
            member("UsageRecords", records, 1), member("ProductCode", productCodes(), 1))
        .as((a, b) -> JsonGen.objectOf(List.of(a, b)));
  }

  @Provide
  Arbitrary<String> registerUsageBodies() {
    return Combinators.combine(
            member("ProductCode", productCodes(), 1),
            member(
                "PublicKeyVersion",
                Arbitraries.oneOf(
                    Arbitraries.integers().between(-2, 5).map(String::valueOf), JsonGen.number()),
                1),
            member("Nonce", JsonGen.strings().map(JsonGen::quote), 1))
        .as((a, b, c) -> JsonGen.objectOf(List.of(a, b, c)));
  }

  @Provide
  Arbitrary<String> resolveCustomerBodies() {
    return member("RegistrationToken", JsonGen.strings().map(JsonGen::quote), 1)
        .map(m -> JsonGen.objectOf(List.of(m)));
  }

  @Provide
  Arbitrary<Written> validMeterUsage() {
    Arbitrary<String> code =
        Arbitraries.strings()
            .withChars("-/=:_.@")
            .alpha()
            .numeric()
            .ofMinLength(1)
            .ofMaxLength(255);
    Arbitrary<String> text =
        Arbitraries.strings().withCharRange(' ', '\uD7FF').ofMinLength(1).ofMaxLength(255);
    Arbitrary<Integer> quantity = Arbitraries.integers().between(0, Integer.MAX_VALUE);
    Arbitrary<Optional<List<UsageAllocation>>> allocations =
        allocation(text).list().ofMinSize(1).ofMaxSize(4).optional();
    Arbitrary<Optional<String>> token =
        Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(64).optional();
    return Combinators.combine(
            code, timestamps(), text, quantity, Arbitraries.of(false, true), allocations, token)
        .as(
            (c, ts, dim, q, dry, allocs, tok) -> {
              MeterUsageRequest request =
                  new MeterUsageRequest(
                      c, ts.instant(), dim, q, dry, allocs.orElse(null), tok.orElse(null));
              return new Written(json(request, ts.json()), request);
            });
  }

  private static Arbitrary<UsageAllocation> allocation(Arbitrary<String> text) {
    Arbitrary<Optional<List<Tag>>> tags =
        Combinators.combine(text, text).as(Tag::of).list().ofMinSize(1).ofMaxSize(5).optional();
    return Combinators.combine(Arbitraries.integers().between(0, Integer.MAX_VALUE), tags)
        .as((q, t) -> UsageAllocation.of(q, t.orElse(null)));
  }

  private static String json(MeterUsageRequest r, String timestamp) {
    List<String> members = new ArrayList<>();
    members.add("\"ProductCode\":" + quote(r.productCode()));
    members.add("\"Timestamp\":" + timestamp);
    members.add("\"UsageDimension\":" + quote(r.usageDimension()));
    members.add("\"UsageQuantity\":" + r.usageQuantity());
    members.add("\"DryRun\":" + r.dryRun());
    if (r.usageAllocations() != null) {
      members.add(
          "\"UsageAllocations\":["
              + r.usageAllocations().stream()
                  .map(RequestReaderProperties::json)
                  .collect(Collectors.joining(","))
              + "]");
    }
    if (r.clientToken() != null) {
      members.add("\"ClientToken\":" + quote(r.clientToken()));
    }
    return "{" + String.join(",", members) + "}";
  }

  private static String json(UsageAllocation a) {
    String tags =
        a.tags() == null
            ? ""
            : ",\"Tags\":["
                + a.tags().stream()
                    .map(t -> "{\"Key\":" + quote(t.key()) + ",\"Value\":" + quote(t.value()) + "}")
                    .collect(Collectors.joining(","))
                + "]";
    return "{\"AllocatedUsageQuantity\":" + a.allocatedUsageQuantity() + tags + "}";
  }

  record Timestamp(String json, Instant instant) {}

  /** Valid timestamps as the SDKs write them: integer (JS) or 3 decimals (Java, JS). */
  private static Arbitrary<Timestamp> timestamps() {
    return Combinators.combine(
            Arbitraries.longs().between(0, 4_102_444_800L),
            Arbitraries.integers().between(0, 999),
            Arbitraries.of(true, false))
        .as(
            (s, ms, integer) ->
                integer
                    ? new Timestamp(Long.toString(s), Instant.ofEpochSecond(s))
                    : new Timestamp(
                        String.format("%d.%03d", s, ms),
                        Instant.ofEpochSecond(s, ms * 1_000_000L)));
  }

  private static Arbitrary<String> productCodes() {
    return Arbitraries.oneOf(
        Arbitraries.of("prod-abc123", "p", "a/b=c:d_e.f@g").map(JsonGen::quote),
        JsonGen.strings().map(JsonGen::quote));
  }

  private static Arbitrary<String> quantities() {
    return Arbitraries.oneOf(
        Arbitraries.integers().between(-1, 100).map(String::valueOf), JsonGen.number());
  }

  private static Arbitrary<String> allocationsJson() {
    Arbitrary<String> tag =
        Combinators.combine(
                member("Key", JsonGen.strings().map(JsonGen::quote), 1),
                member("Value", JsonGen.strings().map(JsonGen::quote), 1))
            .as((k, v) -> JsonGen.objectOf(List.of(k, v)));
    Arbitrary<String> tags = tag.list().ofMaxSize(6).map(l -> "[" + String.join(",", l) + "]");
    Arbitrary<String> allocation =
        Combinators.combine(
                member("AllocatedUsageQuantity", quantities(), 1), member("Tags", tags, 1))
            .as((q, t) -> JsonGen.objectOf(List.of(q, t)));
    return allocation.list().ofMaxSize(5).map(l -> "[" + String.join(",", l) + "]");
  }

  private static byte[] flipSomeBytes(byte[] body) {
    byte[] out = body.clone();
    for (int i = 7; i < out.length; i += 53) {
      out[i] = (byte) (out[i] ^ 0x80);
    }
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
