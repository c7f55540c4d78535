package io.meterline.server.platform;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.auth.EndpointKey;
import io.meterline.server.exchange.Handler;
import io.meterline.server.exchange.HttpReply;
import io.meterline.server.exchange.HttpRequestView;
import io.meterline.server.exchange.Unexpected;
import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * {@code POST /meterline/v1/endpoint-proof}: the seller library asks this server, before it uses it
 * as its metering endpoint, to sign a challenge with the seller's {@link EndpointKey} (SPEC §4 "a
 * buyer cannot redirect it"). Body {@code {"challenge", "endpoint"}}; answer {@code {"algorithm":
 * "Ed25519", "keyId", "signature"}} (base64url). Unauthenticated: it signs only what binds the
 * proof to one challenge, and reveals nothing else.
 */
public final class EndpointProof implements Handler {
  /** The path the library asks at, under the endpoint URL it was given. */
  public static final String PATH = "/meterline/v1/endpoint-proof";

  private static final Pattern CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{22,128}");
  private static final int MAX_ENDPOINT_CHARS = 2048;

  private final EndpointKey key;
  private final Handler guarded;

  public EndpointProof(EndpointKey key) {
    this.key = key;
    this.guarded =
        Unexpected.guarded(
            "endpoint proof",
            this::answer,
            (requestId, message) ->
                PlatformEndpoints.json(500, Map.of("code", "InternalError", "message", message)));
  }

  @Override
  public CompletableFuture<HttpReply> handle(HttpRequestView request) {
    return guarded.handle(request);
  }

  private CompletableFuture<HttpReply> answer(HttpRequestView request) {
    if (!request.rawPath().equals(PATH)) {
      return PlatformEndpoints.done(
          PlatformEndpoints.error(404, "NotFound", "nothing at " + request.rawPath()));
    }
    if (!"POST".equals(request.method())) {
      return PlatformEndpoints.done(PlatformEndpoints.error(405, "MethodNotAllowed", "use POST"));
    }
    JsonNode body;
    try {
      body = PlatformEndpoints.JSON.readTree(request.body());
    } catch (IOException e) {
      body = null;
    }
    if (body == null || !body.isObject()) {
      return bad("the body must be a JSON object {\"challenge\", \"endpoint\"}");
    }
    JsonNode challenge = body.get("challenge");
    if (challenge == null
        || !challenge.isTextual()
        || !CHALLENGE.matcher(challenge.asText()).matches()) {
      return bad("challenge must be 22 to 128 base64url characters");
    }
    JsonNode endpoint = body.get("endpoint");
    if (endpoint == null
        || !endpoint.isTextual()
        || endpoint.asText().isEmpty()
        || endpoint.asText().length() > MAX_ENDPOINT_CHARS) {
      return bad("endpoint must be the URL the product was given, at most 2048 characters");
    }
    Map<String, Object> proof = new LinkedHashMap<>();
    proof.put("algorithm", "Ed25519");
    proof.put("keyId", key.keyId());
    proof.put(
        "signature",
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(key.prove(endpoint.asText(), challenge.asText())));
    return PlatformEndpoints.done(PlatformEndpoints.json(200, proof));
  }

  private static CompletableFuture<HttpReply> bad(String message) {
    return PlatformEndpoints.done(PlatformEndpoints.error(400, "ValidationException", message));
  }
}
