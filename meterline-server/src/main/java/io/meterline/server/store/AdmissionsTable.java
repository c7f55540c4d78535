package io.meterline.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Which tasks and pods have been admitted for which products (SPEC §1.1 "Entitlement"). */
public final class AdmissionsTable {
  /** A task or pod and a product it may use. */
  public record Admission(String taskId, String productCode) {}

  /** The admissions among these that exist. */
  public Set<Admission> findExisting(Connection c, List<Admission> candidates) throws SQLException {
    Set<Admission> found = new HashSet<>();
    for (List<Admission> chunk : Jdbc.chunks(candidates)) {
      Object[] args = new Object[chunk.size() * 2];
      int i = 0;
      for (Admission a : chunk) {
        args[i++] = a.taskId();
        args[i++] = a.productCode();
      }
      found.addAll(
          Jdbc.query(
              c,
              "SELECT task_id, product_code FROM task_admissions "
                  + "WHERE (task_id, product_code) IN "
                  + Jdbc.rowPlaceholders(chunk.size(), 2),
              rs -> new Admission(rs.getString("task_id"), rs.getString("product_code")),
              args));
    }
    return found;
  }

  /** The products a task has been admitted for. */
  public List<String> productsOf(Connection c, String taskId) throws SQLException {
    return Jdbc.query(
        c,
        "SELECT product_code FROM task_admissions WHERE task_id = ? ORDER BY product_code",
        rs -> rs.getString(1),
        taskId);
  }

  /** Records admissions; ones that exist already are left as they are. */
  public void insert(Connection c, List<Admission> admissions, Instant at) throws SQLException {
    Jdbc.batch(
        c,
        "INSERT INTO task_admissions (task_id, product_code, admitted_at) "
            + "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        admissions,
        a -> new Object[] {a.taskId(), a.productCode(), at});
  }
}
