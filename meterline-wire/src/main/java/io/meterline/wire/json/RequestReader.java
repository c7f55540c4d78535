package io.meterline.wire.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.meterline.wire.model.BatchMeterUsageRequest;
import io.meterline.wire.model.MeterUsageRequest;
import io.meterline.wire.model.RegisterUsageRequest;
import io.meterline.wire.model.ResolveCustomerRequest;
import io.meterline.wire.model.Tag;
import io.meterline.wire.model.UsageAllocation;
import io.meterline.wire.model.UsageRecord;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the operations' JSON 1.1 bodies into the model, enforcing the model's constraints.
 *
 * <p>Constraints are those of the model the Java SDK 2.40.2 knows (reference/aws-metering-facts.md
 * §3), plus a record's {@code LicenseArn} of newer models, checked against the newest model's
 * pattern when sent; other members of newer models and unknown members are ignored (facts §8). Any
 * breach is a {@code ValidationException} naming the member; the semantic rules that have their own
 * modelled errors (allocations, tags, windows) are checked later, by the operations.
 */
public final class RequestReader {
  static final Pattern PRODUCT_CODE = Pattern.compile("^[-a-zA-Z0-9/=:_.@]*$");
  static final Pattern NON_EMPTY = Pattern.compile("^[\\s\\S]+$");
  static final Pattern ACCOUNT_ID = Pattern.compile("^[0-9]+$");

  /** The newest model's LicenseArn pattern (facts §3.2). */
  static final Pattern LICENSE_ARN =
      Pattern.compile(
          "^arn:aws[a-zA-Z-]*:[A-Za-z0-9][A-Za-z0-9_/.-]{0,62}:[A-Za-z0-9_/.-]{0,63}:"
              + "[A-Za-z0-9_/.-]{0,63}:[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,1023}$");

  private static final Pattern HAS_NON_SPACE = Pattern.compile("[\\s\\S]*\\S[\\s\\S]*");
  private static final int MAX_INT = Integer.MAX_VALUE;

  /** The model's maximum number of records in one BatchMeterUsage call. */
  public static final int MAX_BATCH_RECORDS = 25;

  /** The model's maximum number of allocations in one usage record. */
  public static final int MAX_ALLOCATIONS = 2500;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private RequestReader() {}

  /** Reads a MeterUsage body. */
  public static MeterUsageRequest meterUsage(byte[] body) {
    JsonNode root = parse(body);
    JsonInput in = new JsonInput(new Violations());
    String productCode = in.string(root, "ProductCode", "productCode", true, 1, 255, PRODUCT_CODE);
    Instant timestamp = in.timestamp(root, "Timestamp", "timestamp", true);
    String dimension = in.string(root, "UsageDimension", "usageDimension", true, 1, 255, NON_EMPTY);
    Integer quantity = in.integer(root, "UsageQuantity", "usageQuantity", false, 0, MAX_INT);
    boolean dryRun = in.bool(root, "DryRun", "dryRun");
    List<UsageAllocation> allocations = allocations(in, root, "usageAllocations");
    String clientToken = in.string(root, "ClientToken", "clientToken", false, 1, 64, null);
    in.violations().throwIfAny();
    return new MeterUsageRequest(
        productCode,
        timestamp,
        dimension,
        quantity == null ? 0 : quantity,
        dryRun,
        allocations,
        clientToken);
  }

  /** Reads a BatchMeterUsage body. */
  public static BatchMeterUsageRequest batchMeterUsage(byte[] body) {
    JsonNode root = parse(body);
    JsonInput in = new JsonInput(new Violations());
    List<UsageRecord> records =
        in.list(
            root,
            "UsageRecords",
            "usageRecords",
            true,
            0,
            MAX_BATCH_RECORDS,
            (node, path) -> usageRecord(in, node, path));
    String productCode = in.string(root, "ProductCode", "productCode", true, 1, 255, PRODUCT_CODE);
    in.violations().throwIfAny();
    return new BatchMeterUsageRequest(records, productCode);
  }

  /** Reads a RegisterUsage body. */
  public static RegisterUsageRequest registerUsage(byte[] body) {
    JsonNode root = parse(body);
    JsonInput in = new JsonInput(new Violations());
    String productCode = in.string(root, "ProductCode", "productCode", true, 1, 255, PRODUCT_CODE);
    Integer version = in.integer(root, "PublicKeyVersion", "publicKeyVersion", true, 1, MAX_INT);
    String nonce = in.string(root, "Nonce", "nonce", false, 0, 255, null);
    in.violations().throwIfAny();
    return new RegisterUsageRequest(productCode, version, nonce);
  }

  /** Reads a ResolveCustomer body. */
  public static ResolveCustomerRequest resolveCustomer(byte[] body) {
    JsonNode root = parse(body);
    JsonInput in = new JsonInput(new Violations());
    String token =
        in.string(
            root,
            "RegistrationToken",
            "registrationToken",
            true,
            1,
            Integer.MAX_VALUE,
            HAS_NON_SPACE);
    in.violations().throwIfAny();
    return new ResolveCustomerRequest(token);
  }

  private static UsageRecord usageRecord(JsonInput in, JsonNode node, String path) {
    if (!in.isObject(node, path)) {
      return null;
    }
    Instant timestamp = in.timestamp(node, "Timestamp", path + ".timestamp", true);
    String customer =
        in.string(
            node, "CustomerIdentifier", path + ".customerIdentifier", false, 1, 255, NON_EMPTY);
    String dimension = in.string(node, "Dimension", path + ".dimension", true, 1, 255, NON_EMPTY);
    Integer quantity = in.integer(node, "Quantity", path + ".quantity", false, 0, MAX_INT);
    List<UsageAllocation> allocations = allocations(in, node, path + ".usageAllocations");
    String account =
        in.string(
            node,
            "CustomerAWSAccountId",
            path + ".customerAWSAccountId",
            false,
            1,
            255,
            ACCOUNT_ID);
    String license =
        in.string(node, "LicenseArn", path + ".licenseArn", false, 1, 2048, LICENSE_ARN);
    // A null element stands for an item that broke a constraint; the violation is recorded.
    if (timestamp == null || dimension == null || hasNull(allocations)) {
      return null;
    }
    return new UsageRecord(timestamp, customer, dimension, quantity, allocations, account, license);
  }

  // List bounds (1..2500) and tag rules have modelled errors of their own, so only the
  // structure is checked here: see AllocationRules.
  private static List<UsageAllocation> allocations(JsonInput in, JsonNode parent, String path) {
    return in.list(
        parent,
        "UsageAllocations",
        path,
        false,
        0,
        Integer.MAX_VALUE,
        (node, itemPath) -> allocation(in, node, itemPath));
  }

  private static UsageAllocation allocation(JsonInput in, JsonNode node, String path) {
    if (!in.isObject(node, path)) {
      return null;
    }
    Integer quantity =
        in.integer(
            node, "AllocatedUsageQuantity", path + ".allocatedUsageQuantity", true, 0, MAX_INT);
    List<Tag> tags =
        in.list(
            node,
            "Tags",
            path + ".tags",
            false,
            0,
            Integer.MAX_VALUE,
            (tagNode, tagPath) -> tag(in, tagNode, tagPath));
    return quantity == null || hasNull(tags) ? null : new UsageAllocation(quantity, tags);
  }

  private static boolean hasNull(List<?> items) {
    return items != null && items.contains(null);
  }

  private static Tag tag(JsonInput in, JsonNode node, String path) {
    if (!in.isObject(node, path)) {
      return null;
    }
    String key = in.string(node, "Key", path + ".key", true, 0, Integer.MAX_VALUE, null);
    String value = in.string(node, "Value", path + ".value", true, 0, Integer.MAX_VALUE, null);
    return key == null || value == null ? null : new Tag(key, value);
  }

  // An empty body is an empty input (Smithy awsJson: reference/aws-metering-facts.md §2).
  private static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      return MAPPER.createObjectNode();
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw Violations.malformed("the request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw Violations.malformed("the request body could not be read: " + e.getMessage());
    } catch (NumberFormatException e) {
      // Jackson lets this escape for a valid JSON number it cannot hold, such as 1e-9999999999.
      throw Violations.malformed("the request body holds a number out of range: " + e.getMessage());
    }
    if (root == null || root.isMissingNode()) {
      return MAPPER.createObjectNode();
    }
    if (!root.isObject()) {
      throw Violations.malformed("the request body must be a JSON object");
    }
    return root;
  }
}
