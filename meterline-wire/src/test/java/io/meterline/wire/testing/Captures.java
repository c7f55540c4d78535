package io.meterline.wire.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The SDK captures of reference/wire/GOLDEN.md, copied to {@code src/test/resources/captures} so
 * the module builds from its own clone.
 */
public final class Captures {
  /** GOLDEN §2: the static keys every non-container capture was signed with. */
  public static final String ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";

  public static final String SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  /**
   * GOLDEN §2: the session variant (java/js-req-10). GOLDEN does not give its secret; the captures
   * verify with AWS's documented example session secret, which is this one.
   */
  public static final String SESSION_ACCESS_KEY_ID = "ASIAIOSFODNN7EXAMPLE";

  public static final String SESSION_SECRET_ACCESS_KEY = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> STATIC_SECRETS =
      Map.of(
          ACCESS_KEY_ID, SECRET_ACCESS_KEY,
          SESSION_ACCESS_KEY_ID, SESSION_SECRET_ACCESS_KEY);

  private static volatile List<CaptureFile> all;

  private Captures() {}

  /** One capture file: a scenario's requests and what the capture server served. */
  public record CaptureFile(String sdk, String id, JsonNode root) {
    /** The requests the capture server received, in order. */
    public List<CapturedRequest> requests() {
      List<CapturedRequest> out = new ArrayList<>();
      for (JsonNode r : root.path("requests")) {
        out.add(
            request(
                r.path("seq").asInt(),
                r.path("method").asText(),
                r.path("target").asText(),
                r.path("headers"),
                r.path("body").asText()));
      }
      return out;
    }

    /**
     * Requests signed inside the SDK and never sent (GOLDEN §2.7: https endpoints), with the
     * request target taken from their URI.
     */
    public List<CapturedRequest> inSdkSignedRequests() {
      List<CapturedRequest> out = new ArrayList<>();
      int n = 0;
      for (JsonNode r : root.path("inSdkSignedRequests")) {
        String path = java.net.URI.create(r.path("uri").asText()).getRawPath();
        out.add(
            request(
                ++n,
                r.path("method").asText(),
                path.isEmpty() ? "/" : path,
                r.path("headers"),
                r.path("body").asText()));
      }
      return out;
    }

    /**
     * The secret of this access key: the one the capture's container-credentials endpoint served
     * (GOLDEN §7), else the static keys of GOLDEN §2.
     */
    public Optional<String> secretFor(String accessKeyId) {
      JsonNode served = root.path("servedCredentialsBody");
      if (served.isTextual()) {
        try {
          JsonNode creds = JSON.readTree(served.asText());
          if (accessKeyId.equals(creds.path("AccessKeyId").asText(null))) {
            return Optional.ofNullable(creds.path("SecretAccessKey").asText(null));
          }
        } catch (IOException e) {
          // not a credentials document (the error scenarios serve {"message":…})
        }
      }
      return Optional.ofNullable(STATIC_SECRETS.get(accessKeyId));
    }

    private CapturedRequest request(
        int seq, String method, String target, JsonNode headers, String body) {
      List<Map.Entry<String, String>> list = new ArrayList<>();
      for (JsonNode h : headers) {
        list.add(Map.entry(h.get(0).asText(), h.get(1).asText()));
      }
      return new CapturedRequest(
          sdk, id, seq, method, target, list, body.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Every scenario file of both SDKs (not the {@code _summary}/{@code _error-mapping} tables). */
  public static List<CaptureFile> files() {
    if (all == null) {
      List<CaptureFile> files = new ArrayList<>();
      for (String sdk : List.of("java", "js")) {
        try (Stream<Path> dir = Files.list(resource("captures/" + sdk))) {
          for (Path p : dir.sorted().toList()) {
            String name = p.getFileName().toString();
            if (name.endsWith(".json") && !name.startsWith("_")) {
              files.add(
                  new CaptureFile(
                      sdk, name.substring(0, name.length() - 5), JSON.readTree(p.toFile())));
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      all = List.copyOf(files);
    }
    return all;
  }

  /** One capture file by id, e.g. {@code java-req-01-meterusage-basic}. */
  public static CaptureFile file(String id) {
    return files().stream()
        .filter(f -> f.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no capture " + id));
  }

  /** The first request of a capture. */
  public static CapturedRequest firstRequest(String id) {
    return file(id).requests().get(0);
  }

  /** Every request of every capture that carries a SigV4 Authorization header. */
  public static List<CapturedRequest> signedRequests() {
    return files().stream()
        .flatMap(f -> f.requests().stream())
        .filter(CapturedRequest::isSigned)
        .toList();
  }

  /** The reference verifier's report, {@code captures/sigv4-verification.json}. */
  public static JsonNode verificationReport() {
    try {
      return JSON.readTree(resource("captures/sigv4-verification.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path resource(String name) {
    URL url = Captures.class.getClassLoader().getResource(name);
    if (url == null) {
      throw new IllegalStateException("test resource missing: " + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
