package io.meterline.server.ledger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.meterline.wire.crypto.Hashing;
import io.meterline.wire.model.Tag;
import io.meterline.wire.model.UsageAllocation;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What makes two usage reports "the same": the quantity and the allocations, compared in a
 * canonical form (allocations and tags in a fixed order), so that an identical repeat is recognised
 * whatever order its allocations came in.
 */
final class Fingerprints {
  private static final JsonFactory JSON = new JsonFactory();

  private Fingerprints() {}

  /** The canonical JSON of allocations, {@code null} when there are none. */
  static String canonicalAllocations(List<UsageAllocation> allocations) {
    if (allocations == null) {
      return null;
    }
    List<String> items = new ArrayList<>(allocations.size());
    for (UsageAllocation a : allocations) {
      items.add(canonical(a));
    }
    items.sort(Comparator.naturalOrder());
    return "[" + String.join(",", items) + "]";
  }

  private static String canonical(UsageAllocation a) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      if (a.tags() != null) {
        List<Tag> tags = new ArrayList<>(a.tags());
        tags.sort(Comparator.comparing(Tag::key));
        g.writeArrayFieldStart("Tags");
        for (Tag t : tags) {
          g.writeStartObject();
          g.writeStringField("Key", t.key());
          g.writeStringField("Value", t.value());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeNumberField("AllocatedUsageQuantity", a.allocatedUsageQuantity());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory cannot fail", e);
    }
    return out.toString();
  }

  /** The fingerprint of a record's content: its quantity and canonical allocations. */
  static String record(long quantity, String canonicalAllocations) {
    if (canonicalAllocations == null) {
      return "q" + quantity;
    }
    return "q"
        + quantity
        + "/a"
        + Hashing.sha256Hex(canonicalAllocations.getBytes(StandardCharsets.UTF_8)).substring(0, 32);
  }

  /** The fingerprint of a whole MeterUsage request, which a reused ClientToken must match. */
  static String request(
      String productCode,
      String dimension,
      Instant timestamp,
      String recordFingerprint,
      boolean dryRun) {
    String text =
        productCode
            + "\n"
            + dimension
            + "\n"
            + timestamp
            + "\n"
            + recordFingerprint
            + "\n"
            + dryRun;
    return Hashing.sha256Hex(text.getBytes(StandardCharsets.UTF_8)).substring(0, 40);
  }
}
