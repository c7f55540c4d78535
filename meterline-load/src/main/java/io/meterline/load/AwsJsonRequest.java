package io.meterline.load;

import io.meterline.wire.sigv4.SigV4Signer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A SigV4-signed AWS JSON 1.1 request ({@code POST /}, {@code X-Amz-Target}) as the AWS SDK sends
 * it to the Metering Service, as the complete HTTP/1.1 bytes to write on a connection.
 */
public final class AwsJsonRequest {
  private AwsJsonRequest() {}

  /**
   * The request's bytes.
   *
   * @param host the {@code Host} header, e.g. {@code 127.0.0.1:8080}
   * @param signer the caller's credentials, region and service
   * @param target the operation, e.g. {@code AWSMPMeteringService.MeterUsage}
   * @param body the JSON body
   * @param signingTime the time of the signature (the server accepts it within its skew window)
   */
  public static byte[] bytes(
      String host, SigV4Signer signer, String target, byte[] body, Instant signingTime) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("host", host);
    headers.put("content-type", "application/x-amz-json-1.1");
    headers.put("x-amz-target", target);
    Map<String, String> signed = signer.sign("POST", "/", headers, body, signingTime);
    StringBuilder head = new StringBuilder(1024).append("POST / HTTP/1.1\r\n");
    signed.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    head.append("content-length: ").append(body.length).append("\r\n\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream(head.length() + body.length);
    out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
    out.writeBytes(body);
    return out.toByteArray();
  }
}
