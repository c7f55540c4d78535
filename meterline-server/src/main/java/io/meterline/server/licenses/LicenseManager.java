package io.meterline.server.licenses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterline.server.auth.Caller;
import io.meterline.server.calls.Call;
import io.meterline.server.domain.ContractLine;
import io.meterline.server.domain.Ids;
import io.meterline.server.domain.LicenseConsumption;
import io.meterline.server.domain.Product;
import io.meterline.server.domain.Subscription;
import io.meterline.server.store.Database;
import io.meterline.server.store.Tables;
import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The subset of AWS License Manager a Marketplace container product uses (SPEC §3.5; facts §1–3),
 * on the same port: {@code X-Amz-Target: AWSLicenseManager.*}, SigV4 under the signing name {@code
 * license-manager}. The licenses are the calling buyer's (see {@link Licenses}).
 *
 * <p>Consumption follows the service clock: a PROVISIONAL checkout holds its units for 60 minutes
 * unless extended (60 minutes from the extension) or checked in; a PERPETUAL one draws them down
 * for good; a tier ({@code Unit: None}) is not counted. Our choices where AWS's documents are
 * silent (facts §8): a checkout is all or nothing for counted entitlements (one it cannot have
 * refuses the whole of it, NoEntitlementsAllowedException), while of the tiers asked for only the
 * bought ones are answered, as AWS's tiered model has products ask for every tier (none bought
 * refuses it); a counted entitlement needs its {@code Value} and the dimension's unit; a repeat of
 * a ClientToken with the same request answers the first checkout again, with another request it is
 * a ValidationException; a PERPETUAL checkout cannot be checked in or extended (ConflictException,
 * InvalidParameterValueException); no SignedToken is returned.
 */
public final class LicenseManager {
  /** The {@code X-Amz-Target} prefix of the service. */
  public static final String TARGET_PREFIX = "AWSLicenseManager.";

  /** The SigV4 signing name of the service. */
  public static final String SIGNING_NAME = "license-manager";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FILTERS =
      Set.of("ProductSKU", "Status", "Fingerprint", "IssuerName", "Beneficiary");

  private final Database db;
  private final Tables tables;
  private final Clock serviceClock;
  private final Executor executor;

  public LicenseManager(Database db, Tables tables, Clock serviceClock, Executor executor) {
    this.db = db;
    this.tables = tables;
    this.serviceClock = serviceClock;
    this.executor = executor;
  }

  /** Answers the operation named after the target prefix. */
  public CompletableFuture<byte[]> handle(String operation, Caller caller, byte[] body, Call call) {
    JsonNode request = parse(body);
    String account = caller.principal().awsAccountId();
    return switch (operation) {
      case "GetLicense" -> read(c -> getLicense(c, account, request));
      case "ListReceivedLicenses" -> read(c -> listReceived(c, account, request));
      case "CheckoutLicense" -> {
        Checkout checkout = Checkout.parse(request); // checked before it takes a write slot
        yield write(c -> checkout(c, account, checkout));
      }
      case "CheckInLicense" -> write(c -> checkIn(c, account, request));
      case "ExtendLicenseConsumption" -> write(c -> extend(c, account, request));
      default ->
          throw ErrorCode.UNKNOWN_OPERATION.exception(
              "Unknown operation " + TARGET_PREFIX + operation);
    };
  }

  private interface Read {
    ObjectNode apply(Connection c) throws SQLException;
  }

  private CompletableFuture<byte[]> read(Read work) {
    return CompletableFuture.supplyAsync(() -> bytes(db.read(work::apply)), executor);
  }

  private CompletableFuture<byte[]> write(Read work) {
    return db.write(c -> bytes(work.apply(c)));
  }

  private ObjectNode checkout(Connection c, String account, Checkout request) throws SQLException {
    LicenseConsumption earlier =
        tables.licenseConsumptions().findByClientToken(c, account, request.clientToken());
    if (earlier != null) {
      if (!earlier.requestHash().equals(request.hash())) {
        throw ErrorCode.VALIDATION.exception(
            "ClientToken %s was used with a different request", request.clientToken());
      }
      return checkoutAnswer(earlier);
    }
    if (!Licenses.KEY_FINGERPRINT.equals(request.keyFingerprint())) {
      throw notFound(request);
    }
    Licensed license = newestWithSku(c, account, request.productSku());
    if (license == null) {
      throw notFound(request);
    }
    Instant now = serviceClock.instant();
    // Concurrent checkouts and amendments of one license take turns on its row; it is read again
    // under the lock, so a checkout sees the contract an amendment just committed.
    tables.subscriptions().lock(c, license.subscription().subscriptionId());
    Subscription s = tables.subscriptions().find(c, license.subscription().subscriptionId());
    String arn = Licenses.arn(s.subscriptionId());
    if (!"AVAILABLE".equals(Licenses.status(s, now))) {
      throw ErrorCode.NO_ENTITLEMENTS_ALLOWED.exception(
          "License %s is %s: nothing can be checked out of it", arn, Licenses.status(s, now));
    }
    Map<String, Long> inUse = new HashMap<>();
    for (LicenseConsumption held : tables.licenseConsumptions().holding(c, arn, now)) {
      for (LicenseConsumption.Taken t : held.entitlements()) {
        inUse.merge(t.name(), t.value(), Long::sum);
      }
    }
    List<LicenseConsumption.Taken> allowed = new ArrayList<>();
    boolean tiersAsked = false;
    boolean tierAllowed = false;
    for (LicenseConsumption.Taken wanted : request.entitlements()) {
      ContractLine line =
          s.contract().stream()
              .filter(l -> l.dimension().equals(wanted.name()))
              .findFirst()
              .orElse(null);
      String unit = line == null ? null : Licenses.unit(license.product(), line);
      if (wanted.unit().equals(Licenses.FEATURE)) {
        tiersAsked = true;
        if (line == null) {
          continue; // a tier the buyer did not buy (facts §3: every tier is asked for)
        }
        if (!unit.equals(Licenses.FEATURE)) {
          throw ErrorCode.NO_ENTITLEMENTS_ALLOWED.exception(
              "Entitlement %s of license %s is counted (Unit %s); it cannot be checked out "
                  + "with Unit None",
              wanted.name(), arn, unit);
        }
        allowed.add(wanted);
        tierAllowed = true;
        continue;
      }
      if (line == null) {
        throw ErrorCode.NO_ENTITLEMENTS_ALLOWED.exception(
            "License %s has no entitlement %s", arn, wanted.name());
      }
      if (!wanted.unit().equals(unit)) {
        throw ErrorCode.NO_ENTITLEMENTS_ALLOWED.exception(
            "Entitlement %s of license %s has Unit %s; it cannot be checked out with Unit %s",
            wanted.name(), arn, unit, wanted.unit());
      }
      // One request naming an entitlement twice takes both amounts.
      long available = line.quantity() - inUse.getOrDefault(wanted.name(), 0L);
      if (wanted.value() > available) {
        throw ErrorCode.NO_ENTITLEMENTS_ALLOWED.exception(
            "The maximum count of entitlement %s of license %s is reached: %d asked, %d left",
            wanted.name(), arn, wanted.value(), Math.max(0, available));
      }
      inUse.merge(wanted.name(), wanted.value(), Long::sum);
      allowed.add(wanted);
    }
    if (tiersAsked && !tierAllowed) {
      throw ErrorCode.NO_ENTITLEMENTS_ALLOWED.exception(
          "License %s has none of the tiers asked for", arn);
    }
    LicenseConsumption taken =
        new LicenseConsumption(
            Ids.hex32(),
            arn,
            account,
            request.checkoutType(),
            allowed,
            request.clientToken(),
            request.hash(),
            request.nodeId(),
            now,
            request.checkoutType().equals("PERPETUAL")
                ? null
                : now.plus(Duration.ofMinutes(Licenses.PROVISIONAL_MINUTES)),
            null);
    tables.licenseConsumptions().insert(c, taken);
    return checkoutAnswer(taken);
  }

  private static ObjectNode checkoutAnswer(LicenseConsumption l) {
    ObjectNode out = JSON.createObjectNode();
    out.put("CheckoutType", l.checkoutType());
    out.put("LicenseConsumptionToken", l.consumptionToken());
    ArrayNode allowed = out.putArray("EntitlementsAllowed");
    for (LicenseConsumption.Taken t : l.entitlements()) {
      allowed
          .addObject()
          .put("Name", t.name())
          .put("Value", Long.toString(t.value()))
          .put("Unit", t.unit());
    }
    if (l.nodeId() != null) {
      out.put("NodeId", l.nodeId());
    }
    out.put("IssuedAt", l.issuedAt().toString());
    if (l.expiresAt() != null) {
      out.put("Expiration", l.expiresAt().toString());
    }
    out.put("LicenseArn", l.licenseArn());
    return out;
  }

  private ObjectNode checkIn(Connection c, String account, JsonNode request) throws SQLException {
    LicenseConsumption l = consumption(c, account, request);
    if (l.isPerpetual()) {
      throw ErrorCode.CONFLICT.exception(
          "Checkout %s is PERPETUAL: its units are drawn down and cannot be checked in",
          l.consumptionToken());
    }
    if (l.checkedInAt() != null) {
      throw ErrorCode.CONFLICT.exception(
          "Checkout %s was checked in at %s", l.consumptionToken(), l.checkedInAt());
    }
    tables.licenseConsumptions().checkIn(c, l.consumptionToken(), serviceClock.instant());
    return JSON.createObjectNode();
  }

  private ObjectNode extend(Connection c, String account, JsonNode request) throws SQLException {
    LicenseConsumption l = consumption(c, account, request);
    Instant now = serviceClock.instant();
    if (l.isPerpetual()) {
      throw invalid("Checkout %s is PERPETUAL: it does not expire", l.consumptionToken());
    }
    if (!l.holdsAt(now)) {
      throw ErrorCode.RESOURCE_NOT_FOUND.exception(
          "Checkout %s holds nothing any more: it was checked in or expired", l.consumptionToken());
    }
    String status = statusOf(c, account, l.licenseArn(), now);
    if (!"AVAILABLE".equals(status)) {
      // ExtendLicenseConsumption models no NoEntitlementsAllowed: the hold is gone with the
      // license.
      throw ErrorCode.RESOURCE_NOT_FOUND.exception(
          "Checkout %s cannot be extended: license %s is %s",
          l.consumptionToken(), l.licenseArn(), status);
    }
    Instant expires = now.plus(Duration.ofMinutes(Licenses.PROVISIONAL_MINUTES));
    JsonNode dryRun = request.get("DryRun");
    if (dryRun == null || !dryRun.asBoolean(false)) {
      tables.licenseConsumptions().extend(c, l.consumptionToken(), expires);
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("LicenseConsumptionToken", l.consumptionToken());
    out.put("Expiration", expires.toString());
    return out;
  }

  // The status of one of the account's licenses; DELETED when it is no license of the account.
  private String statusOf(Connection c, String account, String arn, Instant now)
      throws SQLException {
    for (Licensed l : licensesOf(c, account)) {
      if (Licenses.arn(l.subscription().subscriptionId()).equals(arn)) {
        return Licenses.status(l.subscription(), now);
      }
    }
    return "DELETED";
  }

  private LicenseConsumption consumption(Connection c, String account, JsonNode request)
      throws SQLException {
    String token = text(request, "LicenseConsumptionToken");
    if (token == null || token.isEmpty()) {
      throw ErrorCode.VALIDATION.exception("LicenseConsumptionToken is required");
    }
    LicenseConsumption l = tables.licenseConsumptions().find(c, token);
    if (l == null || !l.awsAccountId().equals(account)) {
      throw ErrorCode.RESOURCE_NOT_FOUND.exception("No checkout %s of account %s", token, account);
    }
    return l;
  }

  private static ServiceException notFound(Checkout request) {
    return ErrorCode.RESOURCE_NOT_FOUND.exception(
        "No license with ProductSKU %s and KeyFingerprint %s was granted to the caller",
        request.productSku(), request.keyFingerprint());
  }

  // The newest license with this SKU (facts §3: with two, the newest is checked out).
  private Licensed newestWithSku(Connection c, String account, String sku) throws SQLException {
    for (Licensed l : licensesOf(c, account)) {
      if (Licenses.sku(l.product()).equals(sku)) {
        return l;
      }
    }
    return null;
  }

  private ObjectNode getLicense(Connection c, String account, JsonNode request)
      throws SQLException {
    String arn = text(request, "LicenseArn");
    if (arn == null || arn.isEmpty() || arn.length() > 2048) {
      throw invalid("LicenseArn is required: the ARN of a license");
    }
    for (Licensed l : licensesOf(c, account)) {
      if (Licenses.arn(l.subscription().subscriptionId()).equals(arn)) {
        ObjectNode out = JSON.createObjectNode();
        out.set("License", Licenses.view(l.product(), l.subscription(), serviceClock.instant()));
        return out;
      }
    }
    // GetLicense models no ResourceNotFoundException (facts §2.4).
    throw invalid("License %s is not a license of account %s", arn, account);
  }

  private ObjectNode listReceived(Connection c, String account, JsonNode request)
      throws SQLException {
    Set<String> arns = new HashSet<>();
    JsonNode arnList = request.get("LicenseArns");
    if (arnList != null && arnList.isArray()) {
      arnList.forEach(a -> arns.add(a.asText()));
    }
    Map<String, String> filters = filters(request);
    int max = maxResults(request);
    int from = startIndex(request);
    Instant now = serviceClock.instant();
    List<ObjectNode> matching = new ArrayList<>();
    for (Licensed l : licensesOf(c, account)) {
      ObjectNode view = Licenses.view(l.product(), l.subscription(), now);
      if ((arns.isEmpty() || arns.contains(view.get("LicenseArn").asText()))
          && matches(view, filters)) {
        ObjectNode received = view.putObject("ReceivedMetadata");
        received.put("ReceivedStatus", "ACTIVE");
        received
            .putArray("AllowedOperations")
            .add("CheckoutLicense")
            .add("CheckInLicense")
            .add("ExtendConsumptionLicense");
        matching.add(view);
      }
    }
    ObjectNode out = JSON.createObjectNode();
    ArrayNode licenses = out.putArray("Licenses");
    int to = Math.min(matching.size(), from + max);
    for (int i = Math.min(from, matching.size()); i < to; i++) {
      licenses.add(matching.get(i));
    }
    if (to < matching.size()) {
      out.put("NextToken", Integer.toString(to));
    }
    return out;
  }

  private static boolean matches(ObjectNode license, Map<String, String> filters) {
    for (Map.Entry<String, String> f : filters.entrySet()) {
      String value =
          switch (f.getKey()) {
            case "ProductSKU" -> license.get("ProductSKU").asText();
            case "Status" -> license.get("Status").asText();
            case "Fingerprint" -> license.get("Issuer").get("KeyFingerprint").asText();
            case "IssuerName" -> license.get("Issuer").get("Name").asText();
            default -> license.get("Beneficiary").asText();
          };
      if (!value.equals(f.getValue())) {
        return false;
      }
    }
    return true;
  }

  // facts §2.5: the names are case-sensitive and each takes one value.
  private static Map<String, String> filters(JsonNode request) {
    Map<String, String> out = new HashMap<>();
    JsonNode filters = request.get("Filters");
    if (filters == null || filters.isNull()) {
      return out;
    }
    if (!filters.isArray()) {
      throw invalid("Filters must be a list of {Name, Values}");
    }
    for (JsonNode f : filters) {
      String name = text(f, "Name");
      if (name == null || !FILTERS.contains(name)) {
        throw invalid("Filter name %s is not one of %s", name, FILTERS);
      }
      JsonNode values = f.get("Values");
      if (values == null || !values.isArray() || values.size() != 1) {
        throw invalid("Filter %s takes exactly one value", name);
      }
      out.put(name, values.get(0).asText());
    }
    return out;
  }

  private static int maxResults(JsonNode request) {
    JsonNode m = request.get("MaxResults");
    if (m == null || m.isNull()) {
      return 100;
    }
    if (!m.canConvertToInt() || m.asInt() < 1 || m.asInt() > 100) {
      throw ErrorCode.VALIDATION.exception(
          "1 validation error detected: Value '%s' at 'maxResults' failed to satisfy constraint: "
              + "Member must have value between 1 and 100",
          m.asText());
    }
    return m.asInt();
  }

  private static int startIndex(JsonNode request) {
    String token = text(request, "NextToken");
    if (token == null) {
      return 0;
    }
    try {
      return Math.max(0, Integer.parseInt(token));
    } catch (NumberFormatException e) {
      throw invalid("NextToken is not a token this service gave");
    }
  }

  /** A subscription with a license, and its product. */
  private record Licensed(Product product, Subscription subscription) {}

  // The account's subscriptions that carry a contract, newest first.
  private List<Licensed> licensesOf(Connection c, String account) throws SQLException {
    List<Licensed> out = new ArrayList<>();
    Map<String, Product> products = new HashMap<>();
    for (Subscription s : tables.subscriptions().listAll(c, null, account, null)) {
      if (Licenses.licensed(s)) {
        Product p = products.get(s.productCode());
        if (p == null) {
          p = tables.products().find(c, s.productCode());
          products.put(s.productCode(), p);
        }
        out.add(new Licensed(p, s));
      }
    }
    return out;
  }

  private static JsonNode parse(byte[] body) {
    try {
      JsonNode root = JSON.readTree(body);
      if (root == null || !root.isObject()) {
        throw invalid("The request body must be a JSON object");
      }
      return root;
    } catch (IOException e) {
      throw invalid("The request body is not JSON");
    }
  }

  private static String text(JsonNode node, String member) {
    JsonNode v = node.get(member);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static byte[] bytes(ObjectNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static ServiceException invalid(String format, Object... args) {
    return ErrorCode.INVALID_PARAMETER_VALUE.exception(format, args);
  }
}
