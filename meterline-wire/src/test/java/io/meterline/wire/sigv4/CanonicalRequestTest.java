package io.meterline.wire.sigv4;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.wire.crypto.Hashing;
import io.meterline.wire.testing.Captures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The canonical request text, against GOLDEN §8.2 and the SigV4 rules the SDK signer follows. */
class CanonicalRequestTest {

  @Test
  void build_goldenMeterUsage_isTheReferenceCanonicalRequestAndSignature() {
    JsonNode report = Captures.verificationReport();
    String expected = report.path("canonicalRequestExample").asText();
    String[] lines = expected.split("\n", -1);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 3; !lines[i].isEmpty(); i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon), List.of(lines[i].substring(colon + 1)));
    }
    List<String> signed = List.of(lines[lines.length - 2].split(";"));
    String payloadHash = lines[lines.length - 1];

    String canonical =
        CanonicalRequest.build(
            "POST", "/", "", signed, name -> headers.getOrDefault(name, List.of()), payloadHash);

    assertThat(canonical).isEqualTo(expected);
    String amzDate = headers.get("x-amz-date").get(0);
    String stringToSign =
        "AWS4-HMAC-SHA256\n"
            + amzDate
            + "\n"
            + amzDate.substring(0, 8)
            + "/us-east-1/aws-marketplace/aws4_request\n"
            + Hashing.sha256Hex(canonical.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    byte[] key =
        SigningKey.derive(
            Captures.SECRET_ACCESS_KEY, amzDate.substring(0, 8), "us-east-1", "aws-marketplace");
    String received = report.path("live").get(0).path("received").asText();
    assertThat(received).endsWith("Signature=" + Hashing.hex(Hashing.hmac(key, stringToSign)));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''                | /",
        "/                 | /",
        "/pfx/             | /pfx/",
        "/pfx              | /pfx",
        "/pfx/./           | /pfx/",
        "/pfx/.            | /pfx",
        "/pfx/a/..         | /pfx",
        "/a/../pfx/        | /pfx/",
        "/pfx//a/          | /pfx/a/",
        "/p%20fx/          | /p%2520fx/",
        "/a-b_c.d~e/       | /a-b_c.d~e/",
        "/é                | /%C3%A9",
        "/a:b@c            | /a%3Ab%40c"
      })
  void canonicalPath_normalizesThenEncodesOnceMore(String rawPath, String expected) {
    assertThat(CanonicalRequest.canonicalPath(rawPath)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''                | ''",
        "b=2&a=1           | a=1&b=2",
        "a=2&a=1           | a=1&a=2",
        "flag              | flag=",
        "x=a+b             | x=a%2Bb",
        "x=%7E&y=a%20b     | x=~&y=a%20b",
        "x=%zz             | x=%25zz",
        "a=1&&b=2          | a=1&b=2"
      })
  void canonicalQuery_sortsAndEncodesParameters(String rawQuery, String expected) {
    assertThat(CanonicalRequest.canonicalQuery(rawQuery)).isEqualTo(expected);
  }

  @Test
  void build_headerValues_trimmedSpaceRunsCollapsedAndValuesJoinedByComma() {
    Map<String, List<String>> headers =
        Map.of(
            "host", List.of("  example.com "),
            "x-multi", List.of("a", " b   c ", "d\t\te"));

    String canonical =
        CanonicalRequest.build(
            "POST",
            "/",
            "",
            List.of("host", "x-multi"),
            name -> headers.getOrDefault(name, List.of()),
            "hash");

    assertThat(canonical)
        .isEqualTo("POST\n/\n\nhost:example.com\nx-multi:a,b c,d e\n\nhost;x-multi\nhash");
  }

  @Test
  void build_signedHeaderAbsent_isSignedAsEmpty() {
    String canonical =
        CanonicalRequest.build(
            "POST",
            "/",
            "",
            List.of("host", "x-missing"),
            name -> name.equals("host") ? List.of("h") : new ArrayList<>(),
            "hash");

    assertThat(canonical).contains("\nx-missing:\n");
  }
}
