package io.meterline.server.licenses;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.domain.LicenseConsumption;
import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;
import io.meterline.wire.crypto.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A CheckoutLicense request, checked (facts §2.1). */
record Checkout(
    String productSku,
    String checkoutType,
    String keyFingerprint,
    List<LicenseConsumption.Taken> entitlements,
    String clientToken,
    String nodeId,
    String hash) {

  static Checkout parse(JsonNode request) {
    String sku = required(request, "ProductSKU");
    String type = required(request, "CheckoutType");
    if (!type.equals("PROVISIONAL") && !type.equals("PERPETUAL")) {
      throw invalid("CheckoutType must be PROVISIONAL or PERPETUAL, was %s", type);
    }
    String fingerprint = required(request, "KeyFingerprint");
    String clientToken = required(request, "ClientToken");
    if (clientToken.length() > 2048 || !clientToken.matches("\\S+")) {
      throw invalid("ClientToken must be 1 to 2048 characters without spaces");
    }
    JsonNode list = request.get("Entitlements");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw invalid("Entitlements is required: the entitlements to check out");
    }
    List<LicenseConsumption.Taken> taken = new ArrayList<>();
    for (JsonNode e : list) {
      String name = required(e, "Name");
      String unit = required(e, "Unit");
      if (!Licenses.UNITS.contains(unit)) {
        throw invalid("Unit %s of entitlement %s is not one of the model's units", unit, name);
      }
      taken.add(new LicenseConsumption.Taken(name, unit, value(e, name, unit)));
    }
    JsonNode node = request.get("NodeId");
    String nodeId = node == null || node.isNull() ? null : node.asText();
    String hash =
        Hashing.sha256Hex(
            (sku + "\n" + type + "\n" + fingerprint + "\n" + taken + "\n" + nodeId)
                .getBytes(StandardCharsets.UTF_8));
    return new Checkout(sku, type, fingerprint, taken, clientToken, nodeId, hash);
  }

  // A counted entitlement needs its Value; a feature (Unit None) has none and counts as 1.
  private static long value(JsonNode e, String name, String unit) {
    JsonNode v = e.get("Value");
    if (v == null || v.isNull()) {
      if (unit.equals("None")) {
        return 1;
      }
      throw invalid("Entitlement %s with Unit %s needs a Value", name, unit);
    }
    try {
      long value = Long.parseLong(v.asText());
      if (value < 1) {
        throw invalid("Value of entitlement %s must be 1 or more, was %s", name, v.asText());
      }
      return value;
    } catch (NumberFormatException ex) {
      throw invalid("Value of entitlement %s must be a whole number, was %s", name, v.asText());
    }
  }

  private static String required(JsonNode node, String member) {
    JsonNode v = node.get(member);
    if (v == null || v.isNull() || v.asText().isEmpty()) {
      throw ErrorCode.VALIDATION.exception("%s is required", member);
    }
    return v.asText();
  }

  private static ServiceException invalid(String format, Object... args) {
    return ErrorCode.VALIDATION.exception(format, args);
  }
}
