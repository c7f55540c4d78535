package io.meterline.server.auth;

import io.meterline.server.store.KeySealer;
import io.meterline.wire.crypto.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The server's master key, kept in a file beside (not in) the database. It derives every secret
 * access key from its key id, authenticates session tokens, and seals product private keys, so that
 * a copy of the database alone reveals no secret.
 *
 * <p>Servers that share one PostgreSQL database must share this key ({@code --master-key-file}).
 */
public final class MasterKey implements KeySealer {
  private static final int KEY_BYTES = 32;
  private static final int GCM_NONCE_BYTES = 12;
  private static final int SECRET_LENGTH = 40;
  private static final int MAC_BYTES = 24;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();

  private final byte[] secretKey;
  private final byte[] tokenKey;
  private final SecretKeySpec sealKey;
  private final byte[] platformKey;

  private MasterKey(byte[] master) {
    // One purpose, one subkey: a secret derived for one use can never answer for another.
    this.secretKey = Hashing.hmac(master, "meterline/secret-access-key/v1");
    this.tokenKey = Hashing.hmac(master, "meterline/session-token/v1");
    this.sealKey = new SecretKeySpec(Hashing.hmac(master, "meterline/seal/v1"), "AES");
    this.platformKey = Hashing.hmac(master, "meterline/platform/v1");
  }

  /** A master key from raw bytes (tests and tools). */
  public static MasterKey of(byte[] master) {
    if (master.length < KEY_BYTES) {
      throw new IllegalArgumentException(
          "a master key has at least " + KEY_BYTES + " bytes, this has " + master.length);
    }
    return new MasterKey(master.clone());
  }

  /** Reads the key from the file, creating the file with a new random key if it is missing. */
  public static MasterKey loadOrCreate(Path file) {
    try {
      if (!Files.exists(file)) {
        create(file);
      }
      byte[] master = Base64.getDecoder().decode(Files.readString(file).strip());
      return of(master);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the master key file " + file, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "the master key file "
              + file
              + " does not hold a "
              + "base64 key of at least "
              + KEY_BYTES
              + " bytes",
          e);
    }
  }

  // Written whole or not at all, and fsync'd: a key lost after a crash would orphan every
  // secret derived from it and every product key sealed with it.
  private static void create(Path file) throws IOException {
    byte[] master = new byte[KEY_BYTES];
    RANDOM.nextBytes(master);
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".master", ".key.tmp");
    try {
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system; the directory's permissions apply
      }
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        out.write(
            ByteBuffer.wrap(
                (Base64.getEncoder().encodeToString(master) + "\n")
                    .getBytes(StandardCharsets.US_ASCII)));
        out.force(true);
      }
      try {
        // A hard link appears whole and never replaces: if another server created the key
        // first, theirs is the key.
        Files.createLink(file, tmp);
      } catch (FileAlreadyExistsException e) {
        return;
      }
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException e) {
        // some file systems cannot sync a directory; the file itself is synced
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The secret access key of a long-term key id. */
  public String longTermSecret(String accessKeyId) {
    return secret("long-term:" + accessKeyId);
  }

  /** The secret access key of a temporary key id. */
  public String temporarySecret(String accessKeyId) {
    return secret("temporary:" + accessKeyId);
  }

  private String secret(String label) {
    byte[] mac = Hashing.hmac(secretKey, label);
    return Base64.getEncoder().encodeToString(mac).substring(0, SECRET_LENGTH);
  }

  /**
   * A key for one purpose of the platform endpoints (signing web identity tokens, metadata tokens);
   * distinct purposes get unrelated keys.
   */
  public byte[] purposeKey(String purpose) {
    return Hashing.hmac(platformKey, "key:" + purpose);
  }

  /**
   * A bearer secret for one purpose and subject, such as the container credentials endpoint's
   * authorization token of one task: stable, so it is derived again instead of stored.
   */
  public String derivedToken(String purpose, String subject) {
    return B64URL.encodeToString(
        Arrays.copyOf(Hashing.hmac(platformKey, "token:" + purpose + ":" + subject), 24));
  }

  /** A session token binding temporary credentials to a task until they expire. */
  public String sessionToken(SessionClaims claims) {
    byte[] payload = claims.encode().getBytes(StandardCharsets.UTF_8);
    byte[] mac = Arrays.copyOf(Hashing.hmac(tokenKey, payload), MAC_BYTES);
    return B64URL.encodeToString(payload) + "." + B64URL.encodeToString(mac);
  }

  /** The claims of a session token this key issued; empty when it did not issue it. */
  public Optional<SessionClaims> parseSessionToken(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0 || dot != token.lastIndexOf('.') || token.length() > 1024) {
      return Optional.empty();
    }
    try {
      byte[] payload = B64URL_DECODER.decode(token.substring(0, dot));
      byte[] mac = B64URL_DECODER.decode(token.substring(dot + 1));
      byte[] expected = Arrays.copyOf(Hashing.hmac(tokenKey, payload), MAC_BYTES);
      if (!MessageDigest.isEqual(expected, mac)) {
        return Optional.empty();
      }
      return SessionClaims.decode(new String(payload, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public String seal(PrivateKey key) {
    try {
      byte[] nonce = new byte[GCM_NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, sealKey, new GCMParameterSpec(128, nonce));
      byte[] sealed = cipher.doFinal(key.getEncoded());
      return Base64.getEncoder()
          .encodeToString(
              ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM sealing failed", e);
    }
  }

  @Override
  public PrivateKey unseal(String sealed) {
    try {
      byte[] bytes = Base64.getDecoder().decode(sealed);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE, sealKey, new GCMParameterSpec(128, bytes, 0, GCM_NONCE_BYTES));
      byte[] pkcs8 = cipher.doFinal(bytes, GCM_NONCE_BYTES, bytes.length - GCM_NONCE_BYTES);
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "a product key cannot be unsealed: the master key is not "
              + "the one the database was written with",
          e);
    }
  }

  /** What a session token says: which key id, which task, until when (real time). */
  public record SessionClaims(String accessKeyId, String taskId, Instant expiresAt) {
    String encode() {
      return "v1|" + accessKeyId + "|" + taskId + "|" + expiresAt.getEpochSecond();
    }

    static Optional<SessionClaims> decode(String text) {
      String[] parts = text.split("\\|", -1);
      if (parts.length != 4 || !"v1".equals(parts[0])) {
        return Optional.empty();
      }
      try {
        return Optional.of(
            new SessionClaims(parts[1], parts[2], Instant.ofEpochSecond(Long.parseLong(parts[3]))));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
  }
}
