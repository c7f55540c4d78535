package io.meterline.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meterline.server.domain.ContractLine;
import io.meterline.server.domain.ContractTerm;
import io.meterline.server.domain.Subscription;
import io.meterline.wire.crypto.Hashing;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Subscriptions, with the hash (never the text) of their SaaS registration tokens. */
public final class SubscriptionsTable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<ContractLine>> CONTRACT = new TypeReference<>() {};
  private static final String COLUMNS =
      "subscription_id, product_code, aws_account_id, "
          + "started_at, ended_at, token_expires_at, contract, contract_ends_at, contract_history";

  /** Inserts a subscription; a registration token ({@code null} if none) is stored hashed. */
  public void insert(Connection c, Subscription s, String registrationToken) throws SQLException {
    Jdbc.update(
        c,
        "INSERT INTO subscriptions ("
            + COLUMNS
            + ", registration_token_hash) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        s.subscriptionId(),
        s.productCode(),
        s.awsAccountId(),
        s.startedAt(),
        s.endedAt(),
        s.tokenExpiresAt(),
        encodeContract(s.contract()),
        s.contractEndsAt(),
        encodeHistory(s.amendments()),
        registrationToken == null ? null : hashToken(registrationToken));
  }

  public Subscription find(Connection c, String subscriptionId) throws SQLException {
    return Jdbc.queryOne(
        c,
        "SELECT " + COLUMNS + " FROM subscriptions " + "WHERE subscription_id = ?",
        SubscriptionsTable::map,
        subscriptionId);
  }

  /** The subscription a registration token was minted for, or {@code null}. */
  public Subscription findByToken(Connection c, String registrationToken) throws SQLException {
    return Jdbc.queryOne(
        c,
        "SELECT " + COLUMNS + " FROM subscriptions " + "WHERE registration_token_hash = ?",
        SubscriptionsTable::map,
        hashToken(registrationToken));
  }

  // Only the hash is kept: a copy of the database must not yield tokens that resolve.
  private static String hashToken(String token) {
    return Hashing.sha256Hex(token.getBytes(StandardCharsets.UTF_8));
  }

  /** The active subscription of an account to a product, or {@code null}. */
  public Subscription findActive(Connection c, String productCode, String awsAccountId)
      throws SQLException {
    return Jdbc.queryOne(
        c,
        "SELECT "
            + COLUMNS
            + " FROM subscriptions WHERE product_code = ? "
            + "AND aws_account_id = ? AND ended_at IS NULL",
        SubscriptionsTable::map,
        productCode,
        awsAccountId);
  }

  /** Every subscription, past or present, of these accounts to a product. */
  public List<Subscription> findAll(Connection c, String productCode, List<String> accountIds)
      throws SQLException {
    List<Subscription> found = new ArrayList<>();
    for (List<String> chunk : Jdbc.chunks(accountIds.stream().distinct().toList())) {
      Object[] args = new Object[chunk.size() + 1];
      args[0] = productCode;
      for (int i = 0; i < chunk.size(); i++) {
        args[i + 1] = chunk.get(i);
      }
      found.addAll(
          Jdbc.query(
              c,
              "SELECT "
                  + COLUMNS
                  + " FROM subscriptions "
                  + "WHERE product_code = ? AND aws_account_id IN "
                  + Jdbc.placeholders(chunk.size()),
              SubscriptionsTable::map,
              args));
    }
    return found;
  }

  /**
   * Subscriptions, newest first, after a position ({@code null} for the first page); {@code null}
   * filters do not filter.
   *
   * @param active {@code true} for active ones only, {@code false} for ended ones only
   */
  public List<Subscription> list(
      Connection c,
      String productCode,
      String awsAccountId,
      Boolean active,
      Keyset after,
      int limit)
      throws SQLException {
    List<Object> args = new ArrayList<>();
    String sql = listSql(productCode, awsAccountId, active, after, limit, args);
    return Jdbc.query(c, sql, SubscriptionsTable::map, args.toArray());
  }

  /** Every subscription {@link #list} would page through, read a thousand at a time. */
  public List<Subscription> listAll(
      Connection c, String productCode, String awsAccountId, Boolean active) throws SQLException {
    List<Subscription> all = new ArrayList<>();
    Keyset after = null;
    List<Subscription> page;
    do {
      page = list(c, productCode, awsAccountId, active, after, LIST_ALL_PAGE);
      all.addAll(page);
      if (!page.isEmpty()) {
        Subscription last = page.get(page.size() - 1);
        after = new Keyset(last.startedAt(), last.subscriptionId());
      }
    } while (page.size() == LIST_ALL_PAGE);
    return all;
  }

  private static final int LIST_ALL_PAGE = 1000;

  /** The SQL of {@link #list}; its arguments are added to {@code args}. */
  static String listSql(
      String productCode,
      String awsAccountId,
      Boolean active,
      Keyset after,
      int limit,
      List<Object> args) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM subscriptions WHERE 1 = 1");
    if (productCode != null) {
      sql.append(" AND product_code = ?");
      args.add(productCode);
    }
    if (awsAccountId != null) {
      sql.append(" AND aws_account_id = ?");
      args.add(awsAccountId);
    }
    if (active != null) {
      sql.append(active ? " AND ended_at IS NULL" : " AND ended_at IS NOT NULL");
    }
    sql.append(Keyset.page(after, "started_at", "subscription_id", limit, args));
    return sql.toString();
  }

  /**
   * The subscriptions active at the last moment before {@code end}: started before it, not ended
   * before it; by account, then product.
   */
  public List<Subscription> activeAtEndOf(Connection c, Instant end) throws SQLException {
    return Jdbc.query(
        c,
        "SELECT "
            + COLUMNS
            + " FROM subscriptions WHERE started_at < ? AND (ended_at IS NULL OR ended_at >= ?) "
            + "ORDER BY aws_account_id, product_code, started_at",
        SubscriptionsTable::map,
        end,
        end);
  }

  /** Every subscription of an account, past or present, oldest first. */
  public List<Subscription> ofAccount(Connection c, String awsAccountId) throws SQLException {
    return Jdbc.query(
        c,
        "SELECT "
            + COLUMNS
            + " FROM subscriptions WHERE aws_account_id = ? ORDER BY started_at, subscription_id",
        SubscriptionsTable::map,
        awsAccountId);
  }

  /** Ends an active subscription; {@code false} when it was not active. */
  public boolean end(Connection c, String subscriptionId, Instant at) throws SQLException {
    return Jdbc.update(
            c,
            "UPDATE subscriptions SET ended_at = ? WHERE subscription_id = ? "
                + "AND ended_at IS NULL",
            at,
            subscriptionId)
        == 1;
  }

  /**
   * Takes the subscription's row lock for the transaction: amendments, checkouts and the end of one
   * subscription take turns.
   */
  public void lock(Connection c, String subscriptionId) throws SQLException {
    Jdbc.update(
        c,
        "UPDATE subscriptions SET subscription_id = subscription_id WHERE subscription_id = ?",
        subscriptionId);
  }

  /**
   * Stores a subscription's amended contract: the version in force, its end and the earlier
   * versions.
   */
  public void amend(Connection c, Subscription s) throws SQLException {
    Jdbc.update(
        c,
        "UPDATE subscriptions SET contract = ?, contract_ends_at = ?, contract_history = ? "
            + "WHERE subscription_id = ?",
        encodeContract(s.contract()),
        s.contractEndsAt(),
        encodeHistory(s.amendments()),
        s.subscriptionId());
  }

  // [{since, until, endsAt, lines}] with times in epoch ms; NULL when never amended.
  private static String encodeHistory(List<ContractTerm> terms) {
    if (terms.isEmpty()) {
      return null;
    }
    ArrayNode out = JSON.createArrayNode();
    for (ContractTerm t : terms) {
      ObjectNode term = out.addObject();
      term.put("since", t.since().toEpochMilli());
      term.put("until", t.until().toEpochMilli());
      term.put("endsAt", t.endsAt() == null ? null : t.endsAt().toEpochMilli());
      term.set("lines", JSON.valueToTree(t.lines()));
    }
    return out.toString();
  }

  private static List<ContractTerm> decodeHistory(String text) {
    if (text == null) {
      return List.of();
    }
    try {
      List<ContractTerm> terms = new ArrayList<>();
      for (JsonNode t : JSON.readTree(text)) {
        JsonNode ends = t.get("endsAt");
        terms.add(
            new ContractTerm(
                Instant.ofEpochMilli(t.get("since").asLong()),
                Instant.ofEpochMilli(t.get("until").asLong()),
                ends == null || ends.isNull() ? null : Instant.ofEpochMilli(ends.asLong()),
                JSON.convertValue(t.get("lines"), CONTRACT)));
      }
      return terms;
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalStateException("stored contract history is not valid: " + text, e);
    }
  }

  static String encodeContract(List<ContractLine> lines) {
    try {
      return JSON.writeValueAsString(lines);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("contract lines always serialize", e);
    }
  }

  static List<ContractLine> decodeContract(String text) {
    try {
      return JSON.readValue(text, CONTRACT);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored contract is not valid JSON: " + text, e);
    }
  }

  private static Subscription map(ResultSet rs) throws SQLException {
    return new Subscription(
        rs.getString("subscription_id"),
        rs.getString("product_code"),
        rs.getString("aws_account_id"),
        Jdbc.instant(rs, "started_at"),
        Jdbc.instant(rs, "ended_at"),
        Jdbc.instant(rs, "token_expires_at"),
        decodeContract(rs.getString("contract")),
        Jdbc.instant(rs, "contract_ends_at"),
        decodeHistory(rs.getString("contract_history")));
  }
}
