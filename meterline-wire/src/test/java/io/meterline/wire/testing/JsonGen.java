package io.meterline.wire.testing;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators of JSON text for property tests of the body readers: arbitrary trees whose object keys
 * are mostly the model's member names, and number literals of every shape JSON allows.
 */
public final class JsonGen {
  /** Every member name of the four operations' inputs, plus members of newer models. */
  public static final List<String> MEMBER_NAMES =
      List.of(
          "ProductCode",
          "Timestamp",
          "UsageDimension",
          "UsageQuantity",
          "DryRun",
          "UsageAllocations",
          "ClientToken",
          "UsageRecords",
          "CustomerIdentifier",
          "Dimension",
          "Quantity",
          "CustomerAWSAccountId",
          "AllocatedUsageQuantity",
          "Tags",
          "Key",
          "Value",
          "PublicKeyVersion",
          "Nonce",
          "RegistrationToken",
          "LicenseArn");

  private JsonGen() {}

  /** A JSON string literal with these contents. */
  public static String quote(String s) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
  }

  /** Any JSON value, nested at most {@code depth} levels. */
  public static Arbitrary<String> value(int depth) {
    if (depth <= 0) {
      return scalar();
    }
    Arbitrary<String> inner = value(depth - 1);
    return Arbitraries.frequencyOf(
        Tuple.of(5, scalar()),
        Tuple.of(2, inner.list().ofMaxSize(5).map(l -> "[" + String.join(",", l) + "]")),
        Tuple.of(3, object(inner)));
  }

  /** A JSON object whose members have these values; keys mostly model member names. */
  public static Arbitrary<String> object(Arbitrary<String> memberValues) {
    Arbitrary<String> member =
        Combinators.combine(key(), memberValues).as((k, v) -> quote(k) + ":" + v);
    return member.list().ofMaxSize(7).map(l -> "{" + String.join(",", l) + "}");
  }

  /** A string, number, boolean or null. */
  public static Arbitrary<String> scalar() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, strings().map(JsonGen::quote)),
        Tuple.of(4, number()),
        Tuple.of(1, Arbitraries.of("true", "false", "null")));
  }

  /** Number literals: integers, fractions, exponents (some far beyond any double). */
  public static Arbitrary<String> number() {
    Arbitrary<String> digits =
        Arbitraries.strings()
            .numeric()
            .ofMinLength(1)
            .ofMaxLength(25)
            .map(d -> d.length() > 1 && d.startsWith("0") ? "1" + d : d);
    Arbitrary<String> fraction =
        Arbitraries.strings()
            .numeric()
            .ofMinLength(1)
            .ofMaxLength(20)
            .map(f -> "." + f)
            .optional()
            .map(o -> o.orElse(""));
    Arbitrary<String> exponent =
        Combinators.combine(
                Arbitraries.of("e", "E", "e+", "e-", "E-"),
                Arbitraries.oneOf(
                    Arbitraries.integers().between(0, 400).map(String::valueOf),
                    Arbitraries.of(
                        "99999999", "999999999", "2147483647", "2147483648", "9999999999")))
            .as(String::concat)
            .optional()
            .map(o -> o.orElse(""));
    Arbitrary<String> generated =
        Combinators.combine(Arbitraries.of("", "-"), digits, fraction, exponent)
            .as((s, d, f, e) -> s + d + f + e);
    Arbitrary<String> edges =
        Arbitraries.of(
            "0",
            "-0",
            "0.0",
            "-1",
            "1",
            "2147483647",
            "2147483648",
            "-2147483648",
            "9223372036854775808",
            "1704164645",
            "1704164645.000",
            "1704164645.678",
            "1e-99999999",
            "1e-999999999",
            "-1e-999999999",
            "1e999999999",
            "1e-2147483648",
            "1e9999999999",
            "1E+2",
            "1.5e-7");
    return Arbitraries.frequencyOf(Tuple.of(3, generated), Tuple.of(1, edges));
  }

  /** Strings without lone surrogates, often empty, blank or model-like. */
  public static Arbitrary<String> strings() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.strings().withCharRange(' ', '\uD7FF').ofMaxLength(30)),
        Tuple.of(1, Arbitraries.strings().withChars(" \t\n").ofMaxLength(3)),
        Tuple.of(
            1,
            Arbitraries.of(
                "prod-abc123",
                "Hosts",
                "env",
                "123456789012",
                "p q",
                "😀",
                "x".repeat(65),
                "y".repeat(256))));
  }

  private static Arbitrary<String> key() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of(MEMBER_NAMES)), Tuple.of(1, strings()));
  }

  /** The member rendered as {@code "Name":value}, or nothing, with the given odds. */
  public static Arbitrary<Optional<String>> member(
      String name, Arbitrary<String> valid, int depth) {
    return Arbitraries.frequencyOf(
        Tuple.of(12, valid.map(v -> Optional.of(quote(name) + ":" + v))),
        Tuple.of(1, value(depth).map(v -> Optional.of(quote(name) + ":" + v))),
        Tuple.of(1, Arbitraries.just(Optional.<String>empty())));
  }

  /** An object of the present members, in the given order. */
  public static String objectOf(List<Optional<String>> members) {
    return "{" + String.join(",", members.stream().flatMap(Optional::stream).toList()) + "}";
  }
}
