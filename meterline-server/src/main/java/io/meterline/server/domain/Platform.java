package io.meterline.server.domain;

/** The compute platform a task, pod or instance identity runs on, and how it gets credentials. */
public enum Platform {
  /** An ECS task on EC2 hosts, with task-role credentials from the container endpoint. */
  ECS,
  /** An ECS task on Fargate. */
  FARGATE,
  /** An EKS pod with IAM roles for service accounts (IRSA): web identity through STS. */
  EKS,
  /**
   * An EKS pod with EKS Pod Identity credentials, which Marketplace metering refuses (facts §4.8,
   * §5.4).
   */
  EKS_POD_IDENTITY,
  /** An EC2 instance with an instance profile: the AMI path of MeterUsage. */
  EC2;

  /**
   * Whether RegisterUsage accepts callers on this platform: ECS tasks, Fargate tasks and EKS pods
   * with IRSA (SPEC §1.1 "Region and platform").
   */
  public boolean isContainer() {
    return this == ECS || this == FARGATE || this == EKS;
  }

  /** Whether MeterUsage accepts callers on this platform: containers and EC2 instances. */
  public boolean meters() {
    return this != EKS_POD_IDENTITY;
  }
}
