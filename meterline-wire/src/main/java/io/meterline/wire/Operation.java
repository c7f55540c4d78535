package io.meterline.wire;

import java.util.Optional;

/** The four operations of the metering service, as named in {@code X-Amz-Target}. */
public enum Operation {
  METER_USAGE("MeterUsage"),
  BATCH_METER_USAGE("BatchMeterUsage"),
  REGISTER_USAGE("RegisterUsage"),
  RESOLVE_CUSTOMER("ResolveCustomer");

  /** The service shape name that prefixes every target: reference/aws-metering-facts.md §1. */
  public static final String TARGET_PREFIX = "AWSMPMeteringService.";

  private final String wireName;

  Operation(String wireName) {
    this.wireName = wireName;
  }

  /** The operation name as it appears on the wire, e.g. {@code MeterUsage}. */
  public String wireName() {
    return wireName;
  }

  /** The full {@code X-Amz-Target} value, e.g. {@code AWSMPMeteringService.MeterUsage}. */
  public String target() {
    return TARGET_PREFIX + wireName;
  }

  /** The operation an {@code X-Amz-Target} header names, if it names one. */
  public static Optional<Operation> fromTarget(String target) {
    if (target == null || !target.startsWith(TARGET_PREFIX)) {
      return Optional.empty();
    }
    return fromWireName(target.substring(TARGET_PREFIX.length()));
  }

  /** The operation with this wire name ({@code MeterUsage}), if there is one. */
  public static Optional<Operation> fromWireName(String name) {
    for (Operation op : values()) {
      if (op.wireName.equals(name)) {
        return Optional.of(op);
      }
    }
    return Optional.empty();
  }
}
