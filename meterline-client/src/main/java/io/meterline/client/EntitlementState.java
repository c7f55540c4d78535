package io.meterline.client;

import java.time.Instant;
import java.util.Objects;

/**
 * Whether the service still accepts this product's usage, and what the product should do about it
 * under its {@link GracePolicy}. A meter starts {@link Mode#ENTITLED}; an error that concerns the
 * whole product (CustomerNotEntitled, AccessDenied, InvalidEndpointRegion, rejected credentials)
 * moves it to the mode the policy gives, and the next delivered record moves it back.
 *
 * @param mode what the product should do now
 * @param cause the service's error that started the loss; {@code null} while entitled
 * @param lostAt when the loss was first seen; {@code null} while entitled
 */
public record EntitlementState(Mode mode, String cause, Instant lostAt) {
  /** What the product should do. */
  public enum Mode {
    /** Usage is accepted: serve as usual. */
    ENTITLED,
    /** Usage is refused, and the policy keeps serving for now; usage is kept and retried. */
    GRACE,
    /** Usage is refused: serve only what the free tier allows. */
    DEGRADED,
    /** Usage has been refused for longer than the policy allows: stop serving. */
    STOPPED
  }

  /** The state of a meter whose usage is accepted. */
  public static final EntitlementState ENTITLED = new EntitlementState(Mode.ENTITLED, null, null);

  public EntitlementState {
    Objects.requireNonNull(mode, "mode");
  }

  /** Whether the product may keep serving its paid features. */
  public boolean servesPaidFeatures() {
    return mode == Mode.ENTITLED || mode == Mode.GRACE;
  }
}
