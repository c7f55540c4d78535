package io.meterline.server.store;

import java.util.concurrent.CompletableFuture;

/**
 * A unit of work for the {@link Committer}: applied by its {@link BatchHandler} inside a shared
 * transaction, its outcome is delivered only once that transaction has committed. A job is the
 * request; what an attempt decides for it is kept apart, in that attempt's {@link Decisions}.
 */
public abstract class WriteJob<R> {
  private final CompletableFuture<R> future = new CompletableFuture<>();
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

  final void complete(R value) {
    future.complete(value);
  }

  final void fail(Throwable error) {
    future.completeExceptionally(error);
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
