package io.meterline.server.ledger;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Splits a batch into rounds in which no two items share a key, keeping their order. The write path
 * applies one round after another in the same transaction, so a later item sees what an earlier one
 * with the same key wrote, exactly as if they had come in separate transactions.
 */
final class Rounds {
  private Rounds() {}

  /** The rounds; {@code keys} gives each item's keys ({@code null} entries are ignored). */
  static <T> List<List<T>> of(List<T> items, Function<T, List<Object>> keys) {
    List<List<T>> rounds = new ArrayList<>();
    List<T> pending = items;
    while (!pending.isEmpty()) {
      List<T> round = new ArrayList<>();
      List<T> later = new ArrayList<>();
      Set<Object> taken = new HashSet<>();
      for (T item : pending) {
        List<Object> itemKeys = keys.apply(item);
        boolean clash = false;
        for (Object k : itemKeys) {
          if (k != null && taken.contains(k)) {
            clash = true;
            break;
          }
        }
        // A deferred item still claims its keys, so nothing after it overtakes it.
        for (Object k : itemKeys) {
          if (k != null) {
            taken.add(k);
          }
        }
        (clash ? later : round).add(item);
      }
      rounds.add(round);
      pending = later;
    }
    return rounds;
  }
}
