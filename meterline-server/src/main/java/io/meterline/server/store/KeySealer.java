package io.meterline.server.store;

import java.security.PrivateKey;

/** Seals private keys for storage so that a copy of the database alone does not reveal them. */
public interface KeySealer {
  String seal(PrivateKey key);

  PrivateKey unseal(String sealed);
}
