package io.meterline.server.exchange;

import io.meterline.wire.sigv4.SignableRequest;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/**
 * A received request, detached from Netty's reference-counted buffers: method, raw path and query,
 * headers as received, and the exact body bytes.
 */
public record HttpRequestView(
    String method, String rawPath, String rawQuery, HttpHeaders headers, byte[] body)
    implements SignableRequest {

  /**
   * Copies what is needed out of a Netty request (which the caller then releases). The headers are
   * taken as they are: releasing a request frees its body buffer only, and the decoder builds new
   * headers for every request.
   */
  public static HttpRequestView of(FullHttpRequest request) {
    String uri = request.uri();
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    return new HttpRequestView(
        request.method().name(),
        path.isEmpty() ? "/" : path,
        query < 0 ? "" : uri.substring(query + 1),
        request.headers(),
        ByteBufUtil.getBytes(request.content()));
  }

  @Override
  public List<String> headerValues(String lowerCaseName) {
    return headers.getAll(lowerCaseName);
  }

  @Override
  public String header(String lowerCaseName) {
    return headers.get(lowerCaseName);
  }
}
