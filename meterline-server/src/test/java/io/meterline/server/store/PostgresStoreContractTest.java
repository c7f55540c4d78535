package io.meterline.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meterline.server.config.ServerConfig;
import io.meterline.server.config.StoreKind;
import io.meterline.server.testing.TestPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The storage contract on PostgreSQL (embedded, started by the tests). */
class PostgresStoreContractTest extends StoreContract {
  @Override
  ServerConfig config(Path dir) {
    return ServerConfig.builder(dir)
        .store(StoreKind.POSTGRES)
        .jdbcUrl(TestPostgres.newDatabase())
        .build();
  }

  @Test
  void jdbcUrlWithRewrittenBatches_isRefusedAtStart_forTheWritePathNeedsRowCounts()
      throws Exception {
    ServerConfig rewriting =
        ServerConfig.builder(java.nio.file.Files.createTempDirectory("meterline-store"))
            .store(StoreKind.POSTGRES)
            .jdbcUrl(TestPostgres.newDatabase() + "&reWriteBatchedInserts=true")
            .build();
    assertThatThrownBy(() -> Database.open(rewriting, java.time.Clock.systemUTC()))
        .isInstanceOf(java.sql.SQLException.class)
        .hasMessageContaining("reWriteBatchedInserts");
  }

  @Test
  void postgres_commitsSynchronously() {
    String setting = write(c -> Jdbc.queryOne(c, "SHOW synchronous_commit", rs -> rs.getString(1)));
    assertThat(setting).isEqualTo("on");
  }
}
