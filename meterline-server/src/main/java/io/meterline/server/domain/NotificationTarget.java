package io.meterline.server.domain;

import java.time.Instant;
import java.util.Objects;

/** Where a product's subscription notifications go, and in which shape. */
public record NotificationTarget(
    String productCode, String url, NotificationFormat format, Instant updatedAt) {
  public NotificationTarget {
    Objects.requireNonNull(productCode, "productCode");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }
}
