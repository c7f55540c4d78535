package io.meterline.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: writer threads drain a bounded queue of {@link WriteJob}s and apply as many as are
 * waiting in one transaction, so one fsync'd commit acknowledges many requests.
 *
 * <p>Notes on the design:
 *
 * <ul>
 *   <li>A job's outcome is delivered only after its transaction commits: nothing is acknowledged
 *       before it is durable (SPEC §5).
 *   <li>The queue is bounded, in jobs and in time. {@link #offer} refuses work when it is full or
 *       when the oldest waiting job has waited longer than the limit, so an overloaded server
 *       answers at once instead of queueing without limit.
 *   <li>Outcomes are delivered on a separate thread: what the callers do with them (build and send
 *       the replies) does not hold up the next transaction.
 *   <li>A writer survives any failure of a batch, even an {@link Error} such as running out of
 *       memory: the batch's callers get the error and the writer goes on with the next.
 *   <li>A batch whose transaction fails with a retryable error (busy, deadlock, serialization) is
 *       run again. Any other failure splits the batch into single-job transactions, so one bad job
 *       cannot fail the requests that happened to share its transaction.
 *   <li>SQLite runs one writer; PostgreSQL several, each with its own connection.
 * </ul>
 */
public final class Committer implements AutoCloseable {
  /** Supplies a connection for a writer thread; autocommit is turned off by the committer. */
  @FunctionalInterface
  public interface ConnectionSource {
    Connection open() throws SQLException;
  }

  private static final Logger LOG = LoggerFactory.getLogger(Committer.class);
  private static final int MAX_ATTEMPTS = 5;
  // Committed batches waiting for the delivery thread.
  private static final int DELIVERY_QUEUE_BATCHES = 1024;

  private final BlockingQueue<WriteJob<?>> queue;
  private final ConnectionSource connections;
  private final Dialect dialect;
  private final int maxBatch;
  private final long maxQueueWaitNanos;
  private final ExecutorService delivery;
  private final List<Thread> writers = new ArrayList<>();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong jobs = new AtomicLong();
  private final AtomicLong applyNanos = new AtomicLong();
  private final AtomicLong commitNanos = new AtomicLong();
  private volatile boolean running = true;
  private volatile java.util.function.IntConsumer onCommit = n -> {};

  public Committer(
      String name,
      ConnectionSource connections,
      Dialect dialect,
      int threads,
      int maxBatch,
      int queueCapacity,
      Duration maxQueueWait) {
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.connections = connections;
    this.dialect = dialect;
    this.maxBatch = maxBatch;
    this.maxQueueWaitNanos = maxQueueWait.toNanos();
    // One delivery thread per writer. Its queue holds committed batches not yet delivered;
    // delivering one (completing futures whose replies are built elsewhere) is quick next to a
    // commit, so it stays short. It is bounded all the same: when it is full the writer delivers
    // the batch itself (see afterCommit), which slows the commits down instead of queueing.
    AtomicInteger deliverers = new AtomicInteger();
    this.delivery =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(DELIVERY_QUEUE_BATCHES),
            r -> {
              Thread t = new Thread(r, name + "-deliver-" + deliverers.getAndIncrement());
              t.setDaemon(true);
              return t;
            });
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(this::runWriter, name + "-" + i);
      t.setDaemon(true);
      writers.add(t);
      t.start();
    }
  }

  /**
   * Queues a job; {@code false} when the queue is full or its oldest job has waited too long (the
   * caller answers "busy").
   */
  public boolean offer(WriteJob<?> job) {
    if (!running) {
      return false;
    }
    long now = System.nanoTime();
    WriteJob<?> oldest = queue.peek();
    if (oldest != null && now - oldest.queuedAt > maxQueueWaitNanos) {
      return false;
    }
    job.queuedAt = now;
    return queue.offer(job);
  }

  /** Tells the listener the size of every committed batch (for metrics). */
  public void onCommit(java.util.function.IntConsumer listener) {
    this.onCommit = listener;
  }

  /** Jobs waiting for a writer. */
  public int queueDepth() {
    return queue.size();
  }

  /** Transactions committed so far. */
  public long batchesCommitted() {
    return batches.get();
  }

  /** Jobs committed so far. */
  public long jobsCommitted() {
    return jobs.get();
  }

  /** Time spent so far running committed transactions' statements, in nanoseconds. */
  public long applyNanos() {
    return applyNanos.get();
  }

  /**
   * Time spent so far in committed transactions' commits (on SQLite, writing and fsyncing the log),
   * in nanoseconds.
   */
  public long commitNanos() {
    return commitNanos.get();
  }

  private void runWriter() {
    Connection connection = null;
    List<WriteJob<?>> batch = new ArrayList<>(maxBatch);
    while (running || !queue.isEmpty()) {
      try {
        WriteJob<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        connection = ensureOpen(connection);
        connection = commitBatch(connection, batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (SQLException | RuntimeException | Error e) {
        // An Error (out of memory, say) may have struck mid-transaction: its connection goes,
        // uncommitted, and the writer lives on for the next batch.
        LOG.error("writer could not run a batch of {} jobs", batch.size(), e);
        batch.forEach(job -> job.abort(e));
        connection = closeQuietly(connection);
      } finally {
        batch.clear();
      }
    }
    closeQuietly(connection);
  }

  private Connection commitBatch(Connection connection, List<WriteJob<?>> batch)
      throws SQLException {
    Exception failure = null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      // Each attempt decides afresh: what a rolled-back attempt decided goes with it.
      Decisions decisions = new Decisions();
      try {
        long began = System.nanoTime();
        applyAll(connection, batch, decisions);
        long applied = System.nanoTime();
        connection.commit();
        applyNanos.addAndGet(applied - began);
        commitNanos.addAndGet(System.nanoTime() - applied);
      } catch (SQLException e) {
        failure = e;
        connection = rollbackOrReopen(connection, e);
        if (!dialect.isRetryable(e) && !Dialect.isConnectionLost(e)) {
          break;
        }
        continue;
      } catch (RuntimeException e) {
        failure = e;
        connection = rollbackOrReopen(connection, null);
        break;
      }
      // Committed: from here on nothing may send these jobs back through a retry or an abort.
      afterCommit(batch, decisions);
      return connection;
    }
    if (batch.size() > 1) {
      for (WriteJob<?> job : batch) {
        connection = commitBatch(connection, List.of(job));
      }
      return connection;
    }
    LOG.error("a write failed and was not committed", failure);
    batch.get(0).abort(failure instanceof SQLException e ? new StoreException(e) : failure);
    return connection;
  }

  /**
   * Counts the batch and hands its outcomes to the delivery thread (delivered inline if it has
   * stopped or its queue is full).
   */
  private void afterCommit(List<WriteJob<?>> batch, Decisions decisions) {
    batch.forEach(WriteJob::markCommitted);
    batches.incrementAndGet();
    jobs.addAndGet(batch.size());
    try {
      onCommit.accept(batch.size());
    } catch (RuntimeException e) {
      LOG.warn("commit listener failed", e);
    }
    List<WriteJob<?>> committed = List.copyOf(batch);
    try {
      delivery.execute(() -> committed.forEach(decisions::deliver));
    } catch (RejectedExecutionException e) {
      committed.forEach(decisions::deliver);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void applyAll(Connection connection, List<WriteJob<?>> batch, Decisions decisions)
      throws SQLException {
    Map<BatchHandler<?>, List<WriteJob<?>>> byHandler = new IdentityHashMap<>();
    for (WriteJob<?> job : batch) {
      byHandler.computeIfAbsent(job.handler(), h -> new ArrayList<>()).add(job);
    }
    List<BatchHandler<?>> handlers = new ArrayList<>(byHandler.keySet());
    handlers.sort(Comparator.comparingInt(BatchHandler::order));
    for (BatchHandler handler : handlers) {
      handler.apply(connection, byHandler.get(handler), decisions);
    }
  }

  private Connection ensureOpen(Connection connection) throws SQLException {
    if (connection != null) {
      return connection;
    }
    Connection opened = connections.open();
    opened.setAutoCommit(false);
    return opened;
  }

  private Connection rollbackOrReopen(Connection connection, SQLException cause)
      throws SQLException {
    try {
      connection.rollback();
      if (cause == null || !Dialect.isConnectionLost(cause)) {
        return connection;
      }
    } catch (SQLException e) {
      LOG.warn("rollback failed; reopening the writer connection", e);
    }
    closeQuietly(connection);
    return ensureOpen(null);
  }

  private static Connection closeQuietly(Connection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.debug("closing a writer connection failed", e);
      }
    }
    return null;
  }

  /** Stops taking work, finishes what is queued, delivers its outcomes, and stops the writers. */
  @Override
  public void close() {
    running = false;
    try {
      for (Thread writer : writers) {
        writer.join(TimeUnit.SECONDS.toMillis(10));
      }
      delivery.shutdown();
      delivery.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
