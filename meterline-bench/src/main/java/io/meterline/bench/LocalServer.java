package io.meterline.bench;

import io.meterline.server.Meterline;
import io.meterline.server.MeterlineServer;
import io.meterline.server.config.ServerConfig;
import io.meterline.server.domain.UsageSource;
import io.meterline.server.store.Database;
import io.meterline.server.store.Dialect;
import java.net.InetSocketAddress;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A Meterline server started in this process: its write path is watched from inside (group-commit
 * queue, transaction times, bytes written, PostgreSQL's WAL) and its ledger counted in its
 * database.
 */
final class LocalServer implements ServerUnderTest, AutoCloseable {
  private final MeterlineServer server;
  private final boolean testClock;
  private final Admin admin;

  private LocalServer(MeterlineServer server, boolean testClock) {
    this.server = server;
    this.testClock = testClock;
    this.admin = new Admin(server.endpoint(), server.adminToken());
  }

  /** Starts a server with this configuration. */
  static LocalServer start(ServerConfig config) throws Exception {
    return new LocalServer(Meterline.start(config), config.testClock());
  }

  @Override
  public InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", server.port());
  }

  @Override
  public Admin admin() {
    return admin;
  }

  @Override
  public boolean testClock() {
    return testClock;
  }

  @Override
  public WritePathWatch watchWritePath() {
    Database db = server.database();
    ServerProbe probe = new ServerProbe(db.committer());
    PostgresWal before = PostgresWal.read(db);
    return answered -> {
      probe.close();
      String line = probe.summary();
      PostgresWal after = PostgresWal.read(db);
      if (before != null && after != null) {
        line += after.minus(before).describe(answered);
      }
      return line;
    };
  }

  @Override
  public LedgerRows ledgerRows(UsageSource source, List<String> productCodes) {
    String in = String.join(", ", Collections.nCopies(productCodes.size(), "?"));
    long rows =
        server
            .database()
            .read(
                c -> {
                  try (PreparedStatement s =
                      c.prepareStatement(
                          "SELECT count(*) FROM usage_records WHERE source = ? AND product_code IN ("
                              + in
                              + ")")) {
                    s.setString(1, source.name());
                    for (int i = 0; i < productCodes.size(); i++) {
                      s.setString(i + 2, productCodes.get(i));
                    }
                    try (ResultSet rs = s.executeQuery()) {
                      rs.next();
                      return rs.getLong(1);
                    }
                  }
                });
    return new LedgerRows(rows, null);
  }

  @Override
  public void close() {
    server.close();
  }

  /** PostgreSQL's WAL counters ({@code pg_stat_wal}, PostgreSQL 14+). */
  private record PostgresWal(long bytes, long syncs) {
    static PostgresWal read(Database db) {
      if (db.dialect() != Dialect.POSTGRES) {
        return null;
      }
      try {
        return db.read(
            c -> {
              try (Statement s = c.createStatement();
                  ResultSet rs = s.executeQuery("SELECT wal_bytes, wal_sync FROM pg_stat_wal")) {
                rs.next();
                return new PostgresWal(rs.getLong(1), rs.getLong(2));
              }
            });
      } catch (RuntimeException e) {
        return null;
      }
    }

    PostgresWal minus(PostgresWal before) {
      return new PostgresWal(bytes - before.bytes, syncs - before.syncs);
    }

    String describe(long requests) {
      return requests == 0
          ? ""
          : String.format(
              Locale.ROOT,
              "; PostgreSQL wrote %,d MB of WAL (%.1f KB per request) in %,d WAL syncs",
              bytes >> 20,
              bytes / 1024.0 / requests,
              syncs);
    }
  }
}
