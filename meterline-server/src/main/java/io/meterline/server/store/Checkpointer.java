package io.meterline.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies SQLite's write-ahead log into the database file on a thread of its own, so that the
 * writer's commits only append to the log and fsync it (a checkpoint would otherwise land on
 * whichever commit crossed the log's size threshold). Durability does not depend on it: every
 * commit is already fsync'd in the log.
 */
final class Checkpointer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
  private static final long INTERVAL_MS = 200;

  private final Committer.ConnectionSource connections;
  private final Thread thread;
  private volatile boolean running = true;

  Checkpointer(Committer.ConnectionSource connections) {
    this.connections = connections;
    this.thread = new Thread(this::run, "meterline-checkpoint");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (running) {
      try (Connection c = connections.open();
          Statement s = c.createStatement()) {
        while (running) {
          // PASSIVE never waits for the writer or readers; it copies what it can.
          s.execute("PRAGMA wal_checkpoint(PASSIVE)");
          TimeUnit.MILLISECONDS.sleep(INTERVAL_MS);
        }
        s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (SQLException e) {
        // Keep trying: while nobody checkpoints, the log only grows.
        LOG.warn("WAL checkpoint failed; retrying in a second", e);
        try {
          TimeUnit.SECONDS.sleep(1);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
