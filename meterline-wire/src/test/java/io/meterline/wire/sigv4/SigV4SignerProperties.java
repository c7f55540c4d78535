package io.meterline.wire.sigv4;

import static org.assertj.core.api.Assertions.assertThat;

import io.meterline.wire.testing.CapturedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * For any path, headers, body and time, {@link SigV4Signer} and the official SDK signer produce the
 * same Authorization header, and the verifier accepts it.
 */
class SigV4SignerProperties {
  private static final String KEY_ID = "AKIDPROPERTY";
  private static final String SECRET = "property/Secret+Key";
  private static final SigV4Verifier VERIFIER =
      new SigV4Verifier("aws-marketplace", region -> true, Duration.ofMinutes(15));

  record Signable(
      String path, Map<String, String> headers, byte[] body, Instant time, String region) {}

  @Property
  void sign_agreesWithTheSdkSignerAndVerifies(@ForAll("signables") Signable s) {
    Map<String, String> withHost = new LinkedHashMap<>(s.headers());
    withHost.put("host", "127.0.0.1:8443");

    Map<String, String> ours =
        new SigV4Signer(KEY_ID, SECRET, null, s.region(), "aws-marketplace")
            .sign("POST", s.path(), withHost, s.body(), s.time());

    assertThat(ours.get("authorization")).isEqualTo(sdkAuthorization(s));
    CapturedRequest received =
        new CapturedRequest(
            "test", "property", 1, "POST", s.path(), new ArrayList<>(ours.entrySet()), s.body());
    assertThat(VERIFIER.check(received, s.time()).isSignedWith(SECRET)).isTrue();
  }

  private static String sdkAuthorization(Signable s) {
    SdkHttpRequest.Builder request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.POST)
            .protocol("http")
            .host("127.0.0.1")
            .port(8443)
            .encodedPath(s.path());
    s.headers().forEach(request::putHeader);
    return AwsV4HttpSigner.create()
        .sign(
            r ->
                r.identity(AwsCredentialsIdentity.create(KEY_ID, SECRET))
                    .request(request.build())
                    .payload(ContentStreamProvider.fromByteArray(s.body()))
                    .putProperty(AwsV4HttpSigner.REGION_NAME, s.region())
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "aws-marketplace")
                    .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(s.time(), ZoneOffset.UTC)))
        .request()
        .firstMatchingHeader("Authorization")
        .orElseThrow();
  }

  @Provide
  Arbitrary<Signable> signables() {
    Arbitrary<String> segment =
        Arbitraries.oneOf(
            Arbitraries.strings().withCharRange('a', 'z').withChars("-._~0Z").ofMaxLength(6),
            Arbitraries.of(".", "..", "", "%20", "%2F", "a%C3%A9", "pfx"));
    Arbitrary<String> path = segment.list().ofMaxSize(5).map(l -> "/" + String.join("/", l));
    Arbitrary<String> name =
        Arbitraries.oneOf(
            Arbitraries.of(
                "content-type",
                "x-amz-target",
                "amz-sdk-request",
                "amz-sdk-invocation-id",
                "content-length",
                "x-amz-user-agent",
                "X-Custom-Header"),
            Arbitraries.strings()
                .withCharRange('a', 'z')
                .withChars('-')
                .ofMinLength(1)
                .ofMaxLength(12)
                .filter(
                    n ->
                        !List.of(
                                "connection",
                                "user-agent",
                                "expect",
                                "host",
                                "x-amzn-trace-id",
                                "authorization",
                                "x-amz-date",
                                "x-amz-content-sha256",
                                "x-amz-security-token")
                            .contains(n)));
    Arbitrary<String> value =
        Arbitraries.strings().withCharRange('!', '~').withChars(" \t ").ofMaxLength(40);
    Arbitrary<Map<String, String>> headers =
        Combinators.combine(name, value)
            .as(Map::entry)
            .list()
            .ofMaxSize(8)
            .map(
                entries -> {
                  Map<String, String> map = new LinkedHashMap<>();
                  entries.forEach(
                      e ->
                          map.putIfAbsent(
                              e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
                  return map;
                });
    Arbitrary<byte[]> body =
        Arbitraries.strings().ofMaxLength(200).map(b -> b.getBytes(StandardCharsets.UTF_8));
    Arbitrary<Instant> time =
        Arbitraries.longs().between(946_684_800L, 4_102_444_800L).map(Instant::ofEpochSecond);
    Arbitrary<String> region = Arbitraries.of("us-east-1", "eu-central-2", "ap-southeast-4");
    return Combinators.combine(path, headers, body, time, region).as(Signable::new);
  }
}
