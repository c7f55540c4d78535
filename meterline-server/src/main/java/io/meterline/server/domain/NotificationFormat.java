package io.meterline.server.domain;

/** The shape a product's notifications take (SPEC §3.5; contracts-facts §5). */
public enum NotificationFormat {
  /** The SNS HTTP(S) delivery: the SNS envelope with the JSON message as its {@code Message}. */
  SNS,
  /** An EventBridge event of source {@code aws.agreement-marketplace}. */
  EVENTBRIDGE
}
