package io.meterline.server.store;

import static org.assertj.core.api.Assertions.assertThat;

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
  void postgres_commitsSynchronously() {
    String setting = write(c -> Jdbc.queryOne(c, "SHOW synchronous_commit", rs -> rs.getString(1)));
    assertThat(setting).isEqualTo("on");
  }
}
