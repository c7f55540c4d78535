package io.meterline.server.licenses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterline.server.auth.Caller;
import io.meterline.server.calls.Call;
import io.meterline.server.domain.Product;
import io.meterline.server.domain.Subscription;
import io.meterline.server.store.Database;
import io.meterline.server.store.Keyset;
import io.meterline.server.store.Tables;
import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
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
 * <p>Served now: GetLicense and ListReceivedLicenses. CheckoutLicense, CheckInLicense and
 * ExtendLicenseConsumption are not served yet and answer {@code UnknownOperationException}.
 */
public final class LicenseManager {
  /** The {@code X-Amz-Target} prefix of the service. */
  public static final String TARGET_PREFIX = "AWSLicenseManager.";

  /** The SigV4 signing name of the service. */
  public static final String SIGNING_NAME = "license-manager";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE = 1000;
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
        view.putObject("ReceivedMetadata").put("ReceivedStatus", "ACTIVE");
        ((ObjectNode) view.get("ReceivedMetadata"))
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
    Keyset after = null;
    List<Subscription> page;
    do {
      page = tables.subscriptions().list(c, null, account, null, after, PAGE);
      for (Subscription s : page) {
        if (Licenses.licensed(s)) {
          Product p = products.get(s.productCode());
          if (p == null) {
            p = tables.products().find(c, s.productCode());
            products.put(s.productCode(), p);
          }
          out.add(new Licensed(p, s));
        }
      }
      if (!page.isEmpty()) {
        Subscription last = page.get(page.size() - 1);
        after = new Keyset(last.startedAt(), last.subscriptionId());
      }
    } while (page.size() == PAGE);
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
