package example.widget;

import java.util.Map;

/**
 * How the running service is paid for, and so what it may serve: metered calls of a product code
 * ({@link Metered}) or a license it holds a seat of ({@link Licensed}). The API's features are
 * {@code widgets} (listing) and {@code render} (rendering, a paid feature).
 */
interface Plan {
  /** Whether a feature may be served now. */
  boolean allows(String feature);

  /** Why a feature may not be served, for the 402 answer. */
  String refusal(String feature);

  /**
   * Accounts for one served call of a dimension ({@code Requests}, {@code Renders}); returns once
   * it is durable, so a crash cannot lose a served call.
   */
  void served(String dimension);

  /** What {@code GET /status} shows. */
  Map<String, Object> status();

  /** The start-up line's words, e.g. "entitled to CODE (PAID)". */
  String describe();
}
