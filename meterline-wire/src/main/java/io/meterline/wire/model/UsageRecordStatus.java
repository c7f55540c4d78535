package io.meterline.wire.model;

/** The outcome of one record of a BatchMeterUsage call. */
public enum UsageRecordStatus {
  SUCCESS("Success"),
  CUSTOMER_NOT_SUBSCRIBED("CustomerNotSubscribed"),
  DUPLICATE_RECORD("DuplicateRecord");

  private final String wireName;

  UsageRecordStatus(String wireName) {
    this.wireName = wireName;
  }

  /** The status as sent on the wire, e.g. {@code Success}. */
  public String wireName() {
    return wireName;
  }
}
