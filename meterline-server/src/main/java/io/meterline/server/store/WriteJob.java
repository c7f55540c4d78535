package io.meterline.server.store;

import java.util.concurrent.CompletableFuture;

/**
 * A unit of work for the {@link Committer}: applied by its {@link BatchHandler} inside a shared
 * transaction, its outcome is delivered only once that transaction has committed.
 *
 * <p>A handler decides each job's outcome with {@link #succeed} or {@link #reject}; if the
 * transaction then rolls back and is retried, the outcome is cleared and decided again.
 */
public abstract class WriteJob<R> {
  private final CompletableFuture<R> future = new CompletableFuture<>();
  private R value;
  private RuntimeException rejection;
  private boolean decided;
  // When the committer queued it (System.nanoTime), to tell how long the oldest job has waited.
  volatile long queuedAt;
  // Set once its transaction has committed: an abort can no longer apply to it.
  private volatile boolean committed;

  /** The handler that applies jobs of this kind. */
  protected abstract BatchHandler<?> handler();

  /** The outcome, completed after commit. */
  public final CompletableFuture<R> future() {
    return future;
  }

  /** Records a successful outcome, to be delivered after commit. */
  public final void succeed(R result) {
    this.value = result;
    this.rejection = null;
    this.decided = true;
  }

  /** Records a failed outcome (a business answer, not a fault), delivered after commit. */
  public final void reject(RuntimeException error) {
    this.value = null;
    this.rejection = error;
    this.decided = true;
  }

  /** Whether an outcome has been decided in the current attempt. */
  public final boolean isDecided() {
    return decided;
  }

  /** Whether the outcome decided in the current attempt is a rejection. */
  public final boolean isRejected() {
    return decided && rejection != null;
  }

  /** The successful outcome decided in the current attempt, {@code null} if none. */
  public final R outcome() {
    return value;
  }

  final void reset() {
    value = null;
    rejection = null;
    decided = false;
  }

  final void deliver() {
    if (!decided) {
      future.completeExceptionally(
          new IllegalStateException(getClass().getSimpleName() + " committed without an outcome"));
    } else if (rejection != null) {
      future.completeExceptionally(rejection);
    } else {
      future.complete(value);
    }
  }

  final void markCommitted() {
    committed = true;
  }

  /** Fails the job, unless its transaction committed (its outcome is then on its way). */
  final void abort(Throwable cause) {
    if (!committed) {
      future.completeExceptionally(cause);
    }
  }
}
