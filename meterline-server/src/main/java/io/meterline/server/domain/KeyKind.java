package io.meterline.server.domain;

/** What a long-term access key belongs to. */
public enum KeyKind {
  /** A seller's backend: BatchMeterUsage and ResolveCustomer. */
  SELLER,
  /** An IAM user of a buyer account, which the platform rules refuse for metering. */
  BUYER_USER
}
