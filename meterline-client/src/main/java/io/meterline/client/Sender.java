package io.meterline.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.CustomerNotEntitledException;
import software.amazon.awssdk.services.marketplacemetering.model.DuplicateRequestException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidEndpointRegionException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidProductCodeException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidTagException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidUsageAllocationsException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidUsageDimensionException;
import software.amazon.awssdk.services.marketplacemetering.model.PlatformNotSupportedException;
import software.amazon.awssdk.services.marketplacemetering.model.Tag;
import software.amazon.awssdk.services.marketplacemetering.model.TimestampOutOfBoundsException;
import software.amazon.awssdk.services.marketplacemetering.model.UsageAllocation;

/**
 * Sends the spool's due records: for every hour before a limit and every dimension, oldest first,
 * one MeterUsage with the hour's start as its timestamp.
 *
 * <p>Each send is noted in the spool first, so after a crash a record is sent again, not lost; the
 * service recognises an identical record of the same task and hour and answers with the same id. A
 * DuplicateRequest therefore always means the service holds another quantity for the hour: a
 * conflict (whose missing units catch-up can carry on).
 *
 * <p>Errors by scope (SPEC §4 "it never stops metering silently"): one that concerns the record
 * itself (an unknown dimension, a bad tag) rejects that record and the round goes on; one that
 * concerns the whole product (not entitled, access denied, wrong region or credentials) stops the
 * round, is reported to the product's listener, and is retried with backoff; anything else
 * (throttling, 5xx, the network, the spool's disk) stops the round and is retried with backoff.
 * Nothing is dropped but records the service refused or that aged out of its window.
 */
final class Sender {
  /** What a failed send concerns. */
  enum Scope {
    RECORD,
    PRODUCT,
    TRANSIENT
  }

  /** Error codes, unmodelled in the SDK, that concern the whole product: its credentials. */
  private static final Set<String> PRODUCT_CODES =
      Set.of(
          "AccessDenied",
          "AccessDeniedException",
          "UnrecognizedClientException",
          "InvalidClientTokenId",
          "InvalidSignatureException",
          "SignatureDoesNotMatch",
          "ExpiredToken",
          "ExpiredTokenException",
          "MissingAuthenticationToken",
          "MissingAuthenticationTokenException",
          "IncompleteSignature",
          "IncompleteSignatureException");

  /** Error codes, unmodelled in the SDK, that concern the record's own fields. */
  private static final Set<String> RECORD_CODES = Set.of("ValidationException");

  /** The service's limit of usage allocations in one record (facts §4.4). */
  static final int MAX_ALLOCATIONS = 2500;

  private final String productCode;
  private final SortedSet<String> dimensions;
  private final Spool spool;
  private final MarketplaceMeteringClient client;
  private final Clock clock;
  private final Duration window;
  private final Backoff backoff;
  private final Events events;
  private final boolean catchUp;
  private final ReentrantLock lock = new ReentrantLock();
  private int consecutiveFailures;
  private long notBeforeNanos;

  /** What the sender tells the meter. */
  interface Events {
    /** A record was delivered. */
    void delivered(Instant at);

    /** A send failed and will be retried; {@code cause} is the exception. */
    void failed(Scope scope, String error, Throwable cause);

    /** A record is settled for good with this outcome. */
    void settled(Spool.Kind kind);

    /** Units of an expired or conflicting record were carried into a later hour. */
    void carried(long units);
  }

  Sender(
      String productCode,
      SortedSet<String> dimensions,
      Spool spool,
      MarketplaceMeteringClient client,
      Clock clock,
      Duration window,
      Backoff backoff,
      boolean catchUp,
      Events events) {
    this.productCode = productCode;
    this.dimensions = dimensions;
    this.spool = spool;
    this.client = client;
    this.clock = clock;
    this.window = window;
    this.backoff = backoff;
    this.catchUp = catchUp;
    this.events = events;
  }

  /** Sends the completed hours, unless backing off after a failure; never waits for the lock. */
  void sendCompletedHours() {
    if (!lock.tryLock()) {
      return; // a flush or close is sending
    }
    try {
      if (consecutiveFailures > 0 && System.nanoTime() - notBeforeNanos < 0) {
        return;
      }
      sendThrough(spool.closedBefore(), Long.MAX_VALUE);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Sends every unsettled record of the hours before {@code limitHour}, stopping at the first
   * failure that is not the record's own, or when {@code deadlineNanos} (a {@link System#nanoTime}
   * value, {@link Long#MAX_VALUE} for none) has passed.
   *
   * @return whether every due record is settled
   */
  boolean sendThrough(long limitHour, long deadlineNanos) {
    try {
      long wait =
          deadlineNanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadlineNanos - System.nanoTime();
      if (!lock.tryLock(Math.max(0, wait), TimeUnit.NANOSECONDS)) {
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    try {
      return sendLocked(limitHour, deadlineNanos);
    } catch (RuntimeException e) {
      // The spool's disk (full, an I/O error) or anything unforeseen: what was noted stays noted,
      // and the round is tried again after the backoff.
      failed(Scope.TRANSIENT, message(e), e);
      return false;
    } finally {
      lock.unlock();
    }
  }

  private boolean sendLocked(long limitHour, long deadlineNanos) {
    long oldestAllowed = Spool.hourOf(clock.instant().minus(window));
    for (long hour = spool.startHour(); hour < limitHour; hour += 3600) {
      for (String dimension : dimensions) {
        Spool.Slot slot = new Spool.Slot(hour, dimension);
        long quantity = spool.total(slot);
        if (isSettled(spool.outcome(slot), quantity)) {
          continue;
        }
        if (hour < oldestAllowed) {
          settleMissed(slot, Spool.Kind.EXPIRED, quantity, "older than the " + window + " window");
          continue;
        }
        Duration left = remaining(deadlineNanos);
        if (left != null && left.isZero()) {
          return false;
        }
        if (!send(slot, quantity, left)) {
          return false;
        }
      }
    }
    return true;
  }

  private static Duration remaining(long deadlineNanos) {
    if (deadlineNanos == Long.MAX_VALUE) {
      return null;
    }
    return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
  }

  // A delivered hour that gained usage since (a restart of the same task within the hour it
  // closed on) is sent again, so the service's answer (a conflict) reports the units that the
  // delivered record lacks instead of losing them silently.
  private static boolean isSettled(Spool.Outcome outcome, long total) {
    return outcome != null
        && (outcome.kind() != Spool.Kind.DELIVERED || outcome.quantity() == total);
  }

  /** Records of completed hours not settled yet; reads the spool only, never waits for a send. */
  long backlog() {
    long now = Spool.hourOf(clock.instant());
    long count = 0;
    for (long hour = spool.startHour(); hour < now; hour += 3600) {
      for (String dimension : dimensions) {
        Spool.Slot slot = new Spool.Slot(hour, dimension);
        if (!isSettled(spool.outcome(slot), spool.total(slot))) {
          count++;
        }
      }
    }
    return count;
  }

  private boolean send(Spool.Slot slot, long quantity, Duration timeLeft) {
    if (quantity > Integer.MAX_VALUE) {
      settle(slot, Spool.Kind.CONFLICT, quantity, "more than MeterUsage can carry in one hour");
      return true;
    }
    Spool.Outcome before = spool.outcome(slot);
    spool.attempt(slot, quantity);
    List<UsageAllocation> allocations = allocations(slot, quantity, spool.tagged(slot));
    String token = clientToken(slot, quantity, allocations);
    try {
      String id =
          client
              .meterUsage(
                  r -> {
                    r.productCode(productCode)
                        .timestamp(Instant.ofEpochSecond(slot.hour()))
                        .usageDimension(slot.dimension())
                        .usageQuantity((int) quantity)
                        .clientToken(token);
                    if (!allocations.isEmpty()) {
                      r.usageAllocations(allocations);
                    }
                    if (timeLeft != null) {
                      r.overrideConfiguration(o -> o.apiCallTimeout(atLeastOneMilli(timeLeft)));
                    }
                  })
              .meteringRecordId();
      settle(slot, Spool.Kind.DELIVERED, quantity, id == null ? "" : id);
      consecutiveFailures = 0;
      events.delivered(clock.instant());
      return true;
    } catch (DuplicateRequestException e) {
      // An identical resend is answered with the record it made, never with DuplicateRequest:
      // this hour holds another quantity.
      if (before != null && before.kind() == Spool.Kind.DELIVERED) {
        // This meter delivered part of the hour before (a restart within the hour it closed on):
        // the service holds that part, the rest is what is missing.
        settleMissed(slot, Spool.Kind.CONFLICT, quantity, message(e));
      } else {
        settle(slot, Spool.Kind.CONFLICT, quantity, message(e));
      }
      return true;
    } catch (TimestampOutOfBoundsException e) {
      settleMissed(slot, Spool.Kind.EXPIRED, quantity, message(e));
      return true;
    } catch (SdkException e) {
      Scope scope = scopeOf(e);
      if (scope == Scope.RECORD) {
        settle(slot, Spool.Kind.REJECTED, quantity, message(e));
        return true;
      }
      failed(scope, message(e), e);
      return false;
    }
  }

  /**
   * The record's usage allocations: the untagged rest first, then one per tag set in the order of
   * their keys; none when nothing was tagged. Past the service's 2,500 allocations per record the
   * last tag sets are counted as untagged (and logged), so that the record is still accepted.
   */
  private List<UsageAllocation> allocations(
      Spool.Slot slot, long quantity, Map<String, Long> parts) {
    if (parts.isEmpty()) {
      return List.of();
    }
    List<UsageAllocation> tagged = new ArrayList<>();
    long taggedUnits = 0;
    int folded = 0;
    for (Map.Entry<String, Long> part : parts.entrySet()) {
      if (tagged.size() == MAX_ALLOCATIONS - 1) {
        folded++;
        continue;
      }
      List<Tag> tags = new ArrayList<>();
      Tags.fromKey(part.getKey())
          .entries()
          .forEach((k, v) -> tags.add(Tag.builder().key(k).value(v).build()));
      tagged.add(
          UsageAllocation.builder()
              .allocatedUsageQuantity(part.getValue().intValue())
              .tags(tags)
              .build());
      taggedUnits += part.getValue();
    }
    if (folded > 0) {
      Meter.LOG.warn(
          "usage of {} in the hour of {}: {} tag sets beyond the service's {} allocations per "
              + "record are sent untagged",
          slot.dimension(),
          Instant.ofEpochSecond(slot.hour()),
          folded,
          MAX_ALLOCATIONS);
    }
    List<UsageAllocation> all = new ArrayList<>();
    if (quantity - taggedUnits > 0) {
      all.add(
          UsageAllocation.builder().allocatedUsageQuantity((int) (quantity - taggedUnits)).build());
    }
    all.addAll(tagged);
    return all;
  }

  /**
   * A ClientToken derived from the record, so that every send of the same record is recognisably
   * the same request: the SHA-256 of the spool's random id (so that two tasks metering the same
   * quantity never share a token), the product, hour, dimension, quantity and allocations.
   */
  private String clientToken(Spool.Slot slot, long quantity, List<UsageAllocation> allocations) {
    StringBuilder record =
        new StringBuilder("meterline-record/1\n")
            .append(spool.instanceId())
            .append('\n')
            .append(productCode)
            .append('\n')
            .append(slot.hour())
            .append('\n')
            .append(slot.dimension())
            .append('\n')
            .append(quantity);
    for (UsageAllocation a : allocations) {
      record.append('\n').append(a.allocatedUsageQuantity());
      for (Tag t : a.tags()) {
        record.append(' ').append(t.key()).append('=').append(t.value());
      }
    }
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(record.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  private static Duration atLeastOneMilli(Duration d) {
    return d.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : d;
  }

  /** Whether an error concerns one record, the whole product, or neither (a retry may pass). */
  static Scope scopeOf(SdkException e) {
    if (e instanceof InvalidUsageDimensionException
        || e instanceof InvalidTagException
        || e instanceof InvalidUsageAllocationsException) {
      return Scope.RECORD;
    }
    if (e instanceof CustomerNotEntitledException
        || e instanceof InvalidEndpointRegionException
        || e instanceof InvalidProductCodeException
        || e instanceof PlatformNotSupportedException) {
      return Scope.PRODUCT;
    }
    if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
      String code = s.awsErrorDetails().errorCode();
      if (PRODUCT_CODES.contains(code)) {
        return Scope.PRODUCT;
      }
      if (RECORD_CODES.contains(code)) {
        return Scope.RECORD;
      }
    }
    return Scope.TRANSIENT;
  }

  private void failed(Scope scope, String error, Throwable cause) {
    consecutiveFailures++;
    notBeforeNanos = System.nanoTime() + backoff.delay(consecutiveFailures).toNanos();
    events.failed(scope, error, cause);
  }

  /**
   * Settles a record whose units (or the part of them this meter had not delivered before) the
   * service will not take for its hour; with catch-up on, they are carried into the next hour not
   * sent yet (the current one, or the one after the record's), as the Seller Guide allows.
   */
  private void settleMissed(Spool.Slot slot, Spool.Kind kind, long quantity, String detail) {
    Spool.Outcome before = spool.outcome(slot);
    long delivered =
        before != null && before.kind() == Spool.Kind.DELIVERED ? before.quantity() : 0;
    long missing = quantity - delivered;
    if (!catchUp || missing <= 0) {
      settle(slot, kind, quantity, detail);
      return;
    }
    long into = Math.max(Spool.hourOf(clock.instant()), slot.hour() + 3600);
    String carried =
        detail + "; " + missing + " units carried into the hour of " + Instant.ofEpochSecond(into);
    spool.settle(slot, new Spool.Outcome(kind, quantity, carried), into, missing);
    settled(slot, kind, quantity, carried);
    events.carried(missing);
  }

  private void settle(Spool.Slot slot, Spool.Kind kind, long quantity, String detail) {
    spool.settle(slot, new Spool.Outcome(kind, quantity, detail));
    settled(slot, kind, quantity, detail);
  }

  // Reports a settlement the spool holds already: what is not delivered is logged, all counted.
  private void settled(Spool.Slot slot, Spool.Kind kind, long quantity, String detail) {
    if (kind != Spool.Kind.DELIVERED) {
      Meter.LOG.warn(
          "usage of {} in the hour of {} ({} units) is {}: {}",
          slot.dimension(),
          Instant.ofEpochSecond(slot.hour()),
          quantity,
          kind,
          detail);
    }
    events.settled(kind);
  }

  static String message(Throwable e) {
    if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
      return s.awsErrorDetails().errorCode() + ": " + s.awsErrorDetails().errorMessage();
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
