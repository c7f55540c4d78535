package io.meterline.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** Records every request an SDK client puts on the wire, in order (one per HTTP attempt). */
final class RecordedCalls implements ExecutionInterceptor {
  private final List<SdkRequest> sent = new CopyOnWriteArrayList<>();

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes a) {
    sent.add(context.request());
  }

  /** How many requests went out. */
  int count() {
    return sent.size();
  }

  /** The requests of one type that went out, in order. */
  <T extends SdkRequest> List<T> of(Class<T> type) {
    return sent.stream().filter(type::isInstance).map(type::cast).toList();
  }
}
