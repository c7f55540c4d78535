package io.meterline.server.licenses;

import io.meterline.server.testing.ServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ContractProductsTest} on SQLite. */
class ContractProductsOnSqliteTest extends ContractProductsTest {
  @RegisterExtension static final ServerExtension server = ServerExtension.withDefaults();

  @Override
  ServerExtension server() {
    return server;
  }
}
