package io.meterline.server.ledger;

import io.meterline.server.domain.Task;

/**
 * What asking a task to stop came to.
 *
 * @param task the task as it is now; {@code null} when there is no such task
 * @param stoppedNow whether this call stopped it (and recorded its task time); {@code false} when
 *     it had stopped before, at {@code task.stoppedAt()}
 */
public record TaskStop(Task task, boolean stoppedNow) {}
