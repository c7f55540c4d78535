package io.meterline.client;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.slf4j.Logger;

/**
 * The {@link EntitlementState} of a meter or a license as the service's answers move it, under a
 * {@link GracePolicy}: each change is logged by the owner (given the state before and after), then
 * told to the listener, once.
 */
final class EntitlementTracker {
  private final Logger log;
  private final String what;
  private final GracePolicy policy;
  private final EntitlementListener listener;
  private final BiConsumer<EntitlementState, EntitlementState> logChange;
  private final Clock clock;
  private final AtomicReference<EntitlementState> state;

  /**
   * @param what the meter or license, for the log
   * @param logChange logs a change from the first state to the second, before the listener hears it
   */
  EntitlementTracker(
      Logger log,
      String what,
      GracePolicy policy,
      EntitlementListener listener,
      BiConsumer<EntitlementState, EntitlementState> logChange,
      Clock clock,
      EntitlementState initial) {
    this.log = log;
    this.what = what;
    this.policy = policy;
    this.listener = listener;
    this.logChange = logChange;
    this.clock = clock;
    this.state = new AtomicReference<>(initial);
  }

  EntitlementState current() {
    return state.get();
  }

  GracePolicy policy() {
    return policy;
  }

  /**
   * The service accepts the product (again): {@link EntitlementState.Mode#ENTITLED}, with these
   * terms for a license ({@code null} for a meter).
   */
  void accepted(LicenseTerms terms) {
    EntitlementState next =
        terms == null
            ? EntitlementState.ENTITLED
            : new EntitlementState(EntitlementState.Mode.ENTITLED, null, null, terms);
    EntitlementState was = state.getAndSet(next);
    if (!was.equals(next)) {
      changed(was, next);
    }
  }

  /**
   * The service refuses the product: the mode the policy gives from now, keeping what a license
   * allowed last. A loss already under way keeps its cause and start.
   */
  void refused(String cause) {
    EntitlementState was = state.get();
    if (was.mode() != EntitlementState.Mode.ENTITLED) {
      return;
    }
    EntitlementState lost =
        new EntitlementState(
            policy.modeAfter(Duration.ZERO), cause, clock.instant(), was.license());
    if (state.compareAndSet(was, lost)) {
      changed(was, lost);
    }
  }

  /** Moves a loss on as the policy says for the time it has lasted (e.g. GRACE to STOPPED). */
  void applyPolicy() {
    EntitlementState was = state.get();
    if (was.lostAt() == null) {
      return;
    }
    EntitlementState.Mode mode = policy.modeAfter(Duration.between(was.lostAt(), clock.instant()));
    if (mode == was.mode()) {
      return;
    }
    EntitlementState next = new EntitlementState(mode, was.cause(), was.lostAt(), was.license());
    if (state.compareAndSet(was, next)) {
      changed(was, next);
    }
  }

  private void changed(EntitlementState was, EntitlementState next) {
    logChange.accept(was, next);
    if (listener == null) {
      return;
    }
    try {
      listener.onChange(next);
    } catch (RuntimeException e) {
      log.warn("the entitlement listener of {} failed", what, e);
    }
  }
}
