package io.meterline.server.store;

import io.meterline.server.domain.Account;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Accounts and their SaaS customer identifiers. */
public final class AccountsTable {
  private static final String COLUMNS = "aws_account_id, customer_identifier, created_at";

  /**
   * Inserts an account.
   *
   * @param buyer whether it is created as a buyer (listed under {@code /buyers}); a seller's
   *     account is created with its first product
   */
  public void insert(Connection c, Account account, boolean buyer) throws SQLException {
    Jdbc.update(
        c,
        "INSERT INTO accounts (" + COLUMNS + ", buyer) VALUES (?, ?, ?, ?)",
        account.awsAccountId(),
        account.customerIdentifier(),
        account.createdAt(),
        buyer);
  }

  /** The ids of accounts after this id ({@code null}: from the first), in order. */
  public List<String> idsAfter(Connection c, String after, int limit) throws SQLException {
    return after == null
        ? Jdbc.query(
            c,
            "SELECT aws_account_id FROM accounts ORDER BY aws_account_id LIMIT ?",
            rs -> rs.getString(1),
            limit)
        : Jdbc.query(
            c,
            "SELECT aws_account_id FROM accounts WHERE aws_account_id > ? "
                + "ORDER BY aws_account_id LIMIT ?",
            rs -> rs.getString(1),
            after,
            limit);
  }

  /** Buyer accounts, newest first, after a position ({@code null} for the first page). */
  public List<Account> listBuyers(Connection c, Keyset after, int limit) throws SQLException {
    List<Object> args = new ArrayList<>();
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM accounts WHERE buyer = 1"
            + Keyset.page(after, "created_at", "aws_account_id", limit, args);
    return Jdbc.query(c, sql, AccountsTable::map, args.toArray());
  }

  public Account find(Connection c, String awsAccountId) throws SQLException {
    return Jdbc.queryOne(
        c,
        "SELECT " + COLUMNS + " FROM accounts WHERE aws_account_id = ?",
        AccountsTable::map,
        awsAccountId);
  }

  /** The accounts with these ids, by id; unknown ids are absent. */
  public Map<String, Account> findByIds(Connection c, List<String> ids) throws SQLException {
    return findBy(c, "aws_account_id", ids, Account::awsAccountId);
  }

  /** The accounts with these customer identifiers, by identifier; unknown ones are absent. */
  public Map<String, Account> findByCustomerIdentifiers(Connection c, List<String> identifiers)
      throws SQLException {
    return findBy(c, "customer_identifier", identifiers, Account::customerIdentifier);
  }

  private static Map<String, Account> findBy(
      Connection c,
      String column,
      List<String> values,
      java.util.function.Function<Account, String> key)
      throws SQLException {
    Map<String, Account> found = new HashMap<>();
    for (List<String> chunk : Jdbc.chunks(values.stream().distinct().toList())) {
      for (Account a :
          Jdbc.query(
              c,
              "SELECT "
                  + COLUMNS
                  + " FROM accounts WHERE "
                  + column
                  + " IN "
                  + Jdbc.placeholders(chunk.size()),
              AccountsTable::map,
              chunk.toArray())) {
        found.put(key.apply(a), a);
      }
    }
    return found;
  }

  private static Account map(ResultSet rs) throws SQLException {
    return new Account(
        rs.getString("aws_account_id"),
        rs.getString("customer_identifier"),
        Jdbc.instant(rs, "created_at"));
  }
}
