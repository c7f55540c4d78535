package io.meterline.server.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A running (or stopped) ECS task, EKS pod or EC2 instance: the identity that RegisterUsage and
 * MeterUsage calls come from.
 *
 * @param startedAt when it started, in service time
 * @param stoppedAt when it stopped, in service time; {@code null} while it runs
 * @param productCode the product it was launched for, {@code null} when not said
 * @param credentialsExpireAt when its newest credentials expire, in real time
 */
public record Task(
    String taskId,
    String taskArn,
    String awsAccountId,
    String region,
    Platform platform,
    String cluster,
    Instant startedAt,
    Instant stoppedAt,
    String productCode,
    Instant credentialsExpireAt) {

  public Task {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(taskArn, "taskArn");
    Objects.requireNonNull(awsAccountId, "awsAccountId");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(startedAt, "startedAt");
  }

  /** The same task, stopped at the given service time. */
  public Task stoppedAt(Instant at) {
    return new Task(
        taskId,
        taskArn,
        awsAccountId,
        region,
        platform,
        cluster,
        startedAt,
        at,
        productCode,
        credentialsExpireAt);
  }

  /** Whether the task has stopped. */
  public boolean isStopped() {
    return stoppedAt != null;
  }
}
