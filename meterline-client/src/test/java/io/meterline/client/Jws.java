package io.meterline.client;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Compact JWS tokens made by hand, signed any way a forger might try. */
final class Jws {
  static final String PS256_HEADER = "{\"alg\":\"PS256\",\"typ\":\"JWT\"}";

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Jws() {}

  /** A fresh RSA-2048 key pair, as Marketplace issues per product. */
  static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The PEM of a public key, as a product ships it. */
  static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  static String b64(String json) {
    return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /** header.payload, as the signature covers it. */
  static String signingInput(String headerJson, String payloadJson) {
    return b64(headerJson) + "." + b64(payloadJson);
  }

  /** A PS256 token (RSASSA-PSS, SHA-256, MGF1 SHA-256, salt 32) over these claims. */
  static String ps256(String payloadJson, PrivateKey key) {
    return signed(PS256_HEADER, payloadJson, "RSASSA-PSS", key);
  }

  /** An RS256 token (RSASSA-PKCS1-v1_5): the right key, the wrong algorithm. */
  static String rs256(String payloadJson, PrivateKey key) {
    return signed("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", payloadJson, "SHA256withRSA", key);
  }

  /** An HS256 token keyed with the public key's bytes: the classic algorithm-confusion forgery. */
  static String hs256WithPublicKey(String payloadJson, PublicKey key) {
    try {
      String input = signingInput("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payloadJson);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(pem(key).getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
      return input
          + "."
          + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsigned token: {@code alg: none}, empty signature part. */
  static String none(String payloadJson) {
    return signingInput("{\"alg\":\"none\",\"typ\":\"JWT\"}", payloadJson) + ".";
  }

  private static String signed(String header, String payload, String algorithm, PrivateKey key) {
    try {
      String input = signingInput(header, payload);
      Signature s = Signature.getInstance(algorithm);
      if (algorithm.equals("RSASSA-PSS")) {
        s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
      }
      s.initSign(key);
      s.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + B64.encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
