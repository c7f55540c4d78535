package io.meterline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How many items a list command shows: {@code --limit} (100), or {@code --all}, which follows every
 * {@code nextToken}. A mixin of the list commands.
 */
final class Pages {
  private static final int PAGE = 1000;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "100",
      description = "Show at most N items (default: 100).")
  int limit = 100;

  @Option(names = "--all", description = "Show every item, however many pages that takes.")
  boolean all;

  /** The items of a list, read page by page up to the limit. */
  List<JsonNode> fetch(AdminHttp admin, String path, Map<String, String> query, String field) {
    if (!all && limit < 1) {
      throw new IllegalArgumentException("--limit must be 1 or more, was " + limit);
    }
    List<JsonNode> items = new ArrayList<>();
    String token = null;
    do {
      Map<String, String> page = new LinkedHashMap<>(query);
      page.put("limit", String.valueOf(all ? PAGE : Math.min(PAGE, limit - items.size())));
      if (token != null) {
        page.put("nextToken", token);
      }
      JsonNode answer = admin.get(path + query(page));
      answer.path(field).forEach(items::add);
      token = answer.path("nextToken").asText(null);
    } while (token != null && (all || items.size() < limit));
    return items;
  }

  /** The query string of the parameters that have a value ({@code ""} without any). */
  static String query(Map<String, String> parameters) {
    StringBuilder q = new StringBuilder();
    parameters.forEach(
        (name, value) -> {
          if (value != null) {
            q.append(q.length() == 0 ? '?' : '&')
                .append(name)
                .append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
          }
        });
    return q.toString();
  }

  /** Parameters in the order given; {@code null} values are left out of the query. */
  static Map<String, String> params(String... namesAndValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      m.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return m;
  }
}
