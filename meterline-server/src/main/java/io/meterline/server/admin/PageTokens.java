package io.meterline.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The {@code nextToken} of a paged list: the sort key of the last item of a page, which the next
 * page starts after (keyset paging: constant memory, however far a client pages). A token is opaque
 * to clients: base64url of a JSON array of the key's parts, behind a kind that says which list it
 * belongs to.
 */
final class PageTokens {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private PageTokens() {}

  /** The token of a sort key, of the given kind of list. */
  static String encode(String kind, List<?> key) {
    ArrayNode array = JSON.createArrayNode().add(kind);
    key.forEach(part -> array.add(JSON.valueToTree(part)));
    return B64.encodeToString(array.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The sort key in a token as text parts, which must number {@code parts}.
   *
   * @throws AdminException 400 naming {@code nextToken} when it is not a token of this kind
   */
  static List<String> decode(String kind, String token, int parts) {
    try {
      JsonNode array = JSON.readTree(Base64.getUrlDecoder().decode(token));
      if (array != null
          && array.isArray()
          && array.size() == parts + 1
          && kind.equals(array.get(0).asText())) {
        List<String> key = new ArrayList<>(parts);
        for (int i = 1; i <= parts; i++) {
          if (!array.get(i).isValueNode() || array.get(i).isNull()) {
            throw invalid(token);
          }
          key.add(array.get(i).asText());
        }
        return key;
      }
    } catch (IOException | IllegalArgumentException e) {
      throw invalid(token);
    }
    throw invalid(token);
  }

  /** The 400 for a token this server did not give out, or not for this list. */
  static AdminException invalid(String token) {
    return AdminException.badField(
        "nextToken",
        "nextToken \""
            + Body.clip(token)
            + "\" is not a token this list gave out; start again without it");
  }
}
