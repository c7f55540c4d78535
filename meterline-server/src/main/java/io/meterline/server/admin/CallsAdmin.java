package io.meterline.server.admin;

import io.meterline.server.calls.CallRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The call log (SPEC §3.1): the last data-plane calls, newest first, filtered by product, account,
 * operation and outcome; {@code limit} of them, without paging (the log moves on).
 */
final class CallsAdmin {
  private final AdminContext ctx;

  CallsAdmin(AdminContext ctx) {
    this.ctx = ctx;
  }

  Map<String, Object> list(Map<String, String> query) {
    int limit = Paging.limit(query);
    Predicate<CallRecord> filter =
        matches(query.get("productCode"), CallRecord::productCode)
            .and(matches(query.get("awsAccountId"), CallRecord::awsAccountId))
            .and(matches(query.get("operation"), CallRecord::operation))
            .and(matches(query.get("outcome"), CallRecord::outcome));
    List<Map<String, Object>> items =
        ctx.calls().newest(filter, limit).stream().map(CallsAdmin::view).toList();
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("items", items);
    return answer;
  }

  private static Predicate<CallRecord> matches(
      String wanted, java.util.function.Function<CallRecord, String> field) {
    return wanted == null ? r -> true : r -> Objects.equals(wanted, field.apply(r));
  }

  static Map<String, Object> view(CallRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("requestId", r.requestId());
    m.put("time", r.time().toString());
    m.put("serviceTime", r.serviceTime().toString());
    m.put("operation", r.operation());
    putIfSet(m, "awsAccountId", r.awsAccountId());
    putIfSet(m, "taskId", r.taskId());
    putIfSet(m, "productCode", r.productCode());
    m.put("outcome", r.outcome());
    putIfSet(m, "message", r.message());
    if (r.meteringRecordIds() != null && !r.meteringRecordIds().isEmpty()) {
      m.put("meteringRecordIds", r.meteringRecordIds());
    }
    return m;
  }

  private static void putIfSet(Map<String, Object> m, String key, Object value) {
    if (value != null) {
      m.put(key, value);
    }
  }
}
