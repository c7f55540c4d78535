package io.meterline.wire.model;

import java.util.List;
import java.util.Objects;

/** The input of BatchMeterUsage: up to 25 records of one product. */
public record BatchMeterUsageRequest(List<UsageRecord> usageRecords, String productCode) {
  public BatchMeterUsageRequest {
    usageRecords = List.copyOf(usageRecords);
    Objects.requireNonNull(productCode, "productCode");
  }
}
