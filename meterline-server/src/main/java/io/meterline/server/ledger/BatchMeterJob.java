package io.meterline.server.ledger;

import io.meterline.server.domain.Product;
import io.meterline.server.store.BatchHandler;
import io.meterline.server.store.WriteJob;
import io.meterline.wire.model.UsageRecord;
import java.time.Instant;
import java.util.List;

/**
 * One BatchMeterUsage call on its way to the ledger; its records are decided one by one, an outcome
 * per record in their order.
 */
final class BatchMeterJob extends WriteJob<List<MeterOutcome>> {
  final Product product;
  final List<UsageRecord> records;
  final boolean byCustomerIdentifier;
  final Instant receivedAt;
  private final BatchHandler<BatchMeterJob> handler;

  BatchMeterJob(
      BatchHandler<BatchMeterJob> handler,
      Product product,
      List<UsageRecord> records,
      boolean byCustomerIdentifier,
      Instant receivedAt) {
    this.handler = handler;
    this.product = product;
    this.records = records;
    this.byCustomerIdentifier = byCustomerIdentifier;
    this.receivedAt = receivedAt;
  }

  @Override
  protected BatchHandler<?> handler() {
    return handler;
  }
}
