package io.meterline.server.entitlements;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterline.server.auth.Caller;
import io.meterline.server.auth.Principal;
import io.meterline.server.calls.Call;
import io.meterline.server.domain.Account;
import io.meterline.server.domain.ContractLine;
import io.meterline.server.domain.Product;
import io.meterline.server.domain.Subscription;
import io.meterline.server.licenses.Licenses;
import io.meterline.server.store.Database;
import io.meterline.server.store.Tables;
import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * GetEntitlements of the Marketplace Entitlement Service (SPEC §3.5; contracts-facts §4): what the
 * buyers of a product are entitled to, called with the seller's keys. One entitlement per contract
 * dimension of each subscription active now (service time), its quantity as an {@code IntegerValue}
 * (a bought tier, {@code Unit: None}, as {@code BooleanValue} true) and the contract's end as its
 * {@code ExpirationDate}; filters OR their values within a key and AND the keys, the two customer
 * keys exclusive; {@code MaxResults} 1–25 (25 by default) and {@code NextToken} page through them
 * in (account, dimension) order. An ended subscription's or an expired contract's entitlements are
 * gone.
 *
 * <p>Members of newer models are ignored, as the metering operations do. Our choices where AWS's
 * documents are silent: a caller that is not the seller of the product (or a task, or a buyer's
 * user) gets {@code AccessDeniedException}; an unknown product code, an unknown filter name or a
 * bad page token is an {@code InvalidParameterException} naming it.
 */
public final class GetEntitlements {
  /** The {@code X-Amz-Target} prefix of the service. */
  public static final String TARGET_PREFIX = "AWSMPEntitlementService.";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_RESULTS = 25;
  private static final Set<String> FILTERS =
      Set.of("CUSTOMER_IDENTIFIER", "DIMENSION", "CUSTOMER_AWS_ACCOUNT_ID");

  private final Database db;
  private final Tables tables;
  private final Clock serviceClock;
  private final Executor executor;

  public GetEntitlements(Database db, Tables tables, Clock serviceClock, Executor executor) {
    this.db = db;
    this.tables = tables;
    this.serviceClock = serviceClock;
    this.executor = executor;
  }

  /** One entitlement, as the service lists it. */
  record Entitlement(
      String productCode,
      String dimension,
      String customerIdentifier,
      String awsAccountId,
      long quantity,
      boolean feature,
      Instant expiresAt) {}

  /** Answers the operation named after the target prefix. */
  public CompletableFuture<byte[]> handle(String operation, Caller caller, byte[] body, Call call) {
    if (!operation.equals("GetEntitlements")) {
      throw ErrorCode.UNKNOWN_OPERATION.exception("Unknown operation " + TARGET_PREFIX + operation);
    }
    Request request = Request.parse(body);
    call.productCode(request.productCode);
    return CompletableFuture.supplyAsync(() -> db.read(c -> answer(c, caller, request)), executor);
  }

  private byte[] answer(Connection c, Caller caller, Request request) throws SQLException {
    Product product = tables.products().find(c, request.productCode);
    if (product == null) {
      throw invalid("ProductCode %s is not a product of this service", request.productCode);
    }
    if (!(caller.principal() instanceof Principal.AccountKey key)
        || !key.isSeller()
        || !key.awsAccountId().equals(product.sellerAccountId())) {
      throw ErrorCode.ACCESS_DENIED.exception(
          "GetEntitlements of %s is for its seller's keys; account %s is not its seller",
          product.productCode(), caller.principal().awsAccountId());
    }
    List<Entitlement> all = entitlements(c, product);
    List<Entitlement> matching = all.stream().filter(request::matches).toList();
    int from = request.startIndex(matching);
    int to = Math.min(matching.size(), from + request.maxResults);
    ObjectNode out = JSON.createObjectNode();
    ArrayNode items = out.putArray("Entitlements");
    for (Entitlement e : matching.subList(from, to)) {
      ObjectNode item = items.addObject();
      item.put("ProductCode", e.productCode());
      item.put("Dimension", e.dimension());
      item.put("CustomerIdentifier", e.customerIdentifier());
      item.put("CustomerAWSAccountId", e.awsAccountId());
      if (e.feature()) {
        item.putObject("Value").put("BooleanValue", true);
      } else {
        item.putObject("Value").put("IntegerValue", e.quantity());
      }
      if (e.expiresAt() != null) {
        // A JSON timestamp: epoch seconds, with the milliseconds as a fraction.
        item.put("ExpirationDate", BigDecimal.valueOf(e.expiresAt().toEpochMilli(), 3));
      }
    }
    if (to < matching.size()) {
      out.put("NextToken", token(matching.get(to - 1)));
    }
    try {
      return JSON.writeValueAsBytes(out);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // Every active subscription of the product, in pages, with its buyer's identifier.
  private List<Entitlement> entitlements(Connection c, Product product) throws SQLException {
    Instant now = serviceClock.instant();
    List<Entitlement> out = new ArrayList<>();
    Map<String, Account> accounts = new HashMap<>();
    for (Subscription s : tables.subscriptions().listAll(c, product.productCode(), null, true)) {
      if (!s.isActiveAt(now) || s.contract().isEmpty() || s.contractEndedAt(now)) {
        continue;
      }
      Account buyer = accounts.get(s.awsAccountId());
      if (buyer == null) {
        buyer = tables.accounts().find(c, s.awsAccountId());
        accounts.put(s.awsAccountId(), buyer);
      }
      for (ContractLine line : s.contract()) {
        out.add(
            new Entitlement(
                product.productCode(),
                line.dimension(),
                buyer.customerIdentifier(),
                buyer.awsAccountId(),
                line.quantity(),
                Licenses.unit(product, line).equals(Licenses.FEATURE),
                s.contractEndsAt()));
      }
    }
    out.sort(ORDER);
    return out;
  }

  private static final Comparator<Entitlement> ORDER =
      Comparator.comparing(Entitlement::awsAccountId).thenComparing(Entitlement::dimension);

  private static String token(Entitlement last) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(
            (last.awsAccountId() + "/" + last.dimension()).getBytes(StandardCharsets.UTF_8));
  }

  static ServiceException invalid(String format, Object... args) {
    return ErrorCode.INVALID_PARAMETER.exception(format, args);
  }

  /** A request, checked. */
  static final class Request {
    final String productCode;
    final Map<String, Set<String>> filter;
    final String nextToken;
    final int maxResults;

    private Request(
        String productCode, Map<String, Set<String>> filter, String nextToken, int maxResults) {
      this.productCode = productCode;
      this.filter = filter;
      this.nextToken = nextToken;
      this.maxResults = maxResults;
    }

    static Request parse(byte[] body) {
      JsonNode root;
      try {
        root = JSON.readTree(body);
      } catch (IOException e) {
        throw invalid("The request body is not JSON");
      }
      if (root == null || !root.isObject()) {
        throw invalid("The request body must be a JSON object");
      }
      JsonNode code = root.get("ProductCode");
      if (code == null
          || !code.isTextual()
          || code.asText().isEmpty()
          || code.asText().length() > 255) {
        throw invalid("ProductCode is required: a string of 1 to 255 characters");
      }
      Map<String, Set<String>> filter = new HashMap<>();
      JsonNode f = root.get("Filter");
      if (f != null && !f.isNull()) {
        if (!f.isObject()) {
          throw invalid("Filter must be a map of filter names to lists of values");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = f.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          if (!FILTERS.contains(e.getKey())) {
            throw invalid("Filter name %s is not one of %s", e.getKey(), FILTERS);
          }
          if (!e.getValue().isArray() || e.getValue().isEmpty()) {
            throw invalid("Filter %s needs a list of at least one value", e.getKey());
          }
          Set<String> values = new HashSet<>();
          e.getValue().forEach(v -> values.add(v.asText()));
          filter.put(e.getKey(), values);
        }
      }
      if (filter.containsKey("CUSTOMER_IDENTIFIER")
          && filter.containsKey("CUSTOMER_AWS_ACCOUNT_ID")) {
        throw invalid("Filter may name CUSTOMER_IDENTIFIER or CUSTOMER_AWS_ACCOUNT_ID, not both");
      }
      JsonNode token = root.get("NextToken");
      String nextToken = null;
      if (token != null && !token.isNull()) {
        if (!token.isTextual() || !token.asText().matches("\\S+")) {
          throw invalid("NextToken must be a token from an earlier answer");
        }
        nextToken = token.asText();
      }
      int max = MAX_RESULTS;
      JsonNode m = root.get("MaxResults");
      if (m != null && !m.isNull()) {
        if (!m.canConvertToInt() || m.asInt() < 1 || m.asInt() > MAX_RESULTS) {
          throw invalid("MaxResults must be from 1 to %d, was %s", MAX_RESULTS, m.asText());
        }
        max = m.asInt();
      }
      return new Request(code.asText(), filter, nextToken, max);
    }

    boolean matches(Entitlement e) {
      return allows("CUSTOMER_IDENTIFIER", e.customerIdentifier())
          && allows("CUSTOMER_AWS_ACCOUNT_ID", e.awsAccountId())
          && allows("DIMENSION", e.dimension());
    }

    private boolean allows(String key, String value) {
      Set<String> values = filter.get(key);
      return values == null || values.contains(value);
    }

    /** Where the page starts: after the entitlement the token names. */
    int startIndex(List<Entitlement> ordered) {
      if (nextToken == null) {
        return 0;
      }
      String decoded;
      try {
        decoded = new String(Base64.getUrlDecoder().decode(nextToken), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw invalid("NextToken is not a token this service gave");
      }
      int slash = decoded.indexOf('/');
      if (slash < 0) {
        throw invalid("NextToken is not a token this service gave");
      }
      String account = decoded.substring(0, slash);
      String dimension = decoded.substring(slash + 1);
      for (int i = 0; i < ordered.size(); i++) {
        Entitlement e = ordered.get(i);
        int byAccount = e.awsAccountId().compareTo(account);
        if (byAccount > 0 || byAccount == 0 && e.dimension().compareTo(dimension) > 0) {
          return i;
        }
      }
      return ordered.size();
    }
  }
}
