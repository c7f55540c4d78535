package io.meterline.server.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Mints identifiers in the shapes AWS uses. Anything a caller could exploit by guessing (keys,
 * tokens, customer identifiers) comes from {@link SecureRandom}; request and record ids only need
 * to be unique.
 */
public final class Ids {
  private static final SecureRandom SECURE = new SecureRandom();
  private static final String LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final String ALNUM =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  private static final String HEX = "0123456789abcdef";

  /** The form of the customer identifiers this server mints: 11 letters and digits. */
  public static final Pattern CUSTOMER_IDENTIFIER = Pattern.compile("[A-Za-z0-9]{11}");

  /** An AWS account id: 12 digits. */
  public static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");

  private Ids() {}

  /** The Marketplace account that issues the licenses of contracts (contracts-facts §3). */
  public static final String LICENSE_ISSUER_ACCOUNT = "294406891311";

  /**
   * The ARN of the license a subscription's contract is issued as: {@code l-} and 32 hex digits of
   * the subscription id's SHA-256, so the same subscription always names the same license.
   */
  public static String licenseArn(String subscriptionId) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(subscriptionId.getBytes(StandardCharsets.UTF_8));
      return "arn:aws:license-manager::"
          + LICENSE_ISSUER_ACCOUNT
          + ":license:l-"
          + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** A product code: 25 lower-case letters and digits, like AWS's. */
  public static String productCode() {
    return secure(LOWER_ALNUM, 25);
  }

  /** A SaaS customer identifier. */
  public static String customerIdentifier() {
    return secure(ALNUM, 11);
  }

  /** A long-term access key id: {@code AKIA} and 16 base-32 characters. */
  public static String longTermAccessKeyId() {
    return "AKIA" + secure(BASE32, 16);
  }

  /** A temporary access key id: {@code ASIA} and 16 base-32 characters. */
  public static String temporaryAccessKeyId() {
    return "ASIA" + secure(BASE32, 16);
  }

  /** An ECS-style task id: 32 hex digits. */
  public static String taskId() {
    return secure(HEX, 32);
  }

  /** A License Manager consumption token: 32 lowercase hex digits (facts §3). */
  public static String hex32() {
    return taskId();
  }

  /** An EC2 instance id: {@code i-} and 17 hex digits. */
  public static String instanceId() {
    return "i-" + secure(HEX, 17);
  }

  /** A subscription id. */
  public static String subscriptionId() {
    return "sub-" + secure(LOWER_ALNUM, 20);
  }

  /** A 12-digit account id, for a seller account nobody named. */
  public static String accountId() {
    return secure("0123456789", 12);
  }

  /** An opaque SaaS registration token. */
  public static String registrationToken() {
    byte[] bytes = new byte[48];
    SECURE.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** A random bearer token for the admin API. */
  public static String adminToken() {
    byte[] bytes = new byte[24];
    SECURE.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** A request or record id: a random (version 4) UUID. */
  public static String uuid() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (r.nextLong() & ~(0xC000000000000000L)) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }

  /**
   * A MeteringRecordId: a version 7 UUID, whose leading milliseconds make successive ids sort
   * together, so the ledger's id index grows at its end instead of at random pages.
   */
  public static String recordId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    // Wall-clock milliseconds only order the ids; nothing reads the time back out of them.
    long msb = (System.currentTimeMillis() << 16) | 0x7000L | (r.nextLong() & 0x0FFFL);
    long lsb = (r.nextLong() & ~(0xC000000000000000L)) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }

  private static String secure(String alphabet, int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = alphabet.charAt(SECURE.nextInt(alphabet.length()));
    }
    return new String(out);
  }
}
