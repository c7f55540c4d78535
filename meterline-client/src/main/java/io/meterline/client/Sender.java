package io.meterline.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.SortedSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.DuplicateRequestException;
import software.amazon.awssdk.services.marketplacemetering.model.TimestampOutOfBoundsException;

/**
 * Sends the spool's due records: for every hour before a limit and every dimension, oldest first,
 * one MeterUsage with the hour's start as its timestamp.
 *
 * <p>Each send is noted in the spool first, so after a crash a record is sent again, not lost; the
 * service recognises an identical record of the same task and hour and answers with the same id. A
 * DuplicateRequest therefore means delivered when this meter had already tried the same quantity
 * (an answer lost in a crash), and a conflict otherwise. Any other failure stops the round and
 * backs off (on real time, with jitter), keeping the record.
 */
final class Sender {
  private static final Logger LOG = LoggerFactory.getLogger(Sender.class);

  private final String productCode;
  private final SortedSet<String> dimensions;
  private final Spool spool;
  private final MarketplaceMeteringClient client;
  private final Clock clock;
  private final Duration window;
  private final Backoff backoff;
  private final Consumer<Instant> onSuccess;
  private final Consumer<String> onFailure;
  private final Consumer<Spool.Kind> onSettled;
  private int consecutiveFailures;
  private long notBeforeNanos;

  Sender(
      String productCode,
      SortedSet<String> dimensions,
      Spool spool,
      MarketplaceMeteringClient client,
      Clock clock,
      Duration window,
      Backoff backoff,
      Consumer<Instant> onSuccess,
      Consumer<String> onFailure,
      Consumer<Spool.Kind> onSettled) {
    this.productCode = productCode;
    this.dimensions = dimensions;
    this.spool = spool;
    this.client = client;
    this.clock = clock;
    this.window = window;
    this.backoff = backoff;
    this.onSuccess = onSuccess;
    this.onFailure = onFailure;
    this.onSettled = onSettled;
  }

  /** Sends the completed hours, unless backing off after a failure. */
  synchronized void sendCompletedHours() {
    if (consecutiveFailures > 0 && System.nanoTime() - notBeforeNanos < 0) {
      return;
    }
    sendThrough(spool.closedBefore());
  }

  /** Sends every unsettled record of the hours before {@code limitHour}; false if one failed. */
  synchronized boolean sendThrough(long limitHour) {
    long oldestAllowed = Spool.hourOf(clock.instant().minus(window));
    for (long hour = spool.startHour(); hour < limitHour; hour += 3600) {
      for (String dimension : dimensions) {
        Spool.Slot slot = new Spool.Slot(hour, dimension);
        long quantity = spool.total(slot);
        if (isSettled(spool.outcome(slot), quantity)) {
          continue;
        }
        if (hour < oldestAllowed) {
          settle(slot, Spool.Kind.EXPIRED, quantity, "older than the " + window + " window");
        } else if (!send(slot, quantity)) {
          return false;
        }
      }
    }
    return true;
  }

  // A delivered hour that gained usage since (a restart of the same task within the hour it
  // closed on) is sent again, so the service's answer (a conflict) reports the units that the
  // delivered record lacks instead of losing them silently.
  private static boolean isSettled(Spool.Outcome outcome, long total) {
    return outcome != null
        && (outcome.kind() != Spool.Kind.DELIVERED || outcome.quantity() == total);
  }

  /** Records of completed hours not settled yet. */
  synchronized long backlog() {
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

  private boolean send(Spool.Slot slot, long quantity) {
    if (quantity > Integer.MAX_VALUE) {
      settle(slot, Spool.Kind.CONFLICT, quantity, "more than MeterUsage can carry in one hour");
      return true;
    }
    Long triedBefore = spool.attempted(slot);
    spool.attempt(slot, quantity);
    try {
      String id =
          client
              .meterUsage(
                  r ->
                      r.productCode(productCode)
                          .timestamp(Instant.ofEpochSecond(slot.hour()))
                          .usageDimension(slot.dimension())
                          .usageQuantity((int) quantity))
              .meteringRecordId();
      settle(slot, Spool.Kind.DELIVERED, quantity, id == null ? "" : id);
      consecutiveFailures = 0;
      onSuccess.accept(clock.instant());
      return true;
    } catch (DuplicateRequestException e) {
      if (triedBefore != null && triedBefore == quantity) {
        settle(slot, Spool.Kind.DELIVERED, quantity, "delivered by an earlier attempt");
      } else {
        settle(slot, Spool.Kind.CONFLICT, quantity, message(e));
      }
      return true;
    } catch (TimestampOutOfBoundsException e) {
      settle(slot, Spool.Kind.EXPIRED, quantity, message(e));
      return true;
    } catch (SdkException e) {
      consecutiveFailures++;
      notBeforeNanos = System.nanoTime() + backoff.delay(consecutiveFailures).toNanos();
      String error = message(e);
      LOG.warn(
          "metering {} of {} for {} failed, retrying later: {}",
          slot.dimension(),
          Instant.ofEpochSecond(slot.hour()),
          productCode,
          error);
      onFailure.accept(error);
      return false;
    }
  }

  private void settle(Spool.Slot slot, Spool.Kind kind, long quantity, String detail) {
    if (kind != Spool.Kind.DELIVERED) {
      LOG.warn(
          "usage of {} in the hour of {} ({} units) is {}: {}",
          slot.dimension(),
          Instant.ofEpochSecond(slot.hour()),
          quantity,
          kind,
          detail);
    }
    spool.settle(slot, new Spool.Outcome(kind, quantity, detail));
    onSettled.accept(kind);
  }

  private static String message(SdkException e) {
    if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
      return s.awsErrorDetails().errorCode() + ": " + s.awsErrorDetails().errorMessage();
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
