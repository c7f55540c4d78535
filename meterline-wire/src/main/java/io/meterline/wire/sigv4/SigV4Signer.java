package io.meterline.wire.sigv4;

import io.meterline.wire.crypto.Hashing;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Signs a request the way the AWS SDKs do for this service: header authentication, every given
 * header signed, {@code x-amz-content-sha256} sent and signed (reference/wire/GOLDEN.md §1).
 *
 * <p>Used by the load generator and by tests; the server only verifies.
 */
public final class SigV4Signer {
  private final String accessKeyId;
  private final String secretAccessKey;
  private final String sessionToken;
  private final String region;
  private final String service;

  /** A signer for these credentials ({@code sessionToken} may be {@code null}) and scope. */
  public SigV4Signer(
      String accessKeyId,
      String secretAccessKey,
      String sessionToken,
      String region,
      String service) {
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
    this.sessionToken = sessionToken;
    this.region = region;
    this.service = service;
  }

  /**
   * The headers to send: the given ones plus {@code x-amz-date}, {@code x-amz-content-sha256}, the
   * session token when there is one, and {@code authorization}; names in lower case.
   *
   * @param headers the headers to sign, which must include {@code host}
   */
  public Map<String, String> sign(
      String method, String rawPath, Map<String, String> headers, byte[] body, Instant time) {
    TreeMap<String, String> all = new TreeMap<>();
    headers.forEach((name, value) -> all.put(name.toLowerCase(Locale.ROOT), value));
    if (!all.containsKey("host")) {
      throw new IllegalArgumentException("headers must include host, were " + all.keySet());
    }
    String amzDate = SigV4Verifier.AMZ_DATE.format(time);
    String payloadHash = Hashing.sha256Hex(body);
    all.put("x-amz-date", amzDate);
    all.put(SigV4Verifier.CONTENT_SHA256, payloadHash);
    if (sessionToken != null) {
      all.put(SigV4Verifier.SECURITY_TOKEN, sessionToken);
    }
    List<String> signed = new ArrayList<>(all.keySet());
    String canonical =
        CanonicalRequest.build(
            method,
            rawPath,
            "",
            signed,
            name -> all.containsKey(name) ? List.of(all.get(name)) : List.of(),
            payloadHash);
    String date = amzDate.substring(0, 8);
    String scope = date + "/" + region + "/" + service + "/aws4_request";
    String stringToSign =
        AuthorizationHeader.ALGORITHM
            + "\n"
            + amzDate
            + "\n"
            + scope
            + "\n"
            + Hashing.sha256Hex(canonical.getBytes(StandardCharsets.UTF_8));
    byte[] key = SigningKey.derive(secretAccessKey, date, region, service);
    String signature = Hashing.hex(Hashing.hmac(key, stringToSign));
    all.put(
        "authorization",
        AuthorizationHeader.ALGORITHM
            + " Credential="
            + accessKeyId
            + "/"
            + scope
            + ", SignedHeaders="
            + String.join(";", signed)
            + ", Signature="
            + signature);
    return all;
  }
}
