package io.meterline.server.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * The key with which this server proves to a seller's product that it is the seller's (SPEC §4 "a
 * buyer cannot redirect it"): an Ed25519 key whose public half the seller ships inside the product.
 * The seller gives the server its private half ({@code serve --endpoint-key FILE}, a PKCS#8 PEM
 * file such as {@code meterline endpoint-key --generate} writes); without one, the server derives
 * its own from the master key, the same across restarts of a data directory.
 *
 * <p>The proof: the product sends a random challenge and the endpoint URL it was given; the server
 * signs {@code "meterline-endpoint-proof/1\n" + endpoint + "\n" + challenge}.
 */
public final class EndpointKey {
  /** What is signed before the endpoint and the challenge; a new version changes it. */
  public static final String CONTEXT = "meterline-endpoint-proof/1\n";

  private static final String ALGORITHM = "Ed25519";
  private static final String PRIVATE_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String PRIVATE_END = "-----END PRIVATE KEY-----";

  private final KeyPair pair;
  private final String source;

  private EndpointKey(KeyPair pair, String source) {
    this.pair = pair;
    this.source = source;
  }

  /** The server's own key, derived from the master key: stable for a data directory. */
  public static EndpointKey derived(MasterKey masterKey) {
    return new EndpointKey(
        fromSeed(Arrays.copyOf(masterKey.purposeKey("endpoint-proof"), 32)), "derived");
  }

  /** The seller's key, from a PKCS#8 PEM file holding an Ed25519 private key. */
  public static EndpointKey load(Path file) {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the endpoint key file " + file, e);
    }
    try {
      int from = pem.indexOf(PRIVATE_BEGIN);
      int to = pem.indexOf(PRIVATE_END);
      if (from < 0 || to < from) {
        throw new IllegalArgumentException("no " + PRIVATE_BEGIN + " block");
      }
      byte[] der = Base64.getMimeDecoder().decode(pem.substring(from + PRIVATE_BEGIN.length(), to));
      PrivateKey key =
          KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
      byte[] seed =
          ((EdECPrivateKey) key)
              .getBytes()
              .orElseThrow(() -> new IllegalArgumentException("the key holds no seed"));
      return new EndpointKey(fromSeed(seed), file.toString());
    } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
      throw new IllegalArgumentException(
          "the endpoint key file "
              + file
              + " does not hold an Ed25519 private key in PKCS#8 PEM ("
              + e.getMessage()
              + "); write one with: meterline endpoint-key --generate "
              + file,
          e);
    }
  }

  /** A new random key, as PKCS#8 PEM, for a seller to keep and give to its servers. */
  public static String generatePem() {
    try {
      KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
      return pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no Ed25519", e);
    }
  }

  /** The public half as PEM (SubjectPublicKeyInfo), to ship inside the product. */
  public String publicKeyPem() {
    return pem("PUBLIC KEY", pair.getPublic().getEncoded());
  }

  /** The key's id: base64url SHA-256 of its SubjectPublicKeyInfo. */
  public String keyId() {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256").digest(pair.getPublic().getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  /** Where the key comes from: {@code derived}, or the file it was read from. */
  public String source() {
    return source;
  }

  /** The proof for a challenge the product sent about the endpoint it was given. */
  public byte[] prove(String endpoint, String challenge) {
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initSign(pair.getPrivate());
      s.update((CONTEXT + endpoint + "\n" + challenge).getBytes(StandardCharsets.UTF_8));
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  // Ed25519 key generation draws the 32-byte private seed from the random source and derives the
  // rest; a source that yields the given seed gives that seed's key pair.
  private static KeyPair fromSeed(byte[] seed) {
    if (seed.length != 32) {
      throw new IllegalArgumentException("an Ed25519 seed has 32 bytes, this has " + seed.length);
    }
    SecureRandom fixed =
        new SecureRandom() {
          private static final long serialVersionUID = 1L;

          @Override
          public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
              throw new IllegalStateException("Ed25519 asked for " + bytes.length + " bytes");
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
          }
        };
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
      generator.initialize(NamedParameterSpec.ED25519, fixed);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no Ed25519", e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
