package io.meterline.client;

import java.time.Instant;

/**
 * What the meter has done, for health checks and dashboards.
 *
 * @param lastSuccess when a record was last delivered, {@code null} before the first
 * @param backlog records of completed hours not delivered yet
 * @param delivered records delivered
 * @param failures sends that failed and will be retried
 * @param expired records that aged out of the service's window before they could be delivered
 * @param conflicts records the service holds with another quantity (DuplicateRequest)
 * @param lastError the last failure, {@code null} if none
 */
public record MeterStatus(
    Instant lastSuccess,
    long backlog,
    long delivered,
    long failures,
    long expired,
    long conflicts,
    String lastError) {}
