package io.meterline.server.licenses;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterline.server.domain.ContractLine;
import io.meterline.server.domain.Dimension;
import io.meterline.server.domain.Ids;
import io.meterline.server.domain.Pricing;
import io.meterline.server.domain.Product;
import io.meterline.server.domain.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * The licenses AWS Marketplace issues through License Manager (contracts-facts §3), as this server
 * derives them: one per subscription that carries a contract, its entitlements the contract's
 * dimensions (counted, with {@code MaxCount} the quantity, or a bought tier with {@code Unit:
 * None}), valid from the subscription's start to the contract's end (EXPIRED after it) or to the
 * subscription's early end (DEACTIVATED). Each amendment or renewal of the contract is a new
 * version of the same license.
 *
 * <p>Our choices where AWS's documents are silent (facts §8): the issuer is named {@code
 * AWS/Marketplace}, the home Region is us-east-1, provisional consumption lives 60 minutes and
 * datetimes carry {@code Z}, as the model's pattern requires. A CONTRACT product's SKU is its
 * product id; a product of another pricing with a contract has a UUID derived from its code.
 */
public final class Licenses {
  /** The Marketplace account that issues the licenses. */
  public static final String ISSUER_ACCOUNT = Ids.LICENSE_ISSUER_ACCOUNT;

  /** The issuer fingerprint every Marketplace product checks out with (facts §3). */
  public static final String KEY_FINGERPRINT =
      "aws:" + ISSUER_ACCOUNT + ":AWS/Marketplace:issuer-fingerprint";

  /** The units of the model's EntitlementUnit enum. */
  public static final Set<String> UNITS =
      Set.of(
          "Count",
          "None",
          "Seconds",
          "Microseconds",
          "Milliseconds",
          "Bytes",
          "Kilobytes",
          "Megabytes",
          "Gigabytes",
          "Terabytes",
          "Bits",
          "Kilobits",
          "Megabits",
          "Gigabits",
          "Terabits",
          "Percent",
          "Bytes/Second",
          "Kilobytes/Second",
          "Megabytes/Second",
          "Gigabytes/Second",
          "Terabytes/Second",
          "Bits/Second",
          "Kilobits/Second",
          "Megabits/Second",
          "Gigabits/Second",
          "Terabits/Second",
          "Count/Second");

  /** The unit of a feature or tier: bought or not, never counted. */
  public static final String FEATURE = "None";

  static final String ISSUER_NAME = "AWS/Marketplace";
  static final String HOME_REGION = "us-east-1";
  static final int PROVISIONAL_MINUTES = 60;

  private static final ObjectMapper JSON = new ObjectMapper();

  private Licenses() {}

  /** The product's SKU, the "product id" License Manager knows it by. */
  public static String sku(Product product) {
    return product.productId() != null ? product.productId() : sku(product.productCode());
  }

  /** The SKU of a product created before products had an id: a UUID derived from its code. */
  public static String sku(String productCode) {
    return UUID.nameUUIDFromBytes(("meterline-sku:" + productCode).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /** The ARN of the license a subscription's contract is issued as. */
  public static String arn(String subscriptionId) {
    return Ids.licenseArn(subscriptionId);
  }

  /** Whether a subscription has a license: it carries a contract. */
  static boolean licensed(Subscription s) {
    return !s.contract().isEmpty();
  }

  /**
   * AVAILABLE while the contract runs, EXPIRED from its end on, DEACTIVATED once the subscription
   * was ended early.
   */
  static String status(Subscription s, Instant now) {
    Instant ended = s.endedAt();
    if (ended != null
        && !now.isBefore(ended)
        && (s.contractEndsAt() == null || ended.isBefore(s.contractEndsAt()))) {
      return "DEACTIVATED"; // ended before its contract did
    }
    return s.contractEndedAt(now) ? "EXPIRED" : "AVAILABLE";
  }

  /**
   * The unit of a contract line's entitlement: the dimension's for a CONTRACT product, else {@code
   * Count}.
   */
  public static String unit(Product product, ContractLine line) {
    if (product.pricing() != Pricing.CONTRACT) {
      return "Count";
    }
    return product.dimension(line.dimension()).map(Dimension::unit).orElse("Count");
  }

  /** The license as GetLicense and ListReceivedLicenses answer it. */
  static ObjectNode view(Product product, Subscription s, Instant now) {
    ObjectNode l = JSON.createObjectNode();
    l.put("LicenseArn", arn(s.subscriptionId()));
    l.put("LicenseName", product.name());
    l.put("ProductName", product.name());
    l.put("ProductSKU", sku(product));
    ObjectNode issuer = l.putObject("Issuer");
    issuer.put("Name", ISSUER_NAME);
    issuer.put("KeyFingerprint", KEY_FINGERPRINT);
    l.put("HomeRegion", HOME_REGION);
    l.put("Status", status(s, now));
    ObjectNode validity = l.putObject("Validity");
    validity.put("Begin", s.startedAt().toString());
    Instant end =
        s.endedAt() == null
            ? s.contractEndsAt()
            : s.contractEndsAt() == null || s.endedAt().isBefore(s.contractEndsAt())
                ? s.endedAt()
                : s.contractEndsAt();
    if (end != null) {
      validity.put("End", end.toString());
    }
    l.put("Beneficiary", s.awsAccountId());
    ArrayNode entitlements = l.putArray("Entitlements");
    for (ContractLine line : s.contract()) {
      ObjectNode e = entitlements.addObject();
      String unit = unit(product, line);
      e.put("Name", line.dimension());
      if (!unit.equals(FEATURE)) {
        e.put("MaxCount", line.quantity());
      }
      e.put("Overage", false);
      e.put("Unit", unit);
      e.put("AllowCheckIn", true);
    }
    ObjectNode consumption = l.putObject("ConsumptionConfiguration");
    consumption.put("RenewType", "None");
    consumption
        .putObject("ProvisionalConfiguration")
        .put("MaxTimeToLiveInMinutes", PROVISIONAL_MINUTES);
    l.putArray("LicenseMetadata");
    l.put("CreateTime", s.startedAt().toString());
    // Each amendment or renewal is a new version of the license.
    l.put("Version", Integer.toString(s.amendments().size() + 1));
    return l;
  }
}
