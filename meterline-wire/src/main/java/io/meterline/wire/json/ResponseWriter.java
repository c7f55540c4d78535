package io.meterline.wire.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.meterline.wire.ErrorCode;
import io.meterline.wire.model.BatchMeterUsageResult;
import io.meterline.wire.model.RegisterUsageResult;
import io.meterline.wire.model.ResolveCustomerResult;
import io.meterline.wire.model.Tag;
import io.meterline.wire.model.UsageAllocation;
import io.meterline.wire.model.UsageRecord;
import io.meterline.wire.model.UsageRecordResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Writes the operations' JSON 1.1 responses and error bodies.
 *
 * <p>Members without a value are omitted; timestamps are epoch-second JSON numbers, never strings
 * (reference/wire/GOLDEN.md §3.2: both SDKs fail on ISO-8601 strings).
 */
public final class ResponseWriter {
  private static final JsonFactory JSON = new JsonFactory();

  private ResponseWriter() {}

  /** The MeterUsage output; {@code null} id (a DryRun) gives {@code {}}. */
  public static byte[] meterUsage(String meteringRecordId) {
    return write(
        g -> {
          g.writeStartObject();
          if (meteringRecordId != null) {
            g.writeStringField("MeteringRecordId", meteringRecordId);
          }
          g.writeEndObject();
        });
  }

  /** The BatchMeterUsage output. */
  public static byte[] batchMeterUsage(BatchMeterUsageResult result) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("Results");
          for (UsageRecordResult r : result.results()) {
            g.writeStartObject();
            g.writeFieldName("UsageRecord");
            usageRecord(g, r.usageRecord());
            if (r.meteringRecordId() != null) {
              g.writeStringField("MeteringRecordId", r.meteringRecordId());
            }
            g.writeStringField("Status", r.status().wireName());
            g.writeEndObject();
          }
          g.writeEndArray();
          g.writeArrayFieldStart("UnprocessedRecords");
          for (UsageRecord r : result.unprocessedRecords()) {
            usageRecord(g, r);
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  /** The RegisterUsage output. */
  public static byte[] registerUsage(RegisterUsageResult result) {
    return write(
        g -> {
          g.writeStartObject();
          if (result.publicKeyRotationTimestamp() != null) {
            g.writeFieldName("PublicKeyRotationTimestamp");
            timestamp(g, result.publicKeyRotationTimestamp());
          }
          g.writeStringField("Signature", result.signature());
          g.writeEndObject();
        });
  }

  /** The ResolveCustomer output. */
  public static byte[] resolveCustomer(ResolveCustomerResult result) {
    return write(
        g -> {
          g.writeStartObject();
          if (result.customerIdentifier() != null) {
            g.writeStringField("CustomerIdentifier", result.customerIdentifier());
          }
          g.writeStringField("ProductCode", result.productCode());
          g.writeStringField("CustomerAWSAccountId", result.customerAwsAccountId());
          if (result.licenseArn() != null) {
            g.writeStringField("LicenseArn", result.licenseArn());
          }
          g.writeEndObject();
        });
  }

  /** An error body: {@code {"__type":"<Name>","message":"…"}} (GOLDEN §4.1). */
  public static byte[] error(ErrorCode code, String message) {
    return error(code, message, "message");
  }

  /**
   * An error body whose message member has this name: {@code Message} for License Manager, whose
   * errors carry it capitalised (contracts-facts §2.8), {@code message} for the others.
   */
  public static byte[] error(ErrorCode code, String message, String messageMember) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeStringField("__type", code.wireName());
          g.writeStringField(messageMember, message);
          g.writeEndObject();
        });
  }

  /** Epoch seconds as a plain decimal: whole seconds without a fraction, else up to nanos. */
  public static BigDecimal epochSeconds(Instant instant) {
    BigDecimal value =
        BigDecimal.valueOf(instant.getEpochSecond()).add(BigDecimal.valueOf(instant.getNano(), 9));
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }

  private static void usageRecord(JsonGenerator g, UsageRecord r) throws IOException {
    g.writeStartObject();
    g.writeFieldName("Timestamp");
    timestamp(g, r.timestamp());
    if (r.customerIdentifier() != null) {
      g.writeStringField("CustomerIdentifier", r.customerIdentifier());
    }
    g.writeStringField("Dimension", r.dimension());
    if (r.quantity() != null) {
      g.writeNumberField("Quantity", r.quantity());
    }
    if (r.usageAllocations() != null) {
      g.writeArrayFieldStart("UsageAllocations");
      for (UsageAllocation a : r.usageAllocations()) {
        allocation(g, a);
      }
      g.writeEndArray();
    }
    if (r.customerAwsAccountId() != null) {
      g.writeStringField("CustomerAWSAccountId", r.customerAwsAccountId());
    }
    if (r.licenseArn() != null) {
      g.writeStringField("LicenseArn", r.licenseArn());
    }
    g.writeEndObject();
  }

  private static void allocation(JsonGenerator g, UsageAllocation a) throws IOException {
    g.writeStartObject();
    g.writeNumberField("AllocatedUsageQuantity", a.allocatedUsageQuantity());
    if (a.tags() != null) {
      g.writeArrayFieldStart("Tags");
      for (Tag t : a.tags()) {
        g.writeStartObject();
        g.writeStringField("Key", t.key());
        g.writeStringField("Value", t.value());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void timestamp(JsonGenerator g, Instant instant) throws IOException {
    g.writeNumber(epochSeconds(instant));
  }

  private interface Body {
    void writeTo(JsonGenerator g) throws IOException;
  }

  private static byte[] write(Body body) {
    try (ByteArrayBuilder out = new ByteArrayBuilder(128);
        JsonGenerator g = JSON.createGenerator(out)) {
      body.writeTo(g);
      g.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory cannot fail", e);
    }
  }
}
