package io.meterline.server.platform;

import io.meterline.server.auth.TemporaryCredentials;
import io.meterline.server.domain.Task;
import io.meterline.server.store.Database;
import io.meterline.server.store.Tables;
import java.util.concurrent.CompletableFuture;

/**
 * Hands out a task's temporary credentials, as its platform's endpoints do, and records when the
 * newest set expires: a task that stops fetching them has died (SPEC §2, {@link TaskReaper}). Every
 * set names the same task, so its admission and dedup state carry over.
 */
public final class TaskCredentialsIssuer {
  private final TemporaryCredentials credentials;
  private final Database db;
  private final Tables tables;

  public TaskCredentialsIssuer(TemporaryCredentials credentials, Database db, Tables tables) {
    this.credentials = credentials;
    this.db = db;
    this.tables = tables;
  }

  /** Fresh credentials, completed once their expiry is recorded. */
  public CompletableFuture<TemporaryCredentials.Issued> issue(Task task) {
    TemporaryCredentials.Issued issued = credentials.issue(task);
    return db.write(
        c -> {
          tables.tasks().extendCredentials(c, task.taskId(), issued.expiration());
          return issued;
        });
  }

  /** Credentials for a task not stored yet: their expiry goes in with the task. */
  public TemporaryCredentials.Issued issueForNewTask(Task task) {
    return credentials.issue(task);
  }
}
