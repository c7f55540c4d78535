package io.meterline.wire.json;

import static io.meterline.wire.testing.ServiceErrors.serviceError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.meterline.wire.ErrorCode;
import io.meterline.wire.Operation;
import io.meterline.wire.ServiceException;
import io.meterline.wire.model.BatchMeterUsageRequest;
import io.meterline.wire.model.MeterUsageRequest;
import io.meterline.wire.model.RegisterUsageRequest;
import io.meterline.wire.model.ResolveCustomerRequest;
import io.meterline.wire.model.Tag;
import io.meterline.wire.model.UsageAllocation;
import io.meterline.wire.model.UsageRecord;
import io.meterline.wire.testing.CapturedRequest;
import io.meterline.wire.testing.Captures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading the four operations' bodies as the SDKs send them, and every constraint breach. */
class RequestReaderTest {
  private static final Instant WHOLE = Instant.ofEpochSecond(1_704_164_645L);
  private static final String METER_USAGE_REQUIRED =
      "\"ProductCode\":\"prod-abc123\",\"Timestamp\":1704164645,\"UsageDimension\":\"Hosts\"";

  // --- what the SDKs send (GOLDEN §2) ---

  @TestFactory
  Stream<DynamicTest> everyCapturedBody_isReadByItsOperationsReader() {
    return Captures.files().stream()
        .flatMap(f -> f.requests().stream())
        .filter(r -> r.header("x-amz-target") != null)
        .map(r -> dynamicTest(r.name(), () -> assertThat(read(r)).isNotNull()));
  }

  @Test
  void meterUsage_javaBody_readsEveryMember() {
    MeterUsageRequest request = RequestReader.meterUsage(body("java-req-01-meterusage-basic"));

    assertThat(request.productCode()).isEqualTo("prod-abc123");
    assertThat(request.timestamp()).isEqualTo(WHOLE);
    assertThat(request.usageDimension()).isEqualTo("Hosts");
    assertThat(request.usageQuantity()).isEqualTo(3);
    assertThat(request.dryRun()).isFalse();
    assertThat(request.usageAllocations()).isNull();
    assertThat(request.clientToken()).matches("[0-9a-f-]{36}");
  }

  @Test
  void meterUsage_javaDecimalAndJsIntegerTimestamps_areTheSameInstant() {
    MeterUsageRequest java = RequestReader.meterUsage(body("java-req-04-meterusage-clienttoken"));
    MeterUsageRequest js = RequestReader.meterUsage(body("js-req-04-meterusage-clienttoken"));

    assertThat(bodyText("java-req-04-meterusage-clienttoken")).contains("1704164645.000");
    assertThat(bodyText("js-req-04-meterusage-clienttoken")).contains("1704164645,");
    assertThat(java).isEqualTo(js);
    assertThat(java.timestamp()).isEqualTo(WHOLE);
    assertThat(java.clientToken()).isEqualTo("my-idempotency-token-0001");
  }

  @Test
  void meterUsage_fractionalTimestamp_keepsTheMilliseconds() {
    for (String id :
        List.of(
            "java-req-05-meterusage-fractional-timestamp",
            "js-req-05-meterusage-fractional-timestamp")) {
      assertThat(RequestReader.meterUsage(body(id)).timestamp())
          .as(id)
          .isEqualTo(WHOLE.plusMillis(678));
    }
  }

  @Test
  void meterUsage_fractionFinerThanNanoseconds_isTruncated() {
    MeterUsageRequest request =
        RequestReader.meterUsage(
            utf8(
                "{\"ProductCode\":\"p\",\"Timestamp\":1704164645.6789012349,\"UsageDimension\":\"d\"}"));

    assertThat(request.timestamp()).isEqualTo(WHOLE.plusNanos(678_901_234));
  }

  @Test
  void meterUsage_dryRun_isRead() {
    assertThat(RequestReader.meterUsage(body("java-req-02-meterusage-dryrun")).dryRun()).isTrue();
    assertThat(RequestReader.meterUsage(body("js-req-02-meterusage-dryrun")).dryRun()).isTrue();
  }

  @Test
  void meterUsage_allocationsWithTags_areReadInOrder() {
    MeterUsageRequest request =
        RequestReader.meterUsage(body("java-req-03-meterusage-allocations-tags"));

    assertThat(request.usageQuantity()).isEqualTo(10);
    assertThat(request.usageAllocations())
        .containsExactly(
            UsageAllocation.of(6, List.of(Tag.of("env", "prod"), Tag.of("team", "blue"))),
            UsageAllocation.of(4, List.of(Tag.of("env", "dev"))));
  }

  @Test
  void meterUsage_unicodeAndEscapesInTags_areDecoded() {
    MeterUsageRequest java = RequestReader.meterUsage(body("java-req-09-meterusage-unicode"));
    MeterUsageRequest js = RequestReader.meterUsage(body("js-req-09-meterusage-unicode"));

    assertThat(java.usageAllocations().get(0).tags())
        .containsExactly(Tag.of("owner", "café ✓ \"q\" \\ /"));
    assertThat(js.usageAllocations()).isEqualTo(java.usageAllocations());
  }

  @Test
  void meterUsage_quantityAbsent_isZero() {
    assertThat(RequestReader.meterUsage(utf8("{" + METER_USAGE_REQUIRED + "}")).usageQuantity())
        .isZero();
  }

  @Test
  void meterUsage_nullMembers_countAsAbsent() {
    MeterUsageRequest request =
        RequestReader.meterUsage(
            utf8(
                "{"
                    + METER_USAGE_REQUIRED
                    + ",\"UsageQuantity\":null,\"DryRun\":null,\"UsageAllocations\":null,"
                    + "\"ClientToken\":null}"));

    assertThat(request.usageQuantity()).isZero();
    assertThat(request.dryRun()).isFalse();
    assertThat(request.usageAllocations()).isNull();
    assertThat(request.clientToken()).isNull();
  }

  @Test
  void meterUsage_unknownMembers_areIgnored() {
    MeterUsageRequest request =
        RequestReader.meterUsage(
            utf8(
                "{"
                    + METER_USAGE_REQUIRED
                    + ",\"LicenseArn\":\"arn:aws:license-manager::1:license:l-1\","
                    + "\"Whatever\":{\"nested\":[1,\"two\",null,{}]},\"usagequantity\":\"x\"}"));

    assertThat(request.productCode()).isEqualTo("prod-abc123");
    assertThat(request.usageQuantity()).isZero();
  }

  @Test
  void batchMeterUsage_javaBody_keepsAbsentQuantityAbsent() {
    BatchMeterUsageRequest request =
        RequestReader.batchMeterUsage(body("java-req-06-batchmeterusage"));

    assertThat(request.productCode()).isEqualTo("prod-abc123");
    assertThat(request.usageRecords())
        .containsExactly(
            new UsageRecord(
                WHOLE,
                "cust-legacy-1",
                "Hosts",
                5,
                List.of(UsageAllocation.of(5, List.of(Tag.of("env", "prod")))),
                null),
            new UsageRecord(WHOLE.plusSeconds(60), null, "Users", 2, null, "123456789012"),
            new UsageRecord(WHOLE, null, "Users", null, null, "210987654321"));
  }

  @Test
  void batchMeterUsage_jsBodyWithLicenseArn_readsTheRecordWithItsArn() {
    BatchMeterUsageRequest request =
        RequestReader.batchMeterUsage(body("js-req-06-batchmeterusage"));

    assertThat(bodyText("js-req-06-batchmeterusage")).contains("\"LicenseArn\"");
    assertThat(request.usageRecords()).hasSize(4);
    assertThat(request.usageRecords().get(3))
        .isEqualTo(
            new UsageRecord(
                WHOLE,
                null,
                "Users",
                1,
                null,
                "210987654321",
                "arn:aws:license-manager::123456789012:license:l-0123456789abcdef"));
    assertThat(request.usageRecords().subList(0, 3))
        .isEqualTo(
            RequestReader.batchMeterUsage(body("java-req-06-batchmeterusage")).usageRecords());
  }

  @Test
  void batchMeterUsage_emptyRecordList_isAllowed() {
    assertThat(
            RequestReader.batchMeterUsage(utf8("{\"UsageRecords\":[],\"ProductCode\":\"p\"}"))
                .usageRecords())
        .isEmpty();
  }

  @Test
  void batchMeterUsage_exactly25Records_isAllowed() {
    assertThat(RequestReader.batchMeterUsage(batchOf(25)).usageRecords()).hasSize(25);
  }

  @Test
  void registerUsage_body_readsEveryMember() {
    RegisterUsageRequest java = RequestReader.registerUsage(body("java-req-07-registerusage"));

    assertThat(java)
        .isEqualTo(new RegisterUsageRequest("prod-abc123", 1, "nonce-0123456789abcdef"));
    assertThat(RequestReader.registerUsage(body("js-req-07-registerusage"))).isEqualTo(java);
  }

  @Test
  void registerUsage_withoutNonce_hasNullNonce() {
    assertThat(
            RequestReader.registerUsage(utf8("{\"ProductCode\":\"p\",\"PublicKeyVersion\":2}"))
                .nonce())
        .isNull();
  }

  @Test
  void resolveCustomer_body_readsTheTokenVerbatim() {
    ResolveCustomerRequest request =
        RequestReader.resolveCustomer(body("java-req-08-resolvecustomer"));

    assertThat(request.registrationToken()).isEqualTo("regtoken+EXAMPLE/abc==");
  }

  // --- constraint breaches ---

  @Test
  void batchMeterUsage_26Records_isValidationWithAwsWording() {
    assertValidation(
        () -> RequestReader.batchMeterUsage(batchOf(26)),
        "1 validation error detected: Value at 'usageRecords' failed to satisfy constraint: "
            + "Member must have length less than or equal to 25");
  }

  @Test
  void meterUsage_missingProductCode_isValidationNamingIt() {
    assertValidation(
        () ->
            RequestReader.meterUsage(
                utf8("{\"Timestamp\":1704164645,\"UsageDimension\":\"Hosts\"}")),
        "1 validation error detected: Value null at 'productCode' failed to satisfy constraint: "
            + "Member must not be null");
  }

  @Test
  void meterUsage_productCodeBreakingThePattern_isValidationQuotingThePattern() {
    assertValidation(
        () ->
            RequestReader.meterUsage(
                utf8("{\"ProductCode\":\"prod abc\",\"Timestamp\":1,\"UsageDimension\":\"d\"}")),
        "1 validation error detected: Value 'prod abc' at 'productCode' failed to satisfy "
            + "constraint: Member must satisfy regular expression pattern: "
            + "^[-a-zA-Z0-9/=:_.@]*$");
  }

  @Test
  void meterUsage_emptyProductCode_isValidationOnLength() {
    assertValidation(
        () ->
            RequestReader.meterUsage(
                utf8("{\"ProductCode\":\"\",\"Timestamp\":1,\"UsageDimension\":\"d\"}")),
        "1 validation error detected: Value '' at 'productCode' failed to satisfy constraint: "
            + "Member must have length greater than or equal to 1");
  }

  @Test
  void meterUsage_productCode256Chars_isValidationOnLength() {
    String code = "p".repeat(256);

    ServiceException e =
        validation(
            () ->
                RequestReader.meterUsage(
                    utf8(
                        "{\"ProductCode\":\""
                            + code
                            + "\",\"Timestamp\":1,\"UsageDimension\":\"d\"}")));

    assertThat(e)
        .hasMessageContaining("'productCode'")
        .hasMessageContaining("Member must have length less than or equal to 255")
        .hasMessageNotContaining(code);
  }

  @Test
  void meterUsage_negativeQuantity_isValidation() {
    assertValidation(
        () -> RequestReader.meterUsage(meterUsageWith("\"UsageQuantity\":-1")),
        "1 validation error detected: Value '-1' at 'usageQuantity' failed to satisfy "
            + "constraint: Member must have value greater than or equal to 0");
  }

  @Test
  void meterUsage_quantityAboveIntMax_isValidation() {
    assertValidation(
        () -> RequestReader.meterUsage(meterUsageWith("\"UsageQuantity\":2147483648")),
        "1 validation error detected: Value '2147483648' at 'usageQuantity' failed to satisfy "
            + "constraint: Member must have value less than or equal to 2147483647");
  }

  @Test
  void meterUsage_quantityIntMax_isAccepted() {
    assertThat(
            RequestReader.meterUsage(meterUsageWith("\"UsageQuantity\":2147483647"))
                .usageQuantity())
        .isEqualTo(Integer.MAX_VALUE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"3.5", "3.0", "1e2", "\"3\"", "true", "[3]", "99999999999999999999999"})
  void meterUsage_quantityNotAnInteger_isValidationNamingIt(String quantity) {
    ServiceException e =
        validation(() -> RequestReader.meterUsage(meterUsageWith("\"UsageQuantity\":" + quantity)));

    assertThat(e).hasMessageContaining("at 'usageQuantity' failed to satisfy constraint");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"1704164645\"", "\"2024-01-02T03:04:05Z\"", "true", "{}", "[1]"})
  void meterUsage_timestampNotANumber_isValidationNamingIt(String timestamp) {
    assertValidation(
        () ->
            RequestReader.meterUsage(
                utf8(
                    "{\"ProductCode\":\"p\",\"Timestamp\":"
                        + timestamp
                        + ",\"UsageDimension\":\"d\"}")),
        "1 validation error detected: Value at 'timestamp' failed to satisfy constraint: "
            + "Member must be a timestamp in epoch seconds (a JSON number)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e12", "-1e12", "1e999999999", "1e2147483647"})
  void meterUsage_timestampBeyondAnyPlausibleDate_isValidation(String timestamp) {
    ServiceException e =
        validation(
            () ->
                RequestReader.meterUsage(
                    utf8(
                        "{\"ProductCode\":\"p\",\"Timestamp\":"
                            + timestamp
                            + ",\"UsageDimension\":\"d\"}")));

    assertThat(e).hasMessageContaining("'timestamp'");
  }

  /**
   * Regression: flooring 1e-99999999 took a minute of CPU; 1e-999999999 threw an
   * ArithmeticException.
   */
  @ParameterizedTest
  @ValueSource(strings = {"1e-99999999", "1e-999999999", "0e-999999999", "12345e-2000"})
  void meterUsage_timestampWithHugeNegativeExponent_isTheEpochAtOnce(String timestamp) {
    MeterUsageRequest request =
        assertTimeoutPreemptively(
            Duration.ofSeconds(1),
            () ->
                RequestReader.meterUsage(
                    utf8(
                        "{\"ProductCode\":\"p\",\"Timestamp\":"
                            + timestamp
                            + ",\"UsageDimension\":\"d\"}")));

    assertThat(request.timestamp()).isEqualTo(Instant.EPOCH);
  }

  @Test
  void meterUsage_tinyNegativeTimestamp_floorsToTheNanosecondBeforeTheEpoch() {
    MeterUsageRequest request =
        RequestReader.meterUsage(
            utf8("{\"ProductCode\":\"p\",\"Timestamp\":-1e-999999999,\"UsageDimension\":\"d\"}"));

    assertThat(request.timestamp()).isEqualTo(Instant.EPOCH.minusNanos(1));
  }

  /** Regression: Jackson let a NumberFormatException escape for an exponent beyond int range. */
  @Test
  void anyReader_numberBeyondBigDecimalRange_isValidation() {
    for (Function<byte[], Object> reader : readers()) {
      ServiceException e = validation(() -> reader.apply(utf8("{\"x\":[1e-9999999999]}")));
      assertThat(e).hasMessageStartingWith("1 validation error detected: ");
    }
  }

  @Test
  void meterUsage_clientToken65Chars_isValidationWithoutEchoingIt() {
    String token = "t".repeat(65);

    assertValidation(
        () -> RequestReader.meterUsage(meterUsageWith("\"ClientToken\":\"" + token + "\"")),
        "1 validation error detected: Value at 'clientToken' failed to satisfy constraint: "
            + "Member must have length less than or equal to 64");
  }

  @Test
  void meterUsage_clientToken64Chars_isAccepted() {
    String token = "t".repeat(64);

    assertThat(
            RequestReader.meterUsage(meterUsageWith("\"ClientToken\":\"" + token + "\""))
                .clientToken())
        .isEqualTo(token);
  }

  @Test
  void meterUsage_lengthsCountCodePoints() {
    String dimension = "😀".repeat(255);

    assertThat(
            RequestReader.meterUsage(
                    utf8(
                        "{\"ProductCode\":\"p\",\"Timestamp\":1,"
                            + "\"UsageDimension\":\""
                            + dimension
                            + "\"}"))
                .usageDimension())
        .isEqualTo(dimension);
  }

  @Test
  void meterUsage_dryRunNotBoolean_isValidation() {
    assertValidation(
        () -> RequestReader.meterUsage(meterUsageWith("\"DryRun\":\"true\"")),
        "1 validation error detected: Value at 'dryRun' failed to satisfy constraint: "
            + "Member must be a boolean");
  }

  @Test
  void meterUsage_allocationWithoutQuantity_isValidationNamingItsPath() {
    assertValidation(
        () ->
            RequestReader.meterUsage(
                meterUsageWith(
                    "\"UsageAllocations\":[{\"AllocatedUsageQuantity\":1},{\"Tags\":[]}]")),
        "1 validation error detected: Value null at "
            + "'usageAllocations.2.member.allocatedUsageQuantity' failed to satisfy constraint: "
            + "Member must not be null");
  }

  /** Regression: an invalid tag left a null in the tag list, and the model threw an NPE. */
  @Test
  void meterUsage_tagWithoutKey_isValidationNamingItsPath() {
    ServiceException e =
        validation(
            () ->
                RequestReader.meterUsage(
                    meterUsageWith(
                        "\"UsageAllocations\":[{\"AllocatedUsageQuantity\":1,\"Tags\":[{\"Value\":\"v\"}]}]")));

    assertThat(e).hasMessageContaining("'usageAllocations.1.member.tags.1.member.key'");
  }

  @Test
  void meterUsage_allocationsNotAList_isValidation() {
    ServiceException e =
        validation(() -> RequestReader.meterUsage(meterUsageWith("\"UsageAllocations\":{}")));

    assertThat(e).hasMessageContaining("'usageAllocations'").hasMessageContaining("be a list");
  }

  @Test
  void batchMeterUsage_secondRecordWithoutDimension_isValidationNamingItsPath() {
    assertValidation(
        () ->
            RequestReader.batchMeterUsage(
                utf8(
                    "{\"ProductCode\":\"p\","
                        + "\"UsageRecords\":[{\"Timestamp\":1,\"Dimension\":\"a\"},{\"Timestamp\":1}]}")),
        "1 validation error detected: Value null at 'usageRecords.2.member.dimension' failed "
            + "to satisfy constraint: Member must not be null");
  }

  /** Regression: an invalid allocation left a null in the record's list (NullPointerException). */
  @Test
  void batchMeterUsage_allocationWithoutQuantity_isValidationNamingItsPath() {
    assertValidation(
        () ->
            RequestReader.batchMeterUsage(
                utf8(
                    "{\"ProductCode\":\"p\","
                        + "\"UsageRecords\":[{\"Timestamp\":1,\"Dimension\":\"a\",\"Quantity\":1,"
                        + "\"UsageAllocations\":[{\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}]}]}]}")),
        "1 validation error detected: Value null at "
            + "'usageRecords.1.member.usageAllocations.1.member.allocatedUsageQuantity' failed to "
            + "satisfy constraint: Member must not be null");
  }

  @Test
  void batchMeterUsage_recordNotAnObject_isValidationNamingItsPath() {
    ServiceException e =
        validation(
            () ->
                RequestReader.batchMeterUsage(
                    utf8("{\"ProductCode\":\"p\",\"UsageRecords\":[\"x\"]}")));

    assertThat(e)
        .hasMessageContaining("'usageRecords.1.member'")
        .hasMessageContaining("be a structure");
  }

  @Test
  void batchMeterUsage_accountIdNotDigits_isValidation() {
    ServiceException e =
        validation(
            () ->
                RequestReader.batchMeterUsage(
                    utf8(
                        "{\"ProductCode\":\"p\",\"UsageRecords\":[{\"Timestamp\":1,\"Dimension\":\"a\","
                            + "\"CustomerAWSAccountId\":\"12345678901a\"}]}")));

    assertThat(e)
        .hasMessageContaining("'usageRecords.1.member.customerAWSAccountId'")
        .hasMessageContaining("^[0-9]+$");
  }

  @Test
  void batchMeterUsage_missingProductCodeAndRecords_isTwoValidationErrors() {
    assertValidation(
        () -> RequestReader.batchMeterUsage(utf8("{}")),
        "2 validation errors detected: Value null at 'usageRecords' failed to satisfy "
            + "constraint: Member must not be null; Value null at 'productCode' failed to satisfy "
            + "constraint: Member must not be null");
  }

  @Test
  void meterUsage_severalViolations_areListedTogether() {
    assertValidation(
        () ->
            RequestReader.meterUsage(
                utf8("{\"ProductCode\":\"a b\",\"UsageDimension\":\"d\",\"UsageQuantity\":-5}")),
        "3 validation errors detected: Value 'a b' at 'productCode' failed to satisfy "
            + "constraint: Member must satisfy regular expression pattern: ^[-a-zA-Z0-9/=:_.@]*$; "
            + "Value null at 'timestamp' failed to satisfy constraint: Member must not be null; "
            + "Value '-5' at 'usageQuantity' failed to satisfy constraint: Member must have value "
            + "greater than or equal to 0");
  }

  @Test
  void registerUsage_publicKeyVersionZero_isValidation() {
    assertValidation(
        () -> RequestReader.registerUsage(utf8("{\"ProductCode\":\"p\",\"PublicKeyVersion\":0}")),
        "1 validation error detected: Value '0' at 'publicKeyVersion' failed to satisfy "
            + "constraint: Member must have value greater than or equal to 1");
  }

  @Test
  void registerUsage_nonce256Chars_isValidation() {
    ServiceException e =
        validation(
            () ->
                RequestReader.registerUsage(
                    utf8(
                        "{\"ProductCode\":\"p\",\"PublicKeyVersion\":1,\"Nonce\":\""
                            + "n".repeat(256)
                            + "\"}")));

    assertThat(e).hasMessageContaining("'nonce'").hasMessageContaining("less than or equal to 255");
  }

  @Test
  void registerUsage_emptyNonce_isAccepted() {
    assertThat(
            RequestReader.registerUsage(
                    utf8("{\"ProductCode\":\"p\",\"PublicKeyVersion\":1,\"Nonce\":\"\"}"))
                .nonce())
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"\"", "\"   \"", "\"\\t\\n\""})
  void resolveCustomer_blankToken_isValidation(String token) {
    ServiceException e =
        validation(
            () -> RequestReader.resolveCustomer(utf8("{\"RegistrationToken\":" + token + "}")));

    assertThat(e).hasMessageContaining("'registrationToken'");
  }

  // --- the body as a whole ---

  @Test
  void anyReader_emptyBody_readsAsEmptyObject() {
    for (Function<byte[], Object> reader : readers()) {
      String emptyBody = validation(() -> reader.apply(new byte[0])).getMessage();
      String emptyObject = validation(() -> reader.apply(utf8("{}"))).getMessage();
      String whitespace = validation(() -> reader.apply(utf8(" \r\n"))).getMessage();

      assertThat(emptyBody)
          .isEqualTo(emptyObject)
          .isEqualTo(whitespace)
          .contains("Member must not be null");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{",
        "{\"ProductCode\":}",
        "{'ProductCode':'p'}",
        "not json",
        "{\"a\":NaN}",
        "{\"a\":1,}",
        "\u0000",
        "{\"a\":\"\\x\"}"
      })
  void anyReader_malformedJson_isValidation(String body) {
    for (Function<byte[], Object> reader : readers()) {
      ServiceException e = validation(() -> reader.apply(utf8(body)));
      assertThat(e)
          .hasMessageStartingWith(
              "1 validation error detected: the request body is " + "not valid JSON");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "[{}]", "\"text\"", "42", "null", "true"})
  void anyReader_rootNotAnObject_isValidation(String body) {
    for (Function<byte[], Object> reader : readers()) {
      assertValidation(
          () -> reader.apply(utf8(body)),
          "1 validation error detected: the request body must be a JSON object");
    }
  }

  @Test
  void anyReader_duplicateKey_isValidation() {
    ServiceException e =
        validation(
            () ->
                RequestReader.meterUsage(
                    utf8(
                        "{" + METER_USAGE_REQUIRED + ",\"UsageQuantity\":1,\"UsageQuantity\":2}")));

    assertThat(e).hasMessageContaining("not valid JSON").hasMessageContaining("UsageQuantity");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{} {}", "{}x", "{}]", "{} 1"})
  void anyReader_trailingGarbage_isValidation(String body) {
    for (Function<byte[], Object> reader : readers()) {
      ServiceException e = validation(() -> reader.apply(utf8(body)));
      assertThat(e).hasMessageContaining("not valid JSON");
    }
  }

  @Test
  void anyReader_invalidUtf8_isValidation() {
    byte[] body = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};

    for (Function<byte[], Object> reader : readers()) {
      validation(() -> reader.apply(body));
    }
  }

  @Test
  void anyReader_deeplyNestedBody_isValidationNotStackOverflow() {
    byte[] body = utf8("{\"a\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}");

    for (Function<byte[], Object> reader : readers()) {
      validation(() -> reader.apply(body));
    }
  }

  // --- helpers ---

  private static List<Function<byte[], Object>> readers() {
    return List.of(
        RequestReader::meterUsage,
        RequestReader::batchMeterUsage,
        RequestReader::registerUsage,
        RequestReader::resolveCustomer);
  }

  private static Object read(CapturedRequest request) {
    Operation op = Operation.fromTarget(request.header("x-amz-target")).orElseThrow();
    byte[] body = request.body();
    return switch (op) {
      case METER_USAGE -> RequestReader.meterUsage(body);
      case BATCH_METER_USAGE -> RequestReader.batchMeterUsage(body);
      case REGISTER_USAGE -> RequestReader.registerUsage(body);
      case RESOLVE_CUSTOMER -> RequestReader.resolveCustomer(body);
    };
  }

  private static byte[] body(String captureId) {
    return Captures.firstRequest(captureId).body();
  }

  private static String bodyText(String captureId) {
    return Captures.firstRequest(captureId).bodyText();
  }

  private static byte[] meterUsageWith(String member) {
    return utf8("{" + METER_USAGE_REQUIRED + "," + member + "}");
  }

  private static byte[] batchOf(int records) {
    String list =
        IntStream.range(0, records)
            .mapToObj(
                i ->
                    "{\"Timestamp\":1704164645,\"Dimension\":\"Users\",\"Quantity\":"
                        + i
                        + ",\"CustomerAWSAccountId\":\"123456789012\"}")
            .collect(Collectors.joining(","));
    return utf8("{\"UsageRecords\":[" + list + "],\"ProductCode\":\"prod-abc123\"}");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ServiceException validation(ThrowingCallable call) {
    ServiceException e = serviceError(ErrorCode.VALIDATION, call);
    assertThat(e.code().httpStatus()).isEqualTo(400);
    return e;
  }

  private static void assertValidation(ThrowingCallable call, String message) {
    assertThat(validation(call)).hasMessage(message);
  }
}
