package io.meterline.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meterline.server.config.ServerConfig;
import io.meterline.server.domain.UsageQuery;
import java.nio.file.Path;
import java.time.Duration;
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
  void readers_mapTheDatabaseFile() {
    long mapped = db.read(c -> Jdbc.queryOne(c, "PRAGMA mmap_size", rs -> rs.getLong(1)));

    assertThat(mapped).isEqualTo(1L << 30);
  }

  @Test
  void ledgerQuery_overSomeHours_readsThemThroughTheHourIndex() {
    List<Object> args = new ArrayList<>();
    String sql =
        UsageRecordsTable.querySql(
            new UsageQuery("prodcode1", "444455556666", T0, T0.plusSeconds(7200), 100), args, true);

    List<String> plan = plan(sql, args);

    assertThat(plan).anySatisfy(step -> assertThat(step).contains("usage_records_by_hour"));
  }

  /** A usage page resumes inside the hour index: no sort of the hour's entries, at any depth. */
  @Test
  void usagePage_afterAPosition_readsTheHourIndexInOrder_withoutSorting() {
    List<Object> args = new ArrayList<>();
    String sql =
        UsageRecordsTable.querySql(
            new UsageQuery("prodcode1", null, null, null, 100, new UsageQuery.After(T0, "12345")),
            args,
            true);

    List<String> plan = plan(sql, args);

    assertThat(plan).anySatisfy(step -> assertThat(step).contains("usage_records_by_hour"));
    assertThat(plan).noneSatisfy(step -> assertThat(step).contains("TEMP B-TREE"));
  }

  /** A product's chart reads that product's entries, not the hours' of every product. */
  @Test
  void productTotals_readThroughTheProductIndex() {
    List<Object> args = new ArrayList<>();
    String sql =
        UsageRecordsTable.totalsSql("prodcode1", null, T0, T0.plus(Duration.ofDays(31)), args);

    assertThat(plan(sql, args))
        .anySatisfy(step -> assertThat(step).contains("USING INDEX usage_records_by_product_hour"));
  }

  @Test
  void usagePage_afterAPositionThatIsNotARowNumber_isRefused() {
    UsageQuery q =
        new UsageQuery("prodcode1", null, null, null, 3, new UsageQuery.After(T0, "not-a-row"));

    assertThatThrownBy(() -> db.read(c -> tables.usage().query(c, q)))
        .hasMessageContaining("not a position in this ledger: not-a-row");
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
      List<String> plan = plan(sql, args.get(i));

      assertThat(plan).as(sql).noneMatch(step -> step.contains("TEMP B-TREE"));
      assertThat(plan).as(sql).anyMatch(step -> step.contains("_newest"));
    }
  }

  /** SQLite's plan for a query, one step per element. */
  private List<String> plan(String sql, List<Object> args) {
    return db.read(
        c ->
            Jdbc.query(
                c, "EXPLAIN QUERY PLAN " + sql, rs -> rs.getString("detail"), args.toArray()));
  }
}
