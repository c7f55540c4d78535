package io.meterline.server.licenses;

import io.meterline.server.config.StoreKind;
import io.meterline.server.testing.ServerExtension;
import io.meterline.server.testing.TestPostgres;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ContractProductsTest} on PostgreSQL (embedded, as the store contract's). */
class ContractProductsOnPostgresTest extends ContractProductsTest {
  @RegisterExtension
  static final ServerExtension server =
      ServerExtension.configured(
          b -> b.store(StoreKind.POSTGRES).jdbcUrl(TestPostgres.newDatabase()));

  @Override
  ServerExtension server() {
    return server;
  }
}
