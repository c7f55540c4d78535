package io.meterline.wire.sigv4;

import io.meterline.wire.ErrorCode;
import io.meterline.wire.ServiceException;
import io.meterline.wire.crypto.Hashing;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Checks the parts of a SigV4 signature that need no secret, and yields a {@link SignatureClaim}
 * that is then checked against the caller's secret.
 *
 * <p>The recipe is reference/wire/GOLDEN.md §8.2; the statuses and messages are SPEC §1.1
 * "Authentication" and reference/aws-metering-facts.md §7. The split lets the server look the
 * secret up (possibly from storage) between the two steps.
 */
public final class SigV4Verifier {
  /** The header the SDKs send with the hex SHA-256 of the body. */
  public static final String CONTENT_SHA256 = "x-amz-content-sha256";

  /** The header that carries a session token with temporary credentials. */
  public static final String SECURITY_TOKEN = "x-amz-security-token";

  static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final String service;
  private final Predicate<String> regionServed;
  private final Duration maxSkew;

  /**
   * A verifier for one signing name.
   *
   * @param service the signing name the scope must carry ({@code aws-marketplace})
   * @param regionServed which scope regions this server answers for
   * @param maxSkew how far the request time may be from the server's real time
   */
  public SigV4Verifier(String service, Predicate<String> regionServed, Duration maxSkew) {
    this.service = service;
    this.regionServed = regionServed;
    this.maxSkew = maxSkew;
  }

  /**
   * Checks everything but the signature itself.
   *
   * @param now the real time (never the service's test clock: SPEC §1.1 "Two clocks")
   * @throws ServiceException the authentication error that applies
   */
  public SignatureClaim check(SignableRequest request, Instant now) {
    String authorization = request.header("authorization");
    if (authorization == null) {
      throw new ServiceException(
          ErrorCode.MISSING_AUTHENTICATION_TOKEN, "Missing Authentication Token");
    }
    AuthorizationHeader auth = AuthorizationHeader.parse(authorization);
    if (!auth.signedHeaders().contains("host")) {
      throw incomplete("'Host' must be a 'SignedHeader' in the AWS Authorization.");
    }
    // GOLDEN §8.2 step 3: a session token counts only when the signature covers it.
    if (request.header(SECURITY_TOKEN) != null && !auth.signedHeaders().contains(SECURITY_TOKEN)) {
      throw incomplete(
          "'X-Amz-Security-Token' must be a 'SignedHeader' in the AWS " + "Authorization.");
    }
    String amzDate = requestDate(request, auth);
    Instant requestTime = parseAmzDate(amzDate);
    checkSkew(requestTime, now);
    checkScope(auth, amzDate);
    String payloadHash = payloadHash(request);
    String canonical =
        CanonicalRequest.build(
            request.method(),
            request.rawPath(),
            request.rawQuery(),
            auth.signedHeaders(),
            request::headerValues,
            payloadHash);
    String stringToSign =
        AuthorizationHeader.ALGORITHM
            + "\n"
            + amzDate
            + "\n"
            + auth.scope()
            + "\n"
            + Hashing.sha256Hex(canonical.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return new SignatureClaim(auth, requestTime, request.header(SECURITY_TOKEN), stringToSign);
  }

  private static String requestDate(SignableRequest request, AuthorizationHeader auth) {
    String amzDate = request.header("x-amz-date");
    if (amzDate != null) {
      if (!auth.signedHeaders().contains("x-amz-date")) {
        throw incomplete("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");
      }
      return amzDate.strip();
    }
    String date = request.header("date");
    if (date == null) {
      throw incomplete(
          "Authorization header requires existence of either a 'X-Amz-Date' or a "
              + "'Date' header.");
    }
    if (!auth.signedHeaders().contains("date")) {
      throw incomplete("'Date' must be a 'SignedHeader' in the AWS Authorization.");
    }
    try {
      return AMZ_DATE.format(
          DateTimeFormatter.RFC_1123_DATE_TIME.parse(date.strip(), Instant::from));
    } catch (DateTimeParseException e) {
      throw incomplete("Date header is not an RFC 1123 date: '" + date + "'");
    }
  }

  // By hand rather than with a DateTimeFormatter: it runs on every request, on a network thread
  // (docs/performance.md). Strict: a date that does not exist (February 30th, hour 24) is
  // refused, not adjusted.
  static Instant parseAmzDate(String amzDate) {
    if (amzDate.length() == 16 && amzDate.charAt(8) == 'T' && amzDate.charAt(15) == 'Z') {
      int year = digits(amzDate, 0, 4);
      int month = digits(amzDate, 4, 6);
      int day = digits(amzDate, 6, 8);
      int hour = digits(amzDate, 9, 11);
      int minute = digits(amzDate, 11, 13);
      int second = digits(amzDate, 13, 15);
      if ((year | month | day | hour | minute | second) >= 0) {
        try {
          return LocalDateTime.of(year, month, day, hour, minute, second).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
          // not a date: refused below
        }
      }
    }
    throw incomplete(
        "X-Amz-Date must have the form YYYYMMDD'T'HHMMSS'Z', was '"
            + (amzDate.length() > 40 ? amzDate.substring(0, 40) : amzDate)
            + "'");
  }

  /** The decimal number in s[from, to), or -1 if a character there is not an ASCII digit. */
  private static int digits(String s, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private void checkSkew(Instant requestTime, Instant now) {
    long minutes = maxSkew.toMinutes();
    if (requestTime.isBefore(now.minus(maxSkew))) {
      throw invalid(
          "Signature expired: "
              + AMZ_DATE.format(requestTime)
              + " is now earlier than "
              + AMZ_DATE.format(now.minus(maxSkew))
              + " ("
              + AMZ_DATE.format(now)
              + " - "
              + minutes
              + " min.)");
    }
    if (requestTime.isAfter(now.plus(maxSkew))) {
      throw invalid(
          "Signature not yet current: "
              + AMZ_DATE.format(requestTime)
              + " is still later than "
              + AMZ_DATE.format(now.plus(maxSkew))
              + " ("
              + AMZ_DATE.format(now)
              + " + "
              + minutes
              + " min.)");
    }
  }

  private void checkScope(AuthorizationHeader auth, String amzDate) {
    if (!amzDate.startsWith(auth.scopeDate())) {
      throw invalid(
          "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
              + "date from HTTP: '"
              + auth.scopeDate()
              + "' != '"
              + amzDate.substring(0, 8)
              + "', from '"
              + amzDate
              + "'.");
    }
    if (!service.equals(auth.service())) {
      throw invalid("Credential should be scoped to correct service: '" + service + "'.");
    }
    if (!"aws4_request".equals(auth.terminator())) {
      throw invalid(
          "Credential should be scoped with a valid terminator: 'aws4_request', not '"
              + auth.terminator()
              + "'.");
    }
    if (!regionServed.test(auth.region())) {
      throw invalid("Credential should be scoped to a valid region, not '" + auth.region() + "'.");
    }
  }

  // GOLDEN §8.2 step 4: a verifier that trusted this header would accept a modified body.
  private static String payloadHash(SignableRequest request) {
    String actual = Hashing.sha256Hex(request.body());
    String claimed = request.header(CONTENT_SHA256);
    if (claimed != null && !claimed.strip().equalsIgnoreCase(actual)) {
      throw invalid(
          "The request body does not match its x-amz-content-sha256 header: the body "
              + "was changed after signing.");
    }
    return actual;
  }

  private static ServiceException incomplete(String message) {
    return new ServiceException(ErrorCode.INCOMPLETE_SIGNATURE, message);
  }

  static ServiceException invalid(String message) {
    return new ServiceException(ErrorCode.INVALID_SIGNATURE, message);
  }
}
