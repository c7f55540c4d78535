package io.meterline.server.admin;

import io.meterline.server.metering.FaultInjector;
import io.meterline.wire.ErrorCode;
import io.meterline.wire.Operation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fault injection and the test clock. */
final class OperationsAdmin {
  private final AdminContext ctx;

  OperationsAdmin(AdminContext ctx) {
    this.ctx = ctx;
  }

  Map<String, Object> setFault(Body body) {
    body.only("operation", "error", "rate", "latencyMs");
    String opName = body.string("operation");
    Operation op =
        Operation.fromWireName(opName)
            .orElseThrow(
                () ->
                    AdminException.badField(
                        "operation",
                        "operation must be one of MeterUsage, BatchMeterUsage, RegisterUsage, "
                            + "ResolveCustomer, was \""
                            + Body.clip(opName)
                            + "\""));
    String errorName = body.optionalString("error");
    ErrorCode error = null;
    if (errorName != null) {
      error =
          ErrorCode.fromWireName(errorName)
              .orElseThrow(
                  () ->
                      AdminException.badField(
                          "error",
                          "error must be an error name such as ThrottlingException or "
                              + "InternalServiceErrorException, was \""
                              + Body.clip(errorName)
                              + "\""));
    }
    Double rate = body.optionalDouble("rate", 0.0, 1.0);
    if (rate == null) {
      throw AdminException.badField(
          "rate", "rate is required: the share of requests hit, " + "from 0 to 1");
    }
    Long latency = body.optionalLong("latencyMs", 0, 600_000);
    if (error == null && (latency == null || latency == 0)) {
      throw AdminException.badField("error", "a fault needs an error, a latencyMs, or both");
    }
    ctx.faults().set(op, new FaultInjector.Fault(error, rate, latency == null ? 0 : latency));
    return faults();
  }

  Map<String, Object> clearFaults() {
    ctx.faults().clear();
    return faults();
  }

  Map<String, Object> faults() {
    List<Map<String, Object>> list = new ArrayList<>();
    ctx.faults()
        .current()
        .forEach(
            (op, f) -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("operation", op.wireName());
              if (f.error() != null) {
                m.put("error", f.error().wireName());
              }
              m.put("rate", f.rate());
              m.put("latencyMs", f.latencyMs());
              list.add(m);
            });
    return Views.list("faults", list);
  }

  Map<String, Object> clock() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("now", ctx.clock().instant().toString());
    m.put("testClock", ctx.clock().isTestClock());
    return m;
  }

  Map<String, Object> setClock(Body body) {
    if (!ctx.clock().isTestClock()) {
      throw AdminException.conflict(
          null,
          "the service clock follows real time; start the " + "server with --test-clock to set it");
    }
    body.only("now", "advance");
    Instant now = body.optionalInstant("now");
    Duration advance = body.optionalDuration("advance");
    if (now == null && advance == null) {
      throw AdminException.badRequest(
          "give \"now\" (an ISO-8601 instant), \"advance\" (an "
              + "ISO-8601 duration such as \"PT1H\"), or both");
    }
    try {
      Instant target = now != null ? now : ctx.clock().instant();
      if (advance != null) {
        target = target.plus(advance);
      }
      // Epoch milliseconds are what the ledger keeps; beyond them nothing could be stored.
      target.toEpochMilli();
      ctx.clock().set(target);
    } catch (ArithmeticException | java.time.DateTimeException e) {
      throw AdminException.badField(
          advance != null ? "advance" : "now",
          "the clock cannot be moved that far: " + e.getMessage());
    }
    return clock();
  }
}
