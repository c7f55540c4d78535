package io.meterline.server.store;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.meterline.server.domain.AccessKey;
import io.meterline.server.domain.Product;
import io.meterline.server.platform.Task;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Read-through caches of what the data plane looks up on every request: products, tasks and access
 * keys, plus the admissions it has seen committed.
 *
 * <p>A hit completes at once on the calling (network) thread; a miss reads the database on the
 * blocking executor. Entries expire a second after they were loaded, so a change made by another
 * server sharing the database shows within a second; this server's own admin changes invalidate at
 * once. Admissions never end (SPEC §1.1), so they are cached until idle for ten minutes (tasks come
 * and go; one that meters hourly is asked of the database again, where its admission is found); the
 * database stays the judge of new ones.
 */
public final class Lookups {
  private static final Duration FRESHNESS = Duration.ofSeconds(1);

  private final Database db;
  private final Tables tables;
  private final AsyncLoadingCache<String, Optional<Product>> products;
  private final AsyncLoadingCache<String, Optional<Task>> tasks;
  private final AsyncLoadingCache<String, Optional<AccessKey>> accessKeys;
  private final Cache<AdmissionsTable.Admission, Boolean> admitted;
  private final Executor executor;

  public Lookups(Database db, Tables tables, Executor executor) {
    this.db = db;
    this.tables = tables;
    this.executor = executor;
    this.products = cache(executor, 10_000, code -> db.read(c -> tables.products().find(c, code)));
    this.tasks = cache(executor, 100_000, id -> db.read(c -> tables.tasks().find(c, id)));
    this.accessKeys = cache(executor, 10_000, id -> db.read(c -> tables.accessKeys().find(c, id)));
    // Tasks come and go; one idle for a while is asked of the database again, which still decides.
    this.admitted =
        Caffeine.newBuilder()
            .maximumSize(200_000)
            .expireAfterAccess(Duration.ofMinutes(10))
            .build();
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

  /** The task with this id, possibly a second stale. */
  public CompletableFuture<Optional<Task>> task(String taskId) {
    return tasks.get(taskId);
  }

  /** The long-term access key with this id, possibly a second stale. */
  public CompletableFuture<Optional<AccessKey>> accessKey(String accessKeyId) {
    return accessKeys.get(accessKeyId);
  }

  /** Whether this server has seen the task admitted for the product. */
  public boolean isAdmitted(String taskId, String productCode) {
    return admitted.getIfPresent(new AdmissionsTable.Admission(taskId, productCode)) != null;
  }

  /** Notes a committed admission. */
  public void markAdmitted(String taskId, String productCode) {
    admitted.put(new AdmissionsTable.Admission(taskId, productCode), Boolean.TRUE);
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
