package io.meterline.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.meterline.server.config.ServerConfig;
import io.meterline.server.config.StoreKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The server's database: a pool of connections for reads and the {@link Committer} through which
 * every write goes.
 *
 * <p>SQLite runs in WAL mode with {@code synchronous=FULL}, so a commit is fsync'd before it
 * returns; readers use their own read-only connections beside the one writer. PostgreSQL runs with
 * its default {@code synchronous_commit=on}.
 */
public final class Database implements AutoCloseable {
  private static final int READ_POOL_SIZE = 4;
  // Page caches in KiB (negative cache_size), SQLite's default size: a larger cache makes SQLite
  // walk it whole each time it truncates it, which costs the writer more than the cache saves
  // (docs/performance.md).
  private static final int WRITER_CACHE_KIB = 2 * 1024;
  private static final int READER_CACHE_KIB = 2 * 1024;
  // Readers map the database file instead of copying its pages in through the small cache: a
  // month's invoices or chart visit rows all over the table (docs/performance.md).
  private static final long READER_MMAP_BYTES = 1L << 30;

  private final Dialect dialect;
  private final HikariDataSource readPool;
  private final HikariDataSource writePool;
  private final Committer committer;
  private final Checkpointer checkpointer;
  private final int schemaVersion;

  private Database(
      Dialect dialect,
      HikariDataSource readPool,
      HikariDataSource writePool,
      Committer.ConnectionSource writerConnections,
      ServerConfig config,
      int schemaVersion,
      Checkpointer checkpointer) {
    this.dialect = dialect;
    this.checkpointer = checkpointer;
    this.readPool = readPool;
    this.writePool = writePool;
    this.schemaVersion = schemaVersion;
    this.committer =
        new Committer(
            "meterline-writer",
            writerConnections,
            dialect,
            config.commit().threads(),
            config.commit().maxBatch(),
            config.commit().queueCapacity(),
            config.commit().maxQueueWait());
  }

  /** Opens the configured database and migrates its schema to the newest version. */
  public static Database open(ServerConfig config, Clock clock) throws SQLException {
    return config.store() == StoreKind.SQLITE
        ? openSqlite(config, clock)
        : openPostgres(config, clock);
  }

  private static Database openSqlite(ServerConfig config, Clock clock) throws SQLException {
    Path file = config.dataDir().resolve("meterline.db");
    try {
      Files.createDirectories(config.dataDir());
    } catch (java.io.IOException e) {
      throw new SQLException("cannot create the data directory " + config.dataDir(), e);
    }
    String url = "jdbc:sqlite:" + file;
    SQLiteDataSource writer = sqlite(url, false, WRITER_CACHE_KIB);
    // Commits only append to the log; the checkpointer moves it into the database file.
    writer.getConfig().setPragma(SQLiteConfig.Pragma.WAL_AUTOCHECKPOINT, "0");
    writer.setConfig(writer.getConfig());
    int version;
    try (Connection c = writer.getConnection()) {
      version = Migrations.migrate(c, Dialect.SQLITE, clock);
    }
    HikariConfig reads = new HikariConfig();
    SQLiteDataSource readers = sqlite(url, true, READER_CACHE_KIB);
    readers.getConfig().setPragma(SQLiteConfig.Pragma.MMAP_SIZE, Long.toString(READER_MMAP_BYTES));
    readers.setConfig(readers.getConfig());
    reads.setDataSource(readers);
    reads.setMaximumPoolSize(READ_POOL_SIZE);
    reads.setPoolName("meterline-sqlite-read");
    reads.setReadOnly(true);
    SQLiteDataSource checkpoints = sqlite(url, false, READER_CACHE_KIB);
    return new Database(
        Dialect.SQLITE,
        new HikariDataSource(reads),
        null,
        writer::getConnection,
        config,
        version,
        new Checkpointer(checkpoints::getConnection));
  }

  private static SQLiteDataSource sqlite(String url, boolean readOnly, int cacheKib) {
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setCacheSize(-cacheKib);
    cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
    // FULL: the WAL is fsync'd at every commit, so an acknowledged write survives power loss.
    cfg.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    cfg.setBusyTimeout(10_000);
    cfg.setReadOnly(readOnly);
    SQLiteDataSource ds = new SQLiteDataSource(cfg);
    ds.setUrl(url);
    return ds;
  }

  private static Database openPostgres(ServerConfig config, Clock clock) throws SQLException {
    if (config
        .jdbcUrl()
        .toLowerCase(java.util.Locale.ROOT)
        .contains("rewritebatchedinserts=true")) {
      // Rewritten batches report no per-row counts, which the write path decides on.
      throw new SQLException(
          "--jdbc-url must not set reWriteBatchedInserts=true: Meterline needs the row count of "
              + "each batched insert");
    }
    HikariDataSource writes =
        postgresPool(config.jdbcUrl(), "meterline-pg-write", config.commit().threads() + 1);
    int version;
    try (Connection c = writes.getConnection()) {
      version = Migrations.migrate(c, Dialect.POSTGRES, clock);
    } catch (SQLException | RuntimeException e) {
      writes.close();
      throw e;
    }
    HikariDataSource reads = postgresPool(config.jdbcUrl(), "meterline-pg-read", READ_POOL_SIZE);
    return new Database(
        Dialect.POSTGRES, reads, writes, writes::getConnection, config, version, null);
  }

  private static HikariDataSource postgresPool(String url, String name, int size) {
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(url);
    cfg.setPoolName(name);
    cfg.setMaximumPoolSize(size);
    cfg.setMinimumIdle(1);
    // The write path reads per-row update counts of its batches, which rewritten batches lose.
    cfg.addDataSourceProperty("reWriteBatchedInserts", "false");
    cfg.addDataSourceProperty("ApplicationName", "meterline");
    // A success is answered only after its commit is durable, whatever the database's default.
    cfg.setConnectionInitSql("SET synchronous_commit TO on");
    return new HikariDataSource(cfg);
  }

  /** Which database this is. */
  public Dialect dialect() {
    return dialect;
  }

  /** The schema version after start-up migrations. */
  public int schemaVersion() {
    return schemaVersion;
  }

  /** Runs read-only work on a pooled connection, on the calling thread. */
  public <T> T read(SqlWork<T> work) {
    try (Connection c = readPool.getConnection()) {
      return work.apply(c);
    } catch (SQLException e) {
      throw new StoreException(e);
    }
  }

  /**
   * Runs write work in a committed transaction, through the committer; the future completes after
   * the commit. It fails with {@link StoreBusyException} at once when the write queue is full.
   */
  public <T> CompletableFuture<T> write(SqlWork<T> work) {
    TxJob<T> job = new TxJob<>(work, dialect);
    if (!committer.offer(job)) {
      return CompletableFuture.failedFuture(new StoreBusyException());
    }
    return job.future();
  }

  /** Queues a job for the committer; {@code false} when the queue is full. */
  public boolean submit(WriteJob<?> job) {
    return committer.offer(job);
  }

  /** The committer, for its figures. */
  public Committer committer() {
    return committer;
  }

  @Override
  public void close() {
    committer.close();
    if (checkpointer != null) {
      checkpointer.close();
    }
    readPool.close();
    if (writePool != null) {
      writePool.close();
    }
  }
}
