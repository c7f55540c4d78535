package io.meterline.wire.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.wire.ErrorCode;
import io.meterline.wire.model.BatchMeterUsageRequest;
import io.meterline.wire.model.BatchMeterUsageResult;
import io.meterline.wire.model.RegisterUsageResult;
import io.meterline.wire.model.ResolveCustomerResult;
import io.meterline.wire.model.Tag;
import io.meterline.wire.model.UsageAllocation;
import io.meterline.wire.model.UsageRecord;
import io.meterline.wire.model.UsageRecordResult;
import io.meterline.wire.model.UsageRecordStatus;
import io.meterline.wire.testing.Captures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The responses' JSON: exact member names, absent members omitted, timestamps as numbers. */
class ResponseWriterTest {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Instant WHOLE = Instant.ofEpochSecond(1_704_164_645L);

  @Test
  void meterUsage_recordId_isTheOnlyMember() {
    JsonNode body = parse(ResponseWriter.meterUsage("mrid-0001"));

    assertThat(names(body)).containsExactly("MeteringRecordId");
    assertThat(body.get("MeteringRecordId").textValue()).isEqualTo("mrid-0001");
  }

  @Test
  void meterUsage_dryRun_isEmptyObject() {
    assertThat(text(ResponseWriter.meterUsage(null))).isEqualTo("{}");
  }

  @Test
  void registerUsage_retiredKey_hasRotationTimestampAsIntegerNumber() {
    byte[] out = ResponseWriter.registerUsage(new RegisterUsageResult(WHOLE, "a.b.c"));
    JsonNode body = parse(out);

    assertThat(names(body)).containsExactlyInAnyOrder("PublicKeyRotationTimestamp", "Signature");
    assertThat(body.get("PublicKeyRotationTimestamp").isIntegralNumber()).isTrue();
    assertThat(body.get("PublicKeyRotationTimestamp").longValue()).isEqualTo(1_704_164_645L);
    assertThat(body.get("Signature").textValue()).isEqualTo("a.b.c");
    assertThat(text(out)).contains("\"PublicKeyRotationTimestamp\":1704164645,");
  }

  @Test
  void registerUsage_fractionalRotationTimestamp_isDecimalNumber() {
    JsonNode body =
        parse(
            ResponseWriter.registerUsage(new RegisterUsageResult(WHOLE.plusMillis(678), "a.b.c")));

    assertThat(body.get("PublicKeyRotationTimestamp").isNumber()).isTrue();
    assertThat(body.get("PublicKeyRotationTimestamp").decimalValue())
        .isEqualByComparingTo("1704164645.678");
  }

  @Test
  void registerUsage_currentKey_hasOnlyTheSignature() {
    JsonNode body = parse(ResponseWriter.registerUsage(new RegisterUsageResult(null, "x.y.z")));

    assertThat(names(body)).containsExactly("Signature");
  }

  @Test
  void resolveCustomer_allMembers_withModelNames() {
    JsonNode body =
        parse(
            ResponseWriter.resolveCustomer(
                new ResolveCustomerResult("cust-1", "prod-abc123", "123456789012")));

    assertThat(names(body))
        .containsExactlyInAnyOrder("CustomerIdentifier", "ProductCode", "CustomerAWSAccountId");
    assertThat(body.get("CustomerIdentifier").textValue()).isEqualTo("cust-1");
    assertThat(body.get("ProductCode").textValue()).isEqualTo("prod-abc123");
    assertThat(body.get("CustomerAWSAccountId").textValue()).isEqualTo("123456789012");
  }

  @Test
  void resolveCustomer_withoutCustomerIdentifier_omitsIt() {
    JsonNode body =
        parse(
            ResponseWriter.resolveCustomer(
                new ResolveCustomerResult(null, "prod-abc123", "123456789012")));

    assertThat(names(body)).containsExactlyInAnyOrder("ProductCode", "CustomerAWSAccountId");
  }

  @Test
  void batchMeterUsage_results_echoEachRecordWithStatusAndId() {
    UsageRecord full =
        new UsageRecord(
            WHOLE,
            "cust-1",
            "Hosts",
            5,
            List.of(UsageAllocation.of(5, List.of(Tag.of("env", "prod")))),
            null);
    UsageRecord noQuantity =
        new UsageRecord(WHOLE.plusMillis(500), null, "Users", null, null, "210987654321");
    JsonNode body =
        parse(
            ResponseWriter.batchMeterUsage(
                new BatchMeterUsageResult(
                    List.of(
                        new UsageRecordResult(full, "mrid-1", UsageRecordStatus.SUCCESS),
                        new UsageRecordResult(
                            noQuantity, null, UsageRecordStatus.CUSTOMER_NOT_SUBSCRIBED)),
                    List.of())));

    assertThat(names(body)).containsExactlyInAnyOrder("Results", "UnprocessedRecords");
    assertThat(body.get("UnprocessedRecords").isArray()).isTrue();
    assertThat(body.get("UnprocessedRecords")).isEmpty();
    JsonNode first = body.get("Results").get(0);
    assertThat(names(first)).containsExactlyInAnyOrder("UsageRecord", "MeteringRecordId", "Status");
    assertThat(first.get("Status").textValue()).isEqualTo("Success");
    assertThat(first.get("MeteringRecordId").textValue()).isEqualTo("mrid-1");
    assertThat(names(first.get("UsageRecord")))
        .containsExactlyInAnyOrder(
            "Timestamp", "CustomerIdentifier", "Dimension", "Quantity", "UsageAllocations");
    assertThat(first.get("UsageRecord").get("Timestamp").isIntegralNumber()).isTrue();
    assertThat(first.get("UsageRecord").get("UsageAllocations").get(0).toString())
        .isEqualTo(
            "{\"AllocatedUsageQuantity\":5," + "\"Tags\":[{\"Key\":\"env\",\"Value\":\"prod\"}]}");
    JsonNode second = body.get("Results").get(1);
    assertThat(names(second)).containsExactlyInAnyOrder("UsageRecord", "Status");
    assertThat(second.get("Status").textValue()).isEqualTo("CustomerNotSubscribed");
    assertThat(names(second.get("UsageRecord")))
        .containsExactlyInAnyOrder("Timestamp", "Dimension", "CustomerAWSAccountId");
    assertThat(second.get("UsageRecord").get("Timestamp").decimalValue())
        .isEqualByComparingTo("1704164645.5");
  }

  @Test
  void batchMeterUsage_unprocessedRecords_areWrittenAsRecords() {
    UsageRecord record = new UsageRecord(WHOLE, null, "Users", 2, null, "123456789012");
    JsonNode body =
        parse(
            ResponseWriter.batchMeterUsage(new BatchMeterUsageResult(List.of(), List.of(record))));

    assertThat(body.get("Results")).isEmpty();
    assertThat(body.get("UnprocessedRecords").get(0).toString())
        .isEqualTo(
            "{\"Timestamp\":1704164645,\"Dimension\":\"Users\",\"Quantity\":2,"
                + "\"CustomerAWSAccountId\":\"123456789012\"}");
  }

  @Test
  void batchMeterUsage_everyStatus_hasItsWireName() {
    UsageRecord record = new UsageRecord(WHOLE, null, "Users", 2, null, "123456789012");
    List<UsageRecordResult> results = new ArrayList<>();
    for (UsageRecordStatus status : UsageRecordStatus.values()) {
      results.add(new UsageRecordResult(record, "id", status));
    }

    JsonNode body =
        parse(ResponseWriter.batchMeterUsage(new BatchMeterUsageResult(results, List.of())));

    assertThat(body.get("Results").findValuesAsText("Status"))
        .containsExactly("Success", "CustomerNotSubscribed", "DuplicateRecord");
  }

  @Test
  void batchMeterUsage_capturedJavaAndJsRequests_areEchoedMemberForMember() {
    for (String id : List.of("java-req-06-batchmeterusage", "js-req-06-batchmeterusage")) {
      byte[] requestBody = Captures.firstRequest(id).body();
      BatchMeterUsageRequest request = RequestReader.batchMeterUsage(requestBody);
      List<UsageRecordResult> results =
          request.usageRecords().stream()
              .map(r -> new UsageRecordResult(r, "mrid", UsageRecordStatus.SUCCESS))
              .toList();

      JsonNode echoed =
          parse(ResponseWriter.batchMeterUsage(new BatchMeterUsageResult(results, List.of())))
              .get("Results");
      JsonNode sent = parse(requestBody).get("UsageRecords");

      for (int i = 0; i < sent.size(); i++) {
        JsonNode expected = sent.get(i);
        assertThat(echoed.get(i).get("UsageRecord").equals(NUMBERS_BY_VALUE, expected))
            .as("%s record %d: %s vs %s", id, i + 1, echoed.get(i).get("UsageRecord"), expected)
            .isTrue();
      }
    }
  }

  @Test
  void error_hasTypeAndMessageOnly() {
    JsonNode body = parse(ResponseWriter.error(ErrorCode.INVALID_SIGNATURE, "Signature expired"));

    assertThat(names(body)).containsExactly("__type", "message");
    assertThat(body.get("__type").textValue()).isEqualTo("InvalidSignatureException");
    assertThat(body.get("message").textValue()).isEqualTo("Signature expired");
  }

  @Test
  void error_messageWithQuotesControlCharsAndUnicode_isEscaped() {
    String message = "Value 'a\"b\\c' at 'x' failed: \n\t\u0001 café ✓ 😀";

    JsonNode body = parse(ResponseWriter.error(ErrorCode.VALIDATION, message));

    assertThat(body.get("__type").textValue()).isEqualTo("ValidationException");
    assertThat(body.get("message").textValue()).isEqualTo(message);
  }

  @Test
  void error_everyCode_writesItsWireName() {
    for (ErrorCode code : ErrorCode.values()) {
      assertThat(parse(ResponseWriter.error(code, "m")).get("__type").textValue())
          .isEqualTo(code.wireName());
    }
  }

  @ParameterizedTest(name = "{0}s + {1}ns -> {2}")
  @CsvSource({
    "1704164645, 0,         1704164645",
    "1704164645, 678000000, 1704164645.678",
    "1704164645, 500000000, 1704164645.5",
    "1704164645, 1,         1704164645.000000001",
    "1704164600, 0,         1704164600",
    "0,          0,         0"
  })
  void epochSeconds_isIntegerWhenWholeAndExactFractionOtherwise(
      long seconds, int nanos, String expected) {
    Instant instant = Instant.ofEpochSecond(seconds, nanos);

    assertThat(ResponseWriter.epochSeconds(instant).toString()).isEqualTo(expected);
    JsonNode timestamp =
        parse(ResponseWriter.registerUsage(new RegisterUsageResult(instant, "s")))
            .get("PublicKeyRotationTimestamp");
    assertThat(timestamp.isNumber()).isTrue();
    assertThat(timestamp.isIntegralNumber()).isEqualTo(nanos == 0);
    assertThat(timestamp.decimalValue()).isEqualByComparingTo(expected);
  }

  private static final Comparator<JsonNode> NUMBERS_BY_VALUE =
      (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
          return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
      };

  private static JsonNode parse(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String text(byte[] body) {
    return new String(body, StandardCharsets.UTF_8);
  }

  private static List<String> names(JsonNode object) {
    assertThat(object.isObject()).as("a JSON object: %s", object).isTrue();
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }
}
