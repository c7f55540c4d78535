package io.meterline.server.store;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The outcomes that one attempt at a transaction decided for its jobs. A handler records each job's
 * outcome here; the {@link Committer} delivers them once the transaction has committed, and throws
 * them away with the attempt when it rolls back (the retry decides afresh).
 */
public final class Decisions {
  /** An outcome: a value, or the business error the job is answered with. */
  private record Decision(Object value, RuntimeException error) {}

  private final Map<WriteJob<?>, Decision> decided = new IdentityHashMap<>();

  /** Decides a successful outcome. */
  public <R> void succeed(WriteJob<R> job, R value) {
    decided.put(job, new Decision(value, null));
  }

  /** Decides a failed outcome: a business answer, not a fault. */
  public void reject(WriteJob<?> job, RuntimeException error) {
    decided.put(job, new Decision(null, error));
  }

  /** Whether the job's outcome is decided. */
  public boolean isDecided(WriteJob<?> job) {
    return decided.containsKey(job);
  }

  /** Whether the job's outcome is decided and is an error. */
  public boolean isRejected(WriteJob<?> job) {
    Decision d = decided.get(job);
    return d != null && d.error() != null;
  }

  /** The job's successful outcome, {@code null} if it has none. */
  @SuppressWarnings("unchecked")
  public <R> R value(WriteJob<R> job) {
    Decision d = decided.get(job);
    return d == null ? null : (R) d.value();
  }

  /** Completes the job's future with its outcome; one without an outcome fails. */
  @SuppressWarnings("unchecked")
  void deliver(WriteJob<?> job) {
    Decision d = decided.get(job);
    if (d == null) {
      job.fail(
          new IllegalStateException(
              job.getClass().getSimpleName() + " committed without an outcome"));
    } else if (d.error() != null) {
      job.fail(d.error());
    } else {
      ((WriteJob<Object>) job).complete(d.value());
    }
  }
}
