package io.meterline.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.meterline.server.config.ServerConfig;
import io.meterline.server.domain.UsageQuery;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The storage contract on SQLite. */
class SqliteStoreContractTest extends StoreContract {
  @Override
  ServerConfig config(Path dir) {
    return ServerConfig.builder(dir).build();
  }

  @Test
  void sqlite_runsInWalMode_andTheWriterSyncsEveryCommit() {
    String mode = db.read(c -> Jdbc.queryOne(c, "PRAGMA journal_mode", rs -> rs.getString(1)));
    assertThat(mode).isEqualToIgnoringCase("wal");
    // 2 is FULL: the log is fsync'd at every commit, so an acknowledged write is durable.
    int synchronous = write(c -> Jdbc.queryOne(c, "PRAGMA synchronous", rs -> rs.getInt(1)));
    assertThat(synchronous).isEqualTo(2);
  }

  @Test
  void ledgerQuery_overSomeHours_readsThemThroughTheHourIndex() {
    List<Object> args = new ArrayList<>();
    String sql =
        UsageRecordsTable.querySql(
            new UsageQuery("prodcode1", "444455556666", T0, T0.plusSeconds(7200), 100), args);

    List<String> plan =
        db.read(
            c ->
                Jdbc.query(
                    c, "EXPLAIN QUERY PLAN " + sql, rs -> rs.getString("detail"), args.toArray()));

    assertThat(plan).anySatisfy(step -> assertThat(step).contains("usage_records_by_hour"));
  }

  /** A list page reads its index in order: no sort of the whole table, at any depth. */
  @Test
  void listQueries_readTheirIndexInOrder_withoutSorting() {
    Keyset after = new Keyset(T0, "x");
    List<List<Object>> args = new ArrayList<>();
    List<String> queries = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      args.add(new ArrayList<>());
    }
    queries.add(SubscriptionsTable.listSql(null, null, null, after, 10, args.get(0)));
    queries.add(SubscriptionsTable.listSql(null, "444455556666", true, after, 10, args.get(1)));
    queries.add(SubscriptionsTable.listSql("prodcode1", null, null, after, 10, args.get(2)));
    queries.add(TasksTable.listSql("444455556666", "prodcode1", null, after, 10, args.get(3)));
    queries.add(TasksTable.listSql(null, null, false, after, 10, args.get(4)));

    for (int i = 0; i < queries.size(); i++) {
      String sql = queries.get(i);
      Object[] bound = args.get(i).toArray();
      List<String> plan =
          db.read(
              c -> Jdbc.query(c, "EXPLAIN QUERY PLAN " + sql, rs -> rs.getString("detail"), bound));

      assertThat(plan).as(sql).noneMatch(step -> step.contains("TEMP B-TREE"));
      assertThat(plan).as(sql).anyMatch(step -> step.contains("_newest"));
    }
  }
}
