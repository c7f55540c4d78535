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
import java.util.EnumMap;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
  static final Logger LOG = LoggerFactory.getLogger(Meter.class);

  /** How long {@link #close()} may take: inside the 30 s stop timeout of ECS and Kubernetes. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(20);

  private final String productCode;
  private final Set<String> dimensions;
  private final Clock clock;
  private final Spool spool;
  private final Sender sender;
  private final MarketplaceMeteringClient client;
  private final boolean ownsClient;
  private final ScheduledExecutorService timer;
  private final EntitlementTracker entitlement;
  private final FailureLog failureLog;
  private final Thread shutdownHook;
  private final AtomicReference<Instant> lastSuccess = new AtomicReference<>();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong carriedUnits = new AtomicLong();
  private final AtomicReference<String> lastError = new AtomicReference<>();
  // Counters for metrics only go up: settled records of this process, by outcome.
  private final Map<Spool.Kind, AtomicLong> settledHere = new EnumMap<>(Spool.Kind.class);
  // Held shared by each add from its check of closed until its usage is in the spool, and
  // exclusively by close to set closed: no add lands in an hour after close has sent it.
  private final java.util.concurrent.locks.ReentrantReadWriteLock lifecycle =
      new java.util.concurrent.locks.ReentrantReadWriteLock();
  private volatile boolean closed;

  private Meter(Builder b) throws IOException {
    this.productCode = b.productCode;
    this.dimensions = Set.copyOf(b.dimensions);
    this.clock = b.clock;
    this.entitlement =
        new EntitlementTracker(
            LOG,
            "the meter of " + b.productCode,
            b.gracePolicy,
            b.listener,
            this::logChange,
            clock,
            EntitlementState.ENTITLED);
    this.failureLog = new FailureLog(LOG, "metering " + b.productCode);
    for (Spool.Kind kind : Spool.Kind.values()) {
      settledHere.put(kind, new AtomicLong());
    }
    this.spool =
        Spool.open(
            b.spoolDirectory,
            "meter-" + safe(productCode),
            dimensions,
            clock,
            b.spoolChannels,
            Spool.COMPACT_BYTES);
    LOG.info(
        "metering {} ({}) with the spool in {}",
        productCode,
        String.join(", ", new TreeSet<>(dimensions)),
        b.spoolDirectory.toAbsolutePath());
    this.ownsClient = b.client == null;
    MarketplaceMeteringClient built = null;
    try {
      built = ownsClient ? Clients.metering() : b.client;
      EndpointGuard.checkOrThrowIllegalState(built, b.sellerEndpoint, ownsClient);
    } catch (RuntimeException e) {
      if (ownsClient && built != null) {
        built.close();
      }
      spool.close();
      throw e;
    }
    this.client = built;
    this.sender =
        new Sender(
            productCode,
            new TreeSet<>(dimensions),
            spool,
            client,
            clock,
            b.window,
            b.backoff,
            b.catchUp,
            new Sender.Events() {
              @Override
              public void delivered(Instant at) {
                onDelivered(at);
              }

              @Override
              public void failed(Sender.Scope scope, String error, Throwable cause) {
                onFailure(scope, error, cause);
              }

              @Override
              public void settled(Spool.Kind kind) {
                settledHere.get(kind).incrementAndGet();
              }

              @Override
              public void carried(long units) {
                carriedUnits.addAndGet(units);
              }
            });
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "meterline-meter-" + productCode);
              t.setDaemon(true);
              return t;
            });
    long every = b.sendInterval.toMillis();
    timer.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    if (b.registry != null) {
      register(b.registry);
    }
    if (b.closeOnShutdown != null) {
      Duration timeout = b.closeOnShutdown;
      shutdownHook = new Thread(() -> close(timeout), "meterline-meter-shutdown");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    } else {
      shutdownHook = null;
    }
  }

  /** A builder: productCode, dimensions and spoolDirectory are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Adds usage of a dimension to the current hour; returns once it is durable.
   *
   * @throws IllegalArgumentException for a dimension not declared or a negative quantity
   * @throws IllegalStateException once the meter is closed
   * @throws java.io.UncheckedIOException when the spool cannot be written (the disk is full): the
   *     usage was not recorded, and the meter goes on with the next add that can be
   */
  public void add(String dimension, long quantity) {
    add(dimension, quantity, Map.of());
  }

  /**
   * Adds usage of a dimension to the current hour with a tag set (a usage allocation: the buyer
   * sees the tags as cost-allocation tags); returns once it is durable. Each hour's record then
   * carries one allocation per tag set, and the untagged rest as one more.
   *
   * @param tags 1 to 5 tags (keys of 1–100, values of 1–256 characters of AWS's tag pattern); an
   *     empty map adds untagged usage
   * @throws IllegalArgumentException for a dimension not declared, a negative quantity or a tag
   *     that is not allowed
   * @throws IllegalStateException once the meter is closed
   * @throws java.io.UncheckedIOException when the spool cannot be written
   */
  public void add(String dimension, long quantity, Map<String, String> tags) {
    if (!dimensions.contains(dimension)) {
      throw new IllegalArgumentException(
          "dimension '" + dimension + "' is not one of this meter's " + dimensions);
    }
    if (quantity < 0) {
      throw new IllegalArgumentException("quantity must be >= 0, was " + quantity);
    }
    Tags tagSet = Tags.of(tags);
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("the meter is closed");
      }
      spool.add(dimension, quantity, tagSet);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * Sends every completed hour now, on the caller's thread, even while backing off.
   *
   * @return whether every due record is settled
   */
  public boolean flush() {
    return sender.sendThrough(spool.closedBefore(), Long.MAX_VALUE);
  }

  /** What the meter has done so far; never waits for a send in progress. */
  public MeterStatus status() {
    Map<Spool.Kind, Long> settled = spool.settledCounts();
    return new MeterStatus(
        lastSuccess.get(),
        sender.backlog(),
        settled.getOrDefault(Spool.Kind.DELIVERED, 0L),
        failures.get(),
        settled.getOrDefault(Spool.Kind.EXPIRED, 0L),
        settled.getOrDefault(Spool.Kind.CONFLICT, 0L),
        settled.getOrDefault(Spool.Kind.REJECTED, 0L),
        carriedUnits.get(),
        lastError.get(),
        entitlement.current());
  }

  /** Whether the service accepts this product's usage, and what the grace policy says to do. */
  public EntitlementState entitlement() {
    return entitlement.current();
  }

  /** Stops metering within {@link #DEFAULT_CLOSE_TIMEOUT}; see {@link #close(Duration)}. */
  @Override
  public void close() {
    close(DEFAULT_CLOSE_TIMEOUT);
  }

  /**
   * Stops metering within {@code timeout}: sends the completed hours and the current one (the task
   * is ending, so its hour is complete), each call bounded by the time left, then closes the spool.
   * What could not be sent in time stays in the spool and is sent by the next meter on the same
   * spool directory. Safe to call more than once; later calls return at once.
   *
   * @return whether everything due was sent
   */
  public boolean close(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (!markClosed(deadline)) {
      return false;
    }
    boolean sent = false;
    try {
      timer.shutdown();
      // Waits for adds in progress; a disk that hangs them must not hang the shutdown.
      long current = spool.closedBefore(deadline);
      sent = current >= 0 && sender.sendThrough(current + 3600, deadline);
      if (!sent) {
        LOG.warn(
            "closing the meter of {}: not everything could be sent within {}; the rest stays in "
                + "the spool for the next start",
            productCode,
            timeout);
      }
    } finally {
      timer.shutdownNow();
      if (ownsClient) {
        client.close(); // aborts a send still in flight on the timer's thread
      }
      try {
        timer.awaitTermination(
            Math.max(0, Math.min(deadline - System.nanoTime(), 1_000_000_000L)),
            TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      try {
        spool.close(Math.max(deadline, System.nanoTime() + 1_000_000_000L));
      } catch (IOException e) {
        LOG.warn("closing the meter spool of {} failed", productCode, e);
      }
      removeShutdownHook();
    }
    return sent;
  }

  // Sets closed once adds in progress are done (or the deadline passed); false if it was already.
  private boolean markClosed(long deadline) {
    boolean locked;
    try {
      locked =
          lifecycle
              .writeLock()
              .tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      locked = false;
    }
    try {
      synchronized (lifecycle) {
        if (closed) {
          return false;
        }
        closed = true;
        return true;
      }
    } finally {
      if (locked) {
        lifecycle.writeLock().unlock();
      }
    }
  }

  private void removeShutdownHook() {
    if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down already
      }
    }
  }

  // The timer's work. It must never throw: an exception would cancel the schedule for good.
  private void tick() {
    try {
      sender.sendCompletedHours();
      applyGracePolicy();
    } catch (Throwable t) {
      onFailure(Sender.Scope.TRANSIENT, Sender.message(t), t);
    }
  }

  private void onDelivered(Instant at) {
    lastSuccess.set(at);
    failureLog.succeeded();
    entitlement.accepted(null);
  }

  private void onFailure(Sender.Scope scope, String error, Throwable cause) {
    failures.incrementAndGet();
    lastError.set(error);
    failureLog.failed(FailureLog.kindOf(cause), error, cause);
    if (scope == Sender.Scope.PRODUCT) {
      entitlement.refused(error);
    }
  }

  private void applyGracePolicy() {
    entitlement.applyPolicy();
  }

  private void logChange(EntitlementState was, EntitlementState next) {
    if (next.mode() == EntitlementState.Mode.ENTITLED) {
      LOG.info("metering {}: usage is accepted again", productCode);
    } else if (was.mode() == EntitlementState.Mode.ENTITLED) {
      LOG.warn(
          "metering {}: the service refuses the product's usage ({}); grace policy: {}; now {}",
          productCode,
          next.cause(),
          entitlement.policy(),
          next.mode());
    } else {
      LOG.warn(
          "metering {}: usage refused since {}; now {}", productCode, next.lostAt(), next.mode());
    }
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
    private GracePolicy gracePolicy = GracePolicy.keepServing();
    private EntitlementListener listener;
    private Duration closeOnShutdown;
    private Spool.Channels spoolChannels = Spool.Channels.FILES;
    private boolean catchUp;
    private SellerEndpoint sellerEndpoint = SellerEndpoint.none();

    private Builder() {}

    /**
     * The endpoints besides AWS's that an override in the environment may point at (default {@link
     * SellerEndpoint#none()}: {@link #build()} refuses an override from the environment).
     */
    public Builder sellerEndpoint(SellerEndpoint sellerEndpoint) {
      this.sellerEndpoint = Objects.requireNonNull(sellerEndpoint, "sellerEndpoint");
      return this;
    }

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
      this.sendInterval = Durations.positive(interval, "sendInterval");
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
     * What the product is told to do while the service refuses its usage for a reason that concerns
     * the whole product (default {@link GracePolicy#keepServing()}).
     */
    public Builder gracePolicy(GracePolicy policy) {
      this.gracePolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Told each time the {@link EntitlementState} changes. */
    public Builder onEntitlementChange(EntitlementListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Closes the meter from a JVM shutdown hook (on SIGTERM, as ECS and Kubernetes stop a
     * container), within {@code timeout}: keep it under the platform's stop timeout (30 s by
     * default) less the product's own shutdown.
     */
    public Builder closeOnShutdown(Duration timeout) {
      this.closeOnShutdown = Durations.nonNegative(timeout, "closeOnShutdown");
      return this;
    }

    /**
     * Catch-up (off by default): units the service will not take for their own hour — a record that
     * aged out of the window, or the part of an hour this meter had not delivered when the hour was
     * sent before (a restart of the same task within the hour it closed on) — are added to the next
     * hour not sent yet instead of being dropped, as the AWS Marketplace Seller Guide allows. They
     * are then billed as usage of that later hour: at its price, inside or outside a free trial as
     * that hour is, and against a contract's prepaid units as that hour's usage. What is carried is
     * logged and counted in {@link MeterStatus#carriedUnits()}.
     */
    public Builder catchUp(boolean catchUp) {
      this.catchUp = catchUp;
      return this;
    }

    /** How the spool's log is opened: the tests' way to make its writes fail. */
    Builder spoolChannels(Spool.Channels channels) {
      this.spoolChannels = channels;
      return this;
    }

    /**
     * Opens the spool (recovering what it holds) and starts sending.
     *
     * @throws IllegalStateException when the spool is in use by another process, or the environment
     *     points the client at an endpoint that did not prove it is the seller's
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
