package io.meterline.wire.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compact JWS: PS256 (the RegisterUsage signature, SPEC §1.1) and HS256 (tokens the server issues
 * and checks itself), checked against nimbus-jose-jwt as an independent implementation; and PEM
 * text of the public keys.
 */
class JwsTest {
  private static final KeyPair KEYS = rsa2048();
  private static final KeyPair OTHER_KEYS = rsa2048();
  private static final String PAYLOAD =
      "{\"productCode\":\"prod-abc123\",\"publicKeyVersion\":1,"
          + "\"nonce\":\"nonce-0123456789abcdef\",\"iat\":1704164645}";

  @Test
  void sign_tokenVerifiesWithNimbus() throws Exception {
    String token = Jws.signPs256(KEYS.getPrivate(), PAYLOAD);

    JWSObject parsed = JWSObject.parse(token);
    assertThat(parsed.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.PS256);
    assertThat(parsed.verify(new RSASSAVerifier((RSAPublicKey) KEYS.getPublic()))).isTrue();
    assertThat(parsed.getPayload().toString()).isEqualTo(PAYLOAD);
  }

  @Test
  void sign_headerIsExactlyAlgAndTyp() {
    String token = Jws.signPs256(KEYS.getPrivate(), PAYLOAD);

    String header = decode(token.split("\\.")[0]);
    assertThat(header).isEqualTo("{\"alg\":\"PS256\",\"typ\":\"JWT\"}");
  }

  @Test
  void sign_isCompactBase64UrlWithoutPadding() {
    String token = Jws.signPs256(KEYS.getPrivate(), PAYLOAD + "??>>");

    assertThat(token.split("\\.", -1))
        .hasSize(3)
        .allSatisfy(part -> assertThat(part).matches("[A-Za-z0-9_-]+"));
    assertThat(decode(token.split("\\.")[1])).isEqualTo(PAYLOAD + "??>>");
    assertThat(Base64.getUrlDecoder().decode(token.split("\\.")[2])).hasSize(256);
  }

  @Test
  void sign_claimsReadByAJwtLibraryAsTheSpecNamesThem() throws Exception {
    SignedJWT jwt = SignedJWT.parse(Jws.signPs256(KEYS.getPrivate(), PAYLOAD));

    assertThat(jwt.getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
    assertThat(jwt.getJWTClaimsSet().getStringClaim("productCode")).isEqualTo("prod-abc123");
    assertThat(jwt.getJWTClaimsSet().getLongClaim("publicKeyVersion")).isEqualTo(1L);
    assertThat(jwt.getJWTClaimsSet().getStringClaim("nonce")).isEqualTo("nonce-0123456789abcdef");
    assertThat(jwt.getJWTClaimsSet().getIssueTime().toInstant().getEpochSecond())
        .isEqualTo(1_704_164_645L);
  }

  @Test
  void sign_isRandomizedButEverySignatureVerifies() {
    String first = Jws.signPs256(KEYS.getPrivate(), PAYLOAD);
    String second = Jws.signPs256(KEYS.getPrivate(), PAYLOAD);

    assertThat(first).isNotEqualTo(second);
    assertThat(Jws.verifyPs256(KEYS.getPublic(), first)).isEqualTo(PAYLOAD);
    assertThat(Jws.verifyPs256(KEYS.getPublic(), second)).isEqualTo(PAYLOAD);
  }

  @Test
  void verify_ownToken_returnsThePayload() {
    String payload = "{\"nonce\":\"café ✓\"}";

    assertThat(Jws.verifyPs256(KEYS.getPublic(), Jws.signPs256(KEYS.getPrivate(), payload)))
        .isEqualTo(payload);
  }

  @Test
  void verify_nimbusSignedPs256Token_returnsThePayload() throws Exception {
    JWSObject jws =
        new JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.PS256).type(JOSEObjectType.JWT).build(),
            new Payload(PAYLOAD));
    jws.sign(new RSASSASigner(KEYS.getPrivate()));

    assertThat(Jws.verifyPs256(KEYS.getPublic(), jws.serialize())).isEqualTo(PAYLOAD);
  }

  @Test
  void verify_nimbusSignedTokenWithMinimalHeader_returnsThePayload() throws Exception {
    JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.PS256), new Payload(PAYLOAD));
    jws.sign(new RSASSASigner(KEYS.getPrivate()));

    assertThat(Jws.verifyPs256(KEYS.getPublic(), jws.serialize())).isEqualTo(PAYLOAD);
  }

  @Test
  void verify_rs256Token_isRejected() throws Exception {
    JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.RS256), new Payload(PAYLOAD));
    jws.sign(new RSASSASigner(KEYS.getPrivate()));

    assertThatThrownBy(() -> Jws.verifyPs256(KEYS.getPublic(), jws.serialize()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not PS256");
  }

  @Test
  void verify_tamperedPayload_isRejected() throws Exception {
    String[] parts = Jws.signPs256(KEYS.getPrivate(), PAYLOAD).split("\\.");
    String forged =
        parts[0] + "." + encode(PAYLOAD.replace("prod-abc123", "prod-free00")) + "." + parts[2];

    assertThatThrownBy(() -> Jws.verifyPs256(KEYS.getPublic(), forged))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not verify");
    assertThat(JWSObject.parse(forged).verify(new RSASSAVerifier((RSAPublicKey) KEYS.getPublic())))
        .isFalse();
  }

  @Test
  void verify_tamperedSignature_isRejected() {
    String token = Jws.signPs256(KEYS.getPrivate(), PAYLOAD);
    int i = token.lastIndexOf('.') + 10;
    String forged =
        token.substring(0, i) + (token.charAt(i) == 'A' ? 'B' : 'A') + token.substring(i + 1);

    assertThatThrownBy(() -> Jws.verifyPs256(KEYS.getPublic(), forged))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void verify_tamperedHeader_isRejected() {
    String token = Jws.signPs256(KEYS.getPrivate(), PAYLOAD);
    String forged =
        encode("{\"alg\":\"PS256\",\"typ\":\"JWT\",\"kid\":\"x\"}")
            + token.substring(token.indexOf('.'));

    assertThatThrownBy(() -> Jws.verifyPs256(KEYS.getPublic(), forged))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void verify_otherKey_isRejected() {
    String token = Jws.signPs256(KEYS.getPrivate(), PAYLOAD);

    assertThatThrownBy(() -> Jws.verifyPs256(OTHER_KEYS.getPublic(), token))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "a.b",
        "a.b.c.d",
        "!!!.e30.AAAA",
        "eyJhbGciOiJQUzI1NiJ9.e30.***",
        "eyJhbGciOiJQUzI1NiJ9.e30."
      })
  void verify_malformedToken_isRejected(String token) {
    assertThatThrownBy(() -> Jws.verifyPs256(KEYS.getPublic(), token))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void verify_nullToken_isRejected() {
    assertThatThrownBy(() -> Jws.verifyPs256(KEYS.getPublic(), null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- HS256 ------------------------------------------------------------------------------

  private static final byte[] MAC_KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  private static final String HS256_HEADER = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}";

  @Test
  void signHs256_tokenVerifiesWithNimbusAndKeepsTheHeader() throws Exception {
    String token = Jws.signHs256(MAC_KEY, HS256_HEADER, PAYLOAD);

    JWSObject parsed = JWSObject.parse(token);
    assertThat(parsed.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
    assertThat(parsed.getHeader().getKeyID()).isEqualTo("k1");
    assertThat(parsed.verify(new MACVerifier(MAC_KEY))).isTrue();
    assertThat(decode(token.split("\\.")[0])).isEqualTo(HS256_HEADER);
  }

  @Test
  void verifyHs256_nimbusSignedToken_returnsThePayload() throws Exception {
    JWSObject jws = new JWSObject(new JWSHeader(JWSAlgorithm.HS256), new Payload(PAYLOAD));
    jws.sign(new MACSigner(MAC_KEY));

    assertThat(Jws.verifyHs256(MAC_KEY, jws.serialize())).isEqualTo(PAYLOAD);
  }

  @Test
  void verifyHs256_otherKeyOrTamperedPayload_isRejected() {
    String token = Jws.signHs256(MAC_KEY, HS256_HEADER, PAYLOAD);
    String[] parts = token.split("\\.");
    String forged =
        parts[0] + "." + encode(PAYLOAD.replace("1704164645", "1904164645")) + "." + parts[2];
    byte[] otherKey = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8);

    assertThat(Jws.verifyHs256(MAC_KEY, token)).isEqualTo(PAYLOAD);
    assertThatThrownBy(() -> Jws.verifyHs256(otherKey, token))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not verify");
    assertThatThrownBy(() -> Jws.verifyHs256(MAC_KEY, forged))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not verify");
  }

  /** A token of one algorithm is never accepted as the other (no algorithm confusion). */
  @Test
  void verify_tokenOfTheOtherAlgorithm_isRejected() {
    String ps256 = Jws.signPs256(KEYS.getPrivate(), PAYLOAD);
    String hs256 = Jws.signHs256(MAC_KEY, HS256_HEADER, PAYLOAD);

    assertThatThrownBy(() -> Jws.verifyHs256(MAC_KEY, ps256))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not HS256");
    assertThatThrownBy(() -> Jws.verifyPs256(KEYS.getPublic(), hs256))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not PS256");
  }

  @Test
  void signHs256_headerNamingAnotherAlgorithm_isRefused() {
    assertThatThrownBy(() -> Jws.signHs256(MAC_KEY, "{\"alg\":\"none\"}", PAYLOAD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HS256");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "a.b",
        "eyJhbGciOiJIUzI1NiJ9.e30.***",
        "eyJhbGciOiJIUzI1NiJ9.e30.",
        "e30.e30.AAAA"
      })
  void verifyHs256_malformedToken_isRejected(String token) {
    assertThatThrownBy(() -> Jws.verifyHs256(MAC_KEY, token))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---- PEM --------------------------------------------------------------------------------

  @Test
  void pem_roundTrip_givesTheSameKey() {
    String pem = Pem.encode(KEYS.getPublic());

    assertThat(Pem.decodeRsaPublicKey(pem)).isEqualTo(KEYS.getPublic());
    assertThat(Pem.decodeRsaPublicKey(pem).getEncoded()).isEqualTo(KEYS.getPublic().getEncoded());
  }

  @Test
  void pem_encode_isSpkiWith64CharLines() {
    String pem = Pem.encode(KEYS.getPublic());
    String[] lines = pem.split("\n");

    assertThat(lines[0]).isEqualTo("-----BEGIN PUBLIC KEY-----");
    assertThat(lines[lines.length - 1]).isEqualTo("-----END PUBLIC KEY-----");
    assertThat(pem).endsWith("-----END PUBLIC KEY-----\n");
    for (int i = 1; i < lines.length - 2; i++) {
      assertThat(lines[i]).hasSize(64);
    }
  }

  @Test
  void pem_decodeWithCrLfAndSurroundingText_givesTheKey() {
    String pem = "key of version 1:\r\n" + Pem.encode(KEYS.getPublic()).replace("\n", "\r\n");

    assertThat(Pem.decodeRsaPublicKey(pem)).isEqualTo(KEYS.getPublic());
  }

  @Test
  void pem_tokenSignedWithThePrivateKey_verifiesWithTheDecodedKey() {
    String token = Jws.signPs256(KEYS.getPrivate(), PAYLOAD);

    assertThat(Jws.verifyPs256(Pem.decodeRsaPublicKey(Pem.encode(KEYS.getPublic())), token))
        .isEqualTo(PAYLOAD);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not a key",
        "-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----",
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
        "-----END PUBLIC KEY-----\n-----BEGIN PUBLIC KEY-----"
      })
  void pem_decodeGarbage_isRejected(String pem) {
    assertThatThrownBy(() -> Pem.decodeRsaPublicKey(pem))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pem_decodeEcKey_isRejected() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(256);

    String pem = Pem.encode(ec.generateKeyPair().getPublic());

    assertThatThrownBy(() -> Pem.decodeRsaPublicKey(pem))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("RSA");
  }

  private static String decode(String part) {
    return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
  }

  private static String encode(String text) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static KeyPair rsa2048() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
