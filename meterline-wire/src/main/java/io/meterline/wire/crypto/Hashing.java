package io.meterline.wire.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** SHA-256 and HMAC-SHA256 as SigV4 uses them. */
public final class Hashing {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("every JVM has SHA-256", e);
            }
          });
  private static final ThreadLocal<Mac> HMAC =
      ThreadLocal.withInitial(
          () -> {
            try {
              return Mac.getInstance("HmacSHA256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("every JVM has HmacSHA256", e);
            }
          });

  private Hashing() {}

  /** SHA-256 of the bytes. */
  public static byte[] sha256(byte[] bytes) {
    MessageDigest digest = SHA256.get();
    digest.reset();
    return digest.digest(bytes);
  }

  /** Lower-case hex of the SHA-256 of the bytes. */
  public static String sha256Hex(byte[] bytes) {
    return hex(sha256(bytes));
  }

  /** HMAC-SHA256 of the UTF-8 data under the key. */
  public static byte[] hmac(byte[] key, String data) {
    return hmac(key, data.getBytes(StandardCharsets.UTF_8));
  }

  /** HMAC-SHA256 of the data under the key. */
  public static byte[] hmac(byte[] key, byte[] data) {
    Mac mac = HMAC.get();
    try {
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("an HMAC key of any length is valid", e);
    }
    return mac.doFinal(data);
  }

  /** Lower-case hex of the bytes. */
  public static String hex(byte[] bytes) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[bytes[i] & 0xf];
    }
    return new String(out);
  }
}
