package io.meterline.server.licenses;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterline.server.domain.ContractLine;
import io.meterline.server.domain.Product;
import io.meterline.server.domain.Subscription;
import io.meterline.wire.crypto.Hashing;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * The licenses AWS Marketplace issues through License Manager (contracts-facts §3), as this server
 * derives them: one per subscription that carries a contract, its entitlements the contract's
 * dimensions (counted, {@code Unit: Count}, {@code MaxCount} the quantity), valid from the
 * subscription's start to its end.
 *
 * <p>Our choices where AWS's documents are silent (facts §8): the issuer is named {@code
 * AWS/Marketplace}, the home Region is us-east-1, provisional consumption lives 60 minutes and
 * datetimes carry {@code Z}, as the model's pattern requires. A product's SKU is a UUID derived
 * from its product code.
 */
public final class Licenses {
  /** The Marketplace account that issues the licenses. */
  public static final String ISSUER_ACCOUNT = "294406891311";

  /** The issuer fingerprint every Marketplace product checks out with (facts §3). */
  public static final String KEY_FINGERPRINT =
      "aws:" + ISSUER_ACCOUNT + ":AWS/Marketplace:issuer-fingerprint";

  static final String ISSUER_NAME = "AWS/Marketplace";
  static final String HOME_REGION = "us-east-1";
  static final int PROVISIONAL_MINUTES = 60;

  private static final ObjectMapper JSON = new ObjectMapper();

  private Licenses() {}

  /** The product's SKU, the "product id" License Manager knows it by. */
  public static String sku(String productCode) {
    return UUID.nameUUIDFromBytes(("meterline-sku:" + productCode).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /** The ARN of the license a subscription's contract is issued as. */
  public static String arn(String subscriptionId) {
    String hex = Hashing.sha256Hex(subscriptionId.getBytes(StandardCharsets.UTF_8));
    return "arn:aws:license-manager::" + ISSUER_ACCOUNT + ":license:l-" + hex.substring(0, 32);
  }

  /** Whether a subscription has a license: it carries a contract. */
  static boolean licensed(Subscription s) {
    return !s.contract().isEmpty();
  }

  /** AVAILABLE while the subscription runs, DEACTIVATED once it has ended. */
  static String status(Subscription s, Instant now) {
    return s.endedAt() != null && !now.isBefore(s.endedAt()) ? "DEACTIVATED" : "AVAILABLE";
  }

  /** The license as GetLicense and ListReceivedLicenses answer it. */
  static ObjectNode view(Product product, Subscription s, Instant now) {
    ObjectNode l = JSON.createObjectNode();
    l.put("LicenseArn", arn(s.subscriptionId()));
    l.put("LicenseName", product.name());
    l.put("ProductName", product.name());
    l.put("ProductSKU", sku(product.productCode()));
    ObjectNode issuer = l.putObject("Issuer");
    issuer.put("Name", ISSUER_NAME);
    issuer.put("KeyFingerprint", KEY_FINGERPRINT);
    l.put("HomeRegion", HOME_REGION);
    l.put("Status", status(s, now));
    ObjectNode validity = l.putObject("Validity");
    validity.put("Begin", s.startedAt().toString());
    if (s.endedAt() != null) {
      validity.put("End", s.endedAt().toString());
    }
    l.put("Beneficiary", s.awsAccountId());
    ArrayNode entitlements = l.putArray("Entitlements");
    for (ContractLine line : s.contract()) {
      ObjectNode e = entitlements.addObject();
      e.put("Name", line.dimension());
      e.put("MaxCount", line.quantity());
      e.put("Overage", false);
      e.put("Unit", "Count");
      e.put("AllowCheckIn", true);
    }
    ObjectNode consumption = l.putObject("ConsumptionConfiguration");
    consumption.put("RenewType", "None");
    consumption
        .putObject("ProvisionalConfiguration")
        .put("MaxTimeToLiveInMinutes", PROVISIONAL_MINUTES);
    l.putArray("LicenseMetadata");
    l.put("CreateTime", s.startedAt().toString());
    l.put("Version", "1");
    return l;
  }
}
