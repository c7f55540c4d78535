package io.meterline.wire.model;

import java.util.Objects;

/** A cost-allocation tag on a usage allocation. */
public record Tag(String key, String value) {
  public Tag {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  /** A tag with this key and value. */
  public static Tag of(String key, String value) {
    return new Tag(key, value);
  }
}
