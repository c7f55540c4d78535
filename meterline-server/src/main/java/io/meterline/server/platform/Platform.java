package io.meterline.server.platform;

/** The compute platform a task, pod or instance identity runs on. */
public enum Platform {
  ECS,
  FARGATE,
  EKS,
  EC2;

  /**
   * Whether RegisterUsage accepts callers on this platform: ECS tasks, Fargate tasks and EKS pods
   * with IRSA (SPEC §1.1 "Region and platform").
   */
  public boolean isContainer() {
    return this != EC2;
  }
}
