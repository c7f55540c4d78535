package io.meterline.client;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;

/**
 * Meters a container product's usage the way AWS's guidelines ask (SPEC §4; facts §4.1, §4.2):
 * usage is summed per hour and dimension in a durable local spool, and each completed hour is sent
 * as one MeterUsage per dimension, zero quantities included, oldest first, stamped with the start
 * of its hour so that a resend is deduplicated by the service.
 *
 * <p>{@link #add} is thread-safe and returns once the usage is on disk: concurrent adds share one
 * fsync. A crash loses nothing that was added and sends nothing twice (a resend of a record is
 * recognised by the service, as long as the task is the same). Failed sends are retried with
 * jittered backoff; records older than the service's six-hour window are marked expired and
 * reported, never retried for ever. {@link #close} sends what is due, including the current hour,
 * before it returns.
 *
 * <pre>{@code
 * Meter meter = Meter.builder()
 *     .productCode(entitlement.productCode())
 *     .dimensions("Requests", "Renders")
 *     .spoolDirectory(Path.of("/var/lib/widget/meter"))
 *     .build();
 * meter.add("Requests", 1);
 * }</pre>
 */
public final class Meter implements AutoCloseable {
  private final String productCode;
  private final Set<String> dimensions;
  private final Clock clock;
  private final Spool spool;
  private final Sender sender;
  private final MarketplaceMeteringClient client;
  private final boolean ownsClient;
  private final ScheduledExecutorService timer;
  private final AtomicReference<Instant> lastSuccess = new AtomicReference<>();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicReference<String> lastError = new AtomicReference<>();
  // Counters for metrics only go up: settled records of this process, by outcome.
  private final Map<Spool.Kind, AtomicLong> settledHere =
      new java.util.EnumMap<>(
          Map.of(
              Spool.Kind.DELIVERED, new AtomicLong(),
              Spool.Kind.EXPIRED, new AtomicLong(),
              Spool.Kind.CONFLICT, new AtomicLong()));
  private volatile boolean closed;

  private Meter(Builder b) throws IOException {
    this.productCode = b.productCode;
    this.dimensions = Set.copyOf(b.dimensions);
    this.clock = b.clock;
    this.spool = Spool.open(b.spoolDirectory, "meter-" + safe(productCode), dimensions, clock);
    this.ownsClient = b.client == null;
    this.client = ownsClient ? Clients.metering() : b.client;
    this.sender =
        new Sender(
            productCode,
            new TreeSet<>(dimensions),
            spool,
            client,
            clock,
            b.window,
            b.backoff,
            this::onSuccess,
            this::onFailure,
            kind -> settledHere.get(kind).incrementAndGet());
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "meterline-meter-" + productCode);
              t.setDaemon(true);
              return t;
            });
    long every = b.sendInterval.toMillis();
    timer.scheduleWithFixedDelay(sender::sendCompletedHours, every, every, TimeUnit.MILLISECONDS);
    if (b.registry != null) {
      register(b.registry);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Adds usage of a dimension to the current hour; returns once it is durable.
   *
   * @throws IllegalArgumentException for a dimension not declared or a negative quantity
   */
  public void add(String dimension, long quantity) {
    if (!dimensions.contains(dimension)) {
      throw new IllegalArgumentException(
          "dimension '" + dimension + "' is not one of this meter's " + dimensions);
    }
    if (quantity < 0) {
      throw new IllegalArgumentException("quantity must be >= 0, was " + quantity);
    }
    if (closed) {
      throw new IllegalStateException("the meter is closed");
    }
    spool.add(dimension, quantity);
  }

  /**
   * Sends every completed hour now, on the caller's thread, even while backing off.
   *
   * @return whether every due record is settled
   */
  public boolean flush() {
    return sender.sendThrough(spool.closedBefore());
  }

  /** What the meter has done so far. */
  public MeterStatus status() {
    Map<Spool.Kind, Long> settled = spool.settledCounts();
    return new MeterStatus(
        lastSuccess.get(),
        sender.backlog(),
        settled.getOrDefault(Spool.Kind.DELIVERED, 0L),
        failures.get(),
        settled.getOrDefault(Spool.Kind.EXPIRED, 0L),
        settled.getOrDefault(Spool.Kind.CONFLICT, 0L),
        lastError.get());
  }

  /**
   * Stops metering: sends the completed hours and the current one (the task is ending, so its hour
   * is complete), then closes the spool.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    timer.shutdownNow();
    try {
      timer.awaitTermination(30, TimeUnit.SECONDS);
      sender.sendThrough(spool.closedBefore() + 3600);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        spool.close();
      } catch (IOException e) {
        throw new UncheckedIOException("closing the meter spool failed", e);
      } finally {
        if (ownsClient) {
          client.close();
        }
      }
    }
  }

  private void onSuccess(Instant at) {
    lastSuccess.set(at);
  }

  private void onFailure(String error) {
    failures.incrementAndGet();
    lastError.set(error);
  }

  private void register(MeterRegistry registry) {
    String tag = productCode;
    Gauge.builder("meterline.meter.backlog", sender, Sender::backlog)
        .description("records of completed hours not delivered yet")
        .tag("product", tag)
        .register(registry);
    Gauge.builder(
            "meterline.meter.last.success",
            lastSuccess,
            r -> r.get() == null ? 0 : r.get().getEpochSecond())
        .description("when a record was last delivered, epoch seconds")
        .tag("product", tag)
        .register(registry);
    FunctionCounter.builder("meterline.meter.failures", failures, AtomicLong::get)
        .tag("product", tag)
        .register(registry);
    for (Spool.Kind kind : Spool.Kind.values()) {
      FunctionCounter.builder("meterline.meter.records", settledHere.get(kind), AtomicLong::get)
          .description("records settled by this process, by outcome")
          .tag("product", tag)
          .tag("outcome", kind.name().toLowerCase(java.util.Locale.ROOT))
          .register(registry);
    }
  }

  private static String safe(String productCode) {
    return productCode.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** Builds a {@link Meter}. */
  public static final class Builder {
    private String productCode;
    private final Set<String> dimensions = new LinkedHashSet<>();
    private Path spoolDirectory;
    private Clock clock = Clock.systemUTC();
    private MarketplaceMeteringClient client;
    private MeterRegistry registry;
    private Duration sendInterval = Duration.ofMinutes(1);
    private Duration window = Duration.ofHours(6);
    private Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5));

    private Builder() {}

    /** The product code, as confirmed by the entitlement check. */
    public Builder productCode(String productCode) {
      this.productCode = Objects.requireNonNull(productCode, "productCode");
      return this;
    }

    /** The product's dimensions: every completed hour gets a record for each. */
    public Builder dimensions(String... names) {
      dimensions.addAll(Set.of(names));
      return this;
    }

    /** A directory that outlives the process (a volume), for the spool. */
    public Builder spoolDirectory(Path directory) {
      this.spoolDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** The clock (default: the system's). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The client to send with (default: built from the platform; the meter closes it). */
    public Builder client(MarketplaceMeteringClient client) {
      this.client = client;
      return this;
    }

    /** Where to publish the meter's state (Micrometer). */
    public Builder registry(MeterRegistry registry) {
      this.registry = registry;
      return this;
    }

    /** How often completed hours are looked for (default one minute). */
    public Builder sendInterval(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("sendInterval must be positive, was " + interval);
      }
      this.sendInterval = interval;
      return this;
    }

    /** How old a record may be and still be sent (default six hours, the service's window). */
    public Builder window(Duration window) {
      this.window = window;
      return this;
    }

    /** The backoff between failed sends: full jitter up to base·2ⁿ, at most cap. */
    public Builder backoff(Duration base, Duration cap) {
      this.backoff = new Backoff(base, cap);
      return this;
    }

    /**
     * Opens the spool (recovering what it holds) and starts sending.
     *
     * @throws IllegalStateException when the spool is in use by another process
     */
    public Meter build() {
      if (productCode == null) {
        throw new IllegalStateException("productCode is required");
      }
      if (dimensions.isEmpty()) {
        throw new IllegalStateException("at least one dimension is required");
      }
      if (spoolDirectory == null) {
        throw new IllegalStateException("spoolDirectory is required");
      }
      try {
        return new Meter(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open the meter spool in " + spoolDirectory, e);
      }
    }
  }
}
