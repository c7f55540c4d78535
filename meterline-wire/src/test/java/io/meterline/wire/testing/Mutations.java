package io.meterline.wire.testing;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Random edits of valid inputs for parser properties: near misses find more than noise does. */
public final class Mutations {
  private Mutations() {}

  private enum Kind {
    INSERT,
    DELETE,
    REPLACE,
    TRUNCATE,
    REPEAT_SLICE
  }

  private record Edit(Kind kind, double at, double length, char c) {}

  /** The original after one to eight random edits (insert, delete, replace, truncate, repeat). */
  public static Arbitrary<String> of(String original) {
    return of(Arbitraries.just(original));
  }

  /** A generated original after one to eight random edits. */
  public static Arbitrary<String> of(Arbitrary<String> originals) {
    Arbitrary<Edit> edit =
        Combinators.combine(
                Arbitraries.of(Kind.values()),
                Arbitraries.doubles().between(0, 1),
                Arbitraries.doubles().between(0, 1),
                chars())
            .as(Edit::new);
    return Combinators.combine(originals, edit.list().ofMinSize(1).ofMaxSize(8))
        .as(Mutations::apply);
  }

  /** Characters that matter to the parsers under test, plus any others. */
  public static Arbitrary<Character> chars() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(
            4,
            Arbitraries.of(
                ',', '=', '/', ';', ' ', '"', '{', '}', '[', ']', ':', '\\', '.', '-', '+', 'e',
                'E', '0', '9', 'a', 'F', '\t', '\n', '\u0000')),
        net.jqwik.api.Tuple.of(3, Arbitraries.chars().ascii()),
        net.jqwik.api.Tuple.of(1, Arbitraries.chars()));
  }

  private static String apply(String original, List<Edit> edits) {
    StringBuilder s = new StringBuilder(original);
    for (Edit e : edits) {
      int at = (int) (e.at() * s.length());
      switch (e.kind()) {
        case INSERT -> s.insert(at, e.c());
        case DELETE -> {
          if (at < s.length()) {
            s.deleteCharAt(at);
          }
        }
        case REPLACE -> {
          if (at < s.length()) {
            s.setCharAt(at, e.c());
          }
        }
        case TRUNCATE -> s.setLength(at);
        case REPEAT_SLICE -> {
          int end = Math.min(s.length(), at + 1 + (int) (e.length() * 40));
          if (at < end) {
            s.insert(at, s.substring(at, end).repeat(1 + (int) (e.length() * 50)));
          }
        }
      }
    }
    return s.toString();
  }
}
