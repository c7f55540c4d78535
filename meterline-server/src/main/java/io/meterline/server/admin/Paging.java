package io.meterline.server.admin;

import io.meterline.server.store.Keyset;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Paging of the admin API's lists (SPEC §3.1): {@code limit} items a page (100 unless asked, at
 * most 1000) and a {@code nextToken} on every page but the last, which the next request passes
 * back. A page is read one item long, to tell whether another follows.
 */
final class Paging {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  private Paging() {}

  /** The {@code limit} parameter, or the default. */
  static int limit(Map<String, String> query) {
    String given = query.get("limit");
    if (given == null) {
      return DEFAULT_LIMIT;
    }
    int limit;
    try {
      limit = Integer.parseInt(given);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw AdminException.badField(
          "limit",
          "limit must be an integer from 1 to " + MAX_LIMIT + ", was \"" + Body.clip(given) + "\"");
    }
    return limit;
  }

  /** Where a newest-first list resumes: from the {@code nextToken}, {@code null} without one. */
  static Keyset after(String kind, Map<String, String> query) {
    String token = query.get("nextToken");
    if (token == null) {
      return null;
    }
    List<String> key = PageTokens.decode(kind, token, 2);
    try {
      return new Keyset(Instant.ofEpochMilli(Long.parseLong(key.get(0))), key.get(1));
    } catch (NumberFormatException | DateTimeException e) {
      throw PageTokens.invalid(token);
    }
  }

  /**
   * The answer of a newest-first list: {@code {items, nextToken?}}.
   *
   * @param rows the rows read, at most one more than {@code limit}
   * @param position where a row stands in the list
   */
  static <T> Map<String, Object> page(
      String kind,
      List<T> rows,
      int limit,
      Function<T, Keyset> position,
      Function<T, Map<String, Object>> view) {
    List<T> page = rows.size() > limit ? rows.subList(0, limit) : rows;
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("items", page.stream().map(view).toList());
    if (rows.size() > limit) {
      Keyset last = position.apply(page.get(limit - 1));
      answer.put(
          "nextToken",
          PageTokens.encode(kind, List.of(last.createdAt().toEpochMilli(), last.id())));
    }
    return answer;
  }
}
