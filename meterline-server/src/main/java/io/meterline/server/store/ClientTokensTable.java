package io.meterline.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** MeterUsage ClientTokens per caller identity, and the answer each was given. */
public final class ClientTokensTable {
  /** A token of one caller identity. */
  public record Key(String scope, String token) {}

  /** What a token was used for and the record id it answered with. */
  public record Stored(String fingerprint, String recordId) {}

  /** A token to reserve for a request still being decided. */
  public record Reservation(Key key, String fingerprint, String recordId) {}

  /**
   * Inserts each token unless it is taken (by another request, or a concurrent transaction that
   * then commits: the insert waits for it).
   *
   * @return for each reservation, whether it was inserted; keys must be distinct
   */
  public boolean[] reserve(Connection c, List<Reservation> reservations, Instant at)
      throws SQLException {
    return Jdbc.insertIgnoringTaken(
        c,
        "client_tokens (scope, token, fingerprint, record_id, created_at)",
        List.of("text", "text", "text", "text", "int8"),
        reservations,
        r -> new Object[] {r.key().scope(), r.key().token(), r.fingerprint(), r.recordId(), at},
        "scope, token",
        rs -> new Key(rs.getString(1), rs.getString(2)),
        Reservation::key);
  }

  /** The stored tokens among these keys. */
  public Map<Key, Stored> find(Connection c, List<Key> keys) throws SQLException {
    Map<Key, Stored> found = new HashMap<>();
    for (List<Key> chunk : Jdbc.chunks(keys)) {
      Object[] args = new Object[chunk.size() * 2];
      int i = 0;
      for (Key k : chunk) {
        args[i++] = k.scope();
        args[i++] = k.token();
      }
      Jdbc.query(
          c,
          "SELECT scope, token, fingerprint, record_id FROM client_tokens "
              + "WHERE (scope, token) IN "
              + Jdbc.rowPlaceholders(chunk.size(), 2),
          rs -> {
            found.put(
                new Key(rs.getString("scope"), rs.getString("token")),
                new Stored(rs.getString("fingerprint"), rs.getString("record_id")));
            return null;
          },
          args);
    }
    return found;
  }

  /** Points reserved tokens at the record ids their requests were finally answered with. */
  public void setRecordIds(Connection c, Map<Key, String> recordIds) throws SQLException {
    Jdbc.batch(
        c,
        "UPDATE client_tokens SET record_id = ? WHERE scope = ? AND token = ?",
        List.copyOf(recordIds.entrySet()),
        e -> new Object[] {e.getValue(), e.getKey().scope(), e.getKey().token()});
  }

  /** Releases reservations whose requests failed, so the token stays free. */
  public void release(Connection c, List<Key> keys) throws SQLException {
    Jdbc.batch(
        c,
        "DELETE FROM client_tokens WHERE scope = ? AND token = ?",
        keys,
        k -> new Object[] {k.scope(), k.token()});
  }
}
