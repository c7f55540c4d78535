package io.meterline.server.store;

import io.meterline.server.domain.AccessKey;
import io.meterline.server.domain.KeyKind;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Long-term access keys. Their secrets are derived from the master key, never stored. */
public final class AccessKeysTable {
  public void insert(Connection c, AccessKey key) throws SQLException {
    Jdbc.update(
        c,
        "INSERT INTO access_keys (access_key_id, aws_account_id, kind, created_at) "
            + "VALUES (?, ?, ?, ?)",
        key.accessKeyId(),
        key.awsAccountId(),
        key.kind().name(),
        key.createdAt());
  }

  public AccessKey find(Connection c, String accessKeyId) throws SQLException {
    return Jdbc.queryOne(
        c,
        "SELECT access_key_id, aws_account_id, kind, created_at "
            + "FROM access_keys WHERE access_key_id = ?",
        AccessKeysTable::map,
        accessKeyId);
  }

  private static AccessKey map(ResultSet rs) throws SQLException {
    return new AccessKey(
        rs.getString("access_key_id"),
        rs.getString("aws_account_id"),
        KeyKind.valueOf(rs.getString("kind")),
        Jdbc.instant(rs, "created_at"));
  }
}
