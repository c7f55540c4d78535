package io.meterline.client;

import java.time.Instant;

/**
 * What the meter has done, for health checks and dashboards. Reading it never waits for a send in
 * progress.
 *
 * @param lastSuccess when a record was last delivered, {@code null} before the first
 * @param backlog records of completed hours not settled yet
 * @param delivered records delivered
 * @param failures sends that failed and will be retried (throttling, the network, the spool's disk,
 *     errors that concern the whole product)
 * @param expired records that aged out of the service's window before they could be delivered
 * @param conflicts records the service holds with another quantity (DuplicateRequest)
 * @param rejected records the service refused for themselves (e.g. an unknown dimension): kept in
 *     the spool with the reason, not retried
 * @param carriedUnits units carried into a later hour by catch-up (see {@link
 *     Meter.Builder#catchUp(boolean)})
 * @param lastError the last failure, {@code null} if none
 * @param entitlement whether the service accepts the product's usage, and what to do if not
 */
public record MeterStatus(
    Instant lastSuccess,
    long backlog,
    long delivered,
    long failures,
    long expired,
    long conflicts,
    long rejected,
    long carriedUnits,
    String lastError,
    EntitlementState entitlement) {}
