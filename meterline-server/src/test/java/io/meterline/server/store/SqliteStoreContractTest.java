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
}
