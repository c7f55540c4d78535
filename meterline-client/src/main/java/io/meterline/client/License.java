package io.meterline.client;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.licensemanager.LicenseManagerClient;
import software.amazon.awssdk.services.licensemanager.model.NoEntitlementsAllowedException;
import software.amazon.awssdk.services.licensemanager.model.ResourceNotFoundException;

/**
 * A contract-priced product's hold on the buyer's AWS License Manager license (SPEC §3.5;
 * contracts-facts §3): checked out at start, re-checked every 15 minutes while the product runs,
 * checked in on close. Its {@link #state()} says what the product may serve, and the same {@link
 * EntitlementListener} as a meter's hears every change: the license ended, expired or its seat was
 * lost; a tier changed; it allows the product again (a renewal).
 *
 * <pre>{@code
 * License license = License.builder()
 *     .trust(TrustedLicense.of(PRODUCT_CODE, PRODUCT_ID).counting("Seats", 1)
 *         .tier("Basic", "widgets").tier("Pro", "widgets", "render"))
 *     .productCode(System.getenv("PRODUCT_CODE"))
 *     .onEntitlementChange(state -> features.apply(state))
 *     .closeOnShutdown(Duration.ofSeconds(10))
 *     .checkout();                   // throws EntitlementException: refuse to start
 * license.unlocks("render");         // a feature of the tier bought, while entitled
 * }</pre>
 *
 * <h2>The order of calls</h2>
 *
 * A checkout is PROVISIONAL: its units (a seat) return to the pool 60 minutes after it was taken or
 * last extended, or when it is checked in. A re-check must both keep the seat and ask the service
 * again with CheckoutLicense (only that call sees an end, an expiry or a tier change), without the
 * product's own seat standing in its way when it holds the only one. So each re-check:
 *
 * <ol>
 *   <li>extends the held checkout (ExtendLicenseConsumption): the seat is this copy's for another
 *       60 minutes whatever the rest of the re-check meets — a slow or failing service included. If
 *       the checkout holds nothing any more (it lapsed while the service could not be reached), the
 *       re-check goes on as a fresh start;
 *   <li>checks out anew (CheckoutLicense, a fresh ClientToken). Allowed: the new checkout is held
 *       and the old one checked in, so the seat never leaves this copy. Refused with
 *       NoEntitlementsAllowed while holding a seat: the pool may be full with this copy's own seat,
 *       so the old checkout is checked in and the checkout tried once more. That second answer
 *       decides: allowed, the copy holds the seat again; refused, the license allows nothing (it
 *       ended or expired) or another copy took the seat in between, and either way this copy holds
 *       none.
 * </ol>
 *
 * A product holding the only seat therefore never locks itself out. The price: with every seat in
 * use, a copy starting in the instant between the check-in and the checkout of step 2 can take the
 * seat; the copy that lost it is told, and takes a seat again at a later re-check if one is free.
 *
 * <p>Throttling, 5xx and network failures are retried with jittered backoff (before the next
 * interval is due), and change nothing: the extended checkout keeps the seat. Any other refusal
 * (NoEntitlementsAllowed, ResourceNotFound: no license any more, AccessDenied) moves the state to
 * what the {@link GracePolicy} says, {@link GracePolicy#degradeToFree()} by default: a license that
 * allows nothing unlocks nothing. A later re-check that succeeds moves it back to ENTITLED.
 */
public final class License implements AutoCloseable {
  static final Logger LOG = LoggerFactory.getLogger(License.class);

  /** How often the license is checked again while the product runs (facts §3). */
  public static final Duration DEFAULT_RECHECK = Duration.ofMinutes(15);

  private final TrustedLicense product;
  private final Checkouts calls;
  private final LicenseManagerClient client;
  private final boolean ownsClient;
  private final EntitlementTracker tracker;
  private final FailureLog failures;
  private final Backoff backoff;
  private final Duration recheckEvery;
  private final ScheduledExecutorService timer;
  // Held by a re-check for its calls and by close while it checks in: one at a time.
  private final ReentrantLock calling = new ReentrantLock();
  private final Thread shutdownHook;
  private volatile String held;
  private final AtomicBoolean closed = new AtomicBoolean();
  private int failedRechecks; // the timer's thread only

  private License(
      Builder b,
      TrustedLicense product,
      LicenseManagerClient client,
      Checkouts calls,
      Checkouts.Held first) {
    this.product = product;
    this.calls = calls;
    this.client = client;
    this.ownsClient = b.client == null;
    this.held = first.token();
    this.backoff = b.backoff;
    this.recheckEvery = b.recheckEvery;
    this.failures = new FailureLog(LOG, "the license check of " + product.productCode());
    EntitlementState entitled =
        new EntitlementState(EntitlementState.Mode.ENTITLED, null, null, first.terms());
    this.tracker =
        new EntitlementTracker(
            LOG,
            "the license of " + product.productCode(),
            b.gracePolicy,
            b.listener,
            this::logChange,
            b.clock,
            entitled);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "meterline-license-" + product.productCode());
              t.setDaemon(true);
              return t;
            });
    schedule(recheckEvery);
    if (b.closeOnShutdown != null) {
      Duration timeout = b.closeOnShutdown;
      shutdownHook = new Thread(() -> close(timeout), "meterline-license-shutdown");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    } else {
      shutdownHook = null;
    }
  }

  // The start: a checkout that must succeed, else the product does not start.
  private static License checkout(Builder b) throws EntitlementException {
    TrustedLicense product = b.trusted.get(b.productCode);
    if (product == null) {
      throw new EntitlementException(
          EntitlementException.Reason.UNTRUSTED_PRODUCT_CODE,
          "product code '" + b.productCode + "' is not one this product accepts");
    }
    LicenseManagerClient c = b.client != null ? b.client : Clients.licenseManagerChecked();
    Checkouts calls = new Checkouts(c, product);
    LOG.info(
        "checking out {} of {} (product id {}) with License Manager",
        calls.describe(),
        product.productCode(),
        product.productId());
    try {
      EndpointGuard.check(
          c, EndpointGuard.Service.LICENSE_MANAGER, b.sellerEndpoint, b.client == null);
      FailureLog retries = new FailureLog(LOG, "the license check of " + product.productCode());
      Checkouts.Held first =
          new StartupRetry("License Manager", b.retryFor, b.backoff, retries)
              .run(calls::take, License::refusal);
      LOG.info("licensed to run {}: {}", product.productCode(), describe(first.terms()));
      return new License(b, product, c, calls, first);
    } catch (EntitlementException | RuntimeException e) {
      LOG.error("not licensed to run {}: {}", product.productCode(), e.getMessage());
      if (b.client == null) {
        c.close();
      }
      throw e;
    }
  }

  private static EntitlementException refusal(AwsServiceException e) {
    EntitlementException.Reason reason =
        e instanceof NoEntitlementsAllowedException
            ? EntitlementException.Reason.NO_ENTITLEMENTS_ALLOWED
            : e instanceof ResourceNotFoundException
                ? EntitlementException.Reason.NOT_ENTITLED
                : EntitlementException.Reason.REJECTED;
    return new EntitlementException(reason, StartupRetry.message(e), e);
  }

  /** A builder: a trusted license and the product code are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether the product may serve, and what its license allows (see {@link LicenseTerms}). */
  public EntitlementState state() {
    return tracker.current();
  }

  /** Whether a feature of the tier bought may be served now; see {@link EntitlementState}. */
  public boolean unlocks(String feature) {
    return tracker.current().unlocks(feature);
  }

  /**
   * Checks the license in within {@link Meter#DEFAULT_CLOSE_TIMEOUT}; see {@link #close(Duration)}.
   */
  @Override
  public void close() {
    close(Meter.DEFAULT_CLOSE_TIMEOUT);
  }

  /**
   * Stops the re-checks and checks the held checkout in (CheckInLicense), so its seat is free for
   * another copy at once; a re-check in progress is waited for, within {@code timeout}. What cannot
   * be checked in returns to the pool when it expires, within 60 minutes. Safe to call more than
   * once; later calls return at once.
   *
   * @return whether the seat was handed back (or none was held)
   */
  public boolean close(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (!closed.compareAndSet(false, true)) {
      return false;
    }
    timer.shutdown();
    boolean locked = false;
    try {
      locked = calling.tryLock(remaining(deadline).toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      String token = held;
      held = null;
      boolean checkedIn =
          token == null || calls.checkInQuietly(token, remaining(deadline).plusMillis(1));
      if (token != null && checkedIn) {
        LOG.info("checked the license of {} in", product.productCode());
      }
      return checkedIn;
    } finally {
      if (locked) {
        calling.unlock();
      }
      timer.shutdownNow();
      if (ownsClient) {
        client.close();
      }
      removeShutdownHook();
    }
  }

  /**
   * One re-check, now, on the caller's thread (the timer's work; tests call it).
   *
   * @return false when the service could not be reached (throttling, 5xx, the network)
   */
  boolean recheck() {
    calling.lock();
    try {
      if (closed.get()) {
        return true;
      }
      try {
        accepted(rehold());
        return true;
      } catch (AwsServiceException e) {
        if (StartupRetry.mayPass(e)) {
          failures.failed(FailureLog.kindOf(e), Sender.message(e), e);
          return false;
        }
        refused(StartupRetry.message(e));
        return true;
      } catch (RuntimeException e) {
        failures.failed(FailureLog.kindOf(e), Sender.message(e), e);
        return false;
      } finally {
        tracker.applyPolicy();
      }
    } finally {
      calling.unlock();
    }
  }

  // Steps 1 and 2 of the class notes: keep the seat, then ask again.
  private LicenseTerms rehold() {
    String old = held;
    if (old != null && !calls.extend(old)) {
      old = null; // it lapsed: nothing is held
      held = null;
    }
    Checkouts.Held fresh;
    try {
      fresh = calls.take();
    } catch (NoEntitlementsAllowedException e) {
      if (old == null) {
        throw e;
      }
      calls.checkIn(old); // a failure here leaves the extended checkout held
      held = null;
      old = null;
      fresh = calls.take();
    }
    held = fresh.token();
    if (old != null) {
      calls.checkInQuietly(old, null);
    }
    return fresh.terms();
  }

  private void accepted(LicenseTerms terms) {
    failures.succeeded();
    tracker.accepted(terms);
  }

  private void refused(String cause) {
    failures.succeeded();
    tracker.refused(cause);
  }

  private void logChange(EntitlementState was, EntitlementState next) {
    String code = product.productCode();
    if (next.mode() == EntitlementState.Mode.ENTITLED) {
      LOG.info(
          "the license of {} {}: {}",
          code,
          was.mode() == EntitlementState.Mode.ENTITLED ? "changed" : "allows it again",
          describe(next.license()));
    } else if (was.mode() == EntitlementState.Mode.ENTITLED) {
      LOG.warn(
          "the license of {} allows nothing now ({}); grace policy: {}; now {}",
          code,
          next.cause(),
          tracker.policy(),
          next.mode());
    } else {
      LOG.warn(
          "the license of {} allows nothing since {}; now {}", code, next.lostAt(), next.mode());
    }
  }

  // The timer's work. It must never throw: the next re-check is scheduled here.
  private void tick() {
    boolean answered = false;
    try {
      answered = recheck();
    } catch (Throwable t) {
      failures.failed(FailureLog.kindOf(t), Sender.message(t), t);
    }
    failedRechecks = answered ? 0 : failedRechecks + 1;
    Duration retry = answered ? recheckEvery : backoff.delay(failedRechecks);
    schedule(retry.compareTo(recheckEvery) < 0 ? retry : recheckEvery);
  }

  private void schedule(Duration delay) {
    try {
      timer.schedule(this::tick, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed
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

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  static String describe(LicenseTerms terms) {
    return terms.tiers().isEmpty()
        ? "license " + terms.licenseArn()
        : "tier "
            + String.join(", ", terms.tiers())
            + " (features "
            + String.join(", ", terms.features())
            + ") of license "
            + terms.licenseArn();
  }

  /** Builds a {@link License} and checks it out. */
  public static final class Builder {
    private final Map<String, TrustedLicense> trusted = new LinkedHashMap<>();
    private String productCode;
    private LicenseManagerClient client;
    private SellerEndpoint sellerEndpoint = SellerEndpoint.none();
    private GracePolicy gracePolicy = GracePolicy.degradeToFree();
    private EntitlementListener listener;
    private Duration recheckEvery = DEFAULT_RECHECK;
    private Duration retryFor = Duration.ofMinutes(30);
    private Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
    private Clock clock = Clock.systemUTC();
    private Duration closeOnShutdown;

    private Builder() {}

    /** A contract-priced product code the product accepts; call once per code. */
    public Builder trust(TrustedLicense product) {
      trusted.put(product.productCode(), product);
      return this;
    }

    /** The product code to check out, typically from configuration (a Helm value, a variable). */
    public Builder productCode(String productCode) {
      this.productCode = productCode;
      return this;
    }

    /**
     * The endpoints besides AWS's that an override in the environment may point at (default {@link
     * SellerEndpoint#none()}: an override from the environment is refused).
     */
    public Builder sellerEndpoint(SellerEndpoint sellerEndpoint) {
      this.sellerEndpoint = Objects.requireNonNull(sellerEndpoint, "sellerEndpoint");
      return this;
    }

    /**
     * The client to call (default: built with the SDK's default credentials and endpoint, in the
     * region found from the platform; the license closes it). The caller keeps ownership of a
     * client given here.
     */
    public Builder client(LicenseManagerClient client) {
      this.client = client;
      return this;
    }

    /**
     * What the product is told to do once a re-check is refused (default {@link
     * GracePolicy#degradeToFree()}).
     */
    public Builder gracePolicy(GracePolicy policy) {
      this.gracePolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Told each time the {@link EntitlementState} changes, on the license's re-check thread. */
    public Builder onEntitlementChange(EntitlementListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** How often the license is checked again while the product runs (default 15 minutes). */
    public Builder recheckEvery(Duration interval) {
      this.recheckEvery = Durations.positive(interval, "recheckEvery");
      return this;
    }

    /** How long throttling and transient failures are retried at start (default 30 minutes). */
    public Builder retryFor(Duration retryFor) {
      this.retryFor = Durations.nonNegative(retryFor, "retryFor");
      return this;
    }

    /** The backoff between retries: full jitter up to base·2ⁿ, at most cap. */
    public Builder backoff(Duration base, Duration cap) {
      this.backoff = new Backoff(base, cap);
      return this;
    }

    /** The clock the grace policy measures with (default: the system's). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Closes the license from a JVM shutdown hook (on SIGTERM, as ECS and Kubernetes stop a
     * container), within {@code timeout}, so its seat is checked in.
     */
    public Builder closeOnShutdown(Duration timeout) {
      this.closeOnShutdown = Durations.nonNegative(timeout, "closeOnShutdown");
      return this;
    }

    /**
     * Checks the product's entitlements out, retrying transient failures for the configured time,
     * and starts the re-checks.
     *
     * @throws EntitlementException when the product must not start, with the reason
     * @throws IllegalStateException when no license is trusted or no product code given
     */
    public License checkout() throws EntitlementException {
      if (trusted.isEmpty()) {
        throw new IllegalStateException("trust at least one licensed product code");
      }
      if (productCode == null || productCode.isBlank()) {
        throw new IllegalStateException("productCode is required");
      }
      return License.checkout(this);
    }
  }
}
