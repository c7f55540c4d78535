package io.meterline.client;

import java.time.Instant;
import java.util.Objects;

/**
 * Whether the service still accepts this product, and what the product should do about it under its
 * {@link GracePolicy}. A {@link Meter} and a {@link License} each start {@link Mode#ENTITLED}. For
 * a meter, an error that concerns the whole product (CustomerNotEntitled, AccessDenied,
 * InvalidEndpointRegion, rejected credentials) moves it to the mode the policy gives, and the next
 * delivered record moves it back. For a license, a re-check that is refused (the license ended or
 * expired, or its seats are taken) does, and the next one that succeeds moves it back.
 *
 * @param mode what the product should do now
 * @param cause the service's error that started the loss; {@code null} while entitled
 * @param lostAt when the loss was first seen; {@code null} while entitled
 * @param license what a license allows (while lost, what it allowed last); {@code null} for a meter
 */
public record EntitlementState(Mode mode, String cause, Instant lostAt, LicenseTerms license) {
  /** What the product should do. */
  public enum Mode {
    /** The service accepts the product: serve as usual. */
    ENTITLED,
    /** The service refuses the product, and the policy keeps serving for now. */
    GRACE,
    /** The service refuses the product: serve only what the free tier allows. */
    DEGRADED,
    /** The service has refused the product for longer than the policy allows: stop serving. */
    STOPPED
  }

  /** The state of a meter whose usage is accepted. */
  public static final EntitlementState ENTITLED = new EntitlementState(Mode.ENTITLED, null, null);

  public EntitlementState {
    Objects.requireNonNull(mode, "mode");
  }

  /** A state without license terms: a meter's. */
  public EntitlementState(Mode mode, String cause, Instant lostAt) {
    this(mode, cause, lostAt, null);
  }

  /** Whether the product may keep serving its paid features. */
  public boolean servesPaidFeatures() {
    return mode == Mode.ENTITLED || mode == Mode.GRACE;
  }

  /** Whether a feature of the license's tiers may be served now. */
  public boolean unlocks(String feature) {
    return servesPaidFeatures() && license != null && license.features().contains(feature);
  }
}
