package io.meterline.server.store;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.meterline.server.domain.AccessKey;
import io.meterline.server.domain.Product;
import io.meterline.server.domain.Task;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-through caches of what the data plane looks up on every request: products, tasks and access
 * keys.
 *
 * <p>A hit completes at once on the calling (network) thread; a miss reads the database on the
 * blocking executor. Products and access keys expire a second after they were loaded, so a change
 * made by another server sharing the database shows within a second; this server's own admin
 * changes invalidate at once.
 *
 * <p>Tasks never change once started, except that they stop. A running task stays cached while it
 * is used (a task meters hourly), and the database's stop counter ({@link TasksTable#stopCount}),
 * read every {@link #STOP_POLL}, tells when any task has stopped: every task loaded before that
 * reading is then read again at its next use. So a stop made anywhere shows within about a second,
 * at the cost of one small read per second instead of one per request. A task not found is asked
 * again after a second (it may be created on another server).
 */
public final class Lookups {
  private static final Logger LOG = LoggerFactory.getLogger(Lookups.class);
  private static final Duration FRESHNESS = Duration.ofSeconds(1);
  private static final Duration TASK_IDLE = Duration.ofHours(2);
  static final Duration STOP_POLL = Duration.ofMillis(500);

  /** A task as read, with the stop counter this server had seen before reading it. */
  private record LoadedTask(Optional<Task> task, long stopsSeen) {}

  private final Database db;
  private final Tables tables;
  private final AsyncLoadingCache<String, Optional<Product>> products;
  private final AsyncLoadingCache<String, LoadedTask> tasks;
  private final AsyncLoadingCache<String, Optional<AccessKey>> accessKeys;
  private final Executor executor;
  // The stop counter as last read; a failed reading sets a value the counter never has, so that
  // every cached task is read again.
  private final AtomicLong stopsSeen = new AtomicLong();
  private final AtomicLong failedReadings = new AtomicLong();

  public Lookups(Database db, Tables tables, Executor executor) {
    this.db = db;
    this.tables = tables;
    this.executor = executor;
    this.products = cache(executor, 10_000, code -> db.read(c -> tables.products().find(c, code)));
    this.tasks =
        Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfter(new TaskExpiry())
            .executor(executor)
            .buildAsync(this::loadTask);
    this.accessKeys = cache(executor, 10_000, id -> db.read(c -> tables.accessKeys().find(c, id)));
    readStops();
  }

  /** Reads the stop counter every {@link #STOP_POLL} on the given timer, until it shuts down. */
  public void watchTaskStops(ScheduledExecutorService timer) {
    long millis = STOP_POLL.toMillis();
    timer.scheduleWithFixedDelay(this::readStops, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Reads the stop counter now (the timer does so every {@link #STOP_POLL}). */
  void readStops() {
    try {
      stopsSeen.set(db.read(c -> tables.tasks().stopCount(c)));
    } catch (RuntimeException e) {
      // Counts are never negative: every cached task is read again until a reading succeeds.
      stopsSeen.set(-1 - failedReadings.incrementAndGet());
      LOG.warn("could not read the task stop counter; cached tasks will be read again", e);
    }
  }

  /** A task found stays while it is used; one not found is asked again after a second. */
  private static final class TaskExpiry implements Expiry<String, LoadedTask> {
    @Override
    public long expireAfterCreate(String id, LoadedTask loaded, long now) {
      return (loaded.task().isPresent() ? TASK_IDLE : FRESHNESS).toNanos();
    }

    @Override
    public long expireAfterUpdate(String id, LoadedTask loaded, long now, long current) {
      return expireAfterCreate(id, loaded, now);
    }

    @Override
    public long expireAfterRead(String id, LoadedTask loaded, long now, long current) {
      return loaded.task().isPresent() ? TASK_IDLE.toNanos() : current;
    }
  }

  private LoadedTask loadTask(String taskId) {
    long seen = stopsSeen.get();
    return new LoadedTask(Optional.ofNullable(db.read(c -> tables.tasks().find(c, taskId))), seen);
  }

  private static <V> AsyncLoadingCache<String, Optional<V>> cache(
      Executor executor, long size, java.util.function.Function<String, V> loader) {
    return Caffeine.newBuilder()
        .maximumSize(size)
        .expireAfterWrite(FRESHNESS)
        .executor(executor)
        .buildAsync(key -> Optional.ofNullable(loader.apply(key)));
  }

  /** The product with this code, possibly a second stale. */
  public CompletableFuture<Optional<Product>> product(String productCode) {
    return products.get(productCode);
  }

  /**
   * The product read from the database now, bypassing the cache; used before answering that a
   * product, dimension or key version does not exist, in case it was just created elsewhere.
   */
  public CompletableFuture<Optional<Product>> productFresh(String productCode) {
    products.synchronous().invalidate(productCode);
    return products.get(productCode);
  }

  /**
   * The task with this id; a stop made by another server shows within about a second (a task cached
   * before the stop counter last moved is read again).
   */
  public CompletableFuture<Optional<Task>> task(String taskId) {
    return tasks
        .get(taskId)
        .thenCompose(
            loaded -> {
              boolean current =
                  loaded.stopsSeen() == stopsSeen.get()
                      || loaded.task().map(Task::isStopped).orElse(false);
              if (current) {
                return CompletableFuture.completedFuture(loaded.task());
              }
              tasks.synchronous().invalidate(taskId);
              return tasks.get(taskId).thenApply(LoadedTask::task);
            });
  }

  /** The long-term access key with this id, possibly a second stale. */
  public CompletableFuture<Optional<AccessKey>> accessKey(String accessKeyId) {
    return accessKeys.get(accessKeyId);
  }

  /** Forgets a product after this server changed it. */
  public void invalidateProduct(String productCode) {
    products.synchronous().invalidate(productCode);
  }

  /** Forgets a task after this server changed it. */
  public void invalidateTask(String taskId) {
    tasks.synchronous().invalidate(taskId);
  }

  /** Forgets an access key after this server changed it. */
  public void invalidateAccessKey(String accessKeyId) {
    accessKeys.synchronous().invalidate(accessKeyId);
  }

  /** Runs a database read on the blocking executor. */
  public <T> CompletableFuture<T> read(SqlWork<T> work) {
    return CompletableFuture.supplyAsync(() -> db.read(work), executor);
  }

  /** The tables, for reads that are not cached. */
  public Tables tables() {
    return tables;
  }
}
