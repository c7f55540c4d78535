package io.meterline.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponseParserTest {
  private static ByteBuf bytes(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
  }

  @Test
  void parse_ok_consumesExactlyOneResponse_andKeepsNothingElse() {
    ByteBuf in = bytes("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}HTTP/1.1 200 OK\r\n");

    ResponseParser.Response r = ResponseParser.parse(in, false);

    assertThat(r).isEqualTo(new ResponseParser.Response(200, null, false, null, null));
    assertThat(in.toString(StandardCharsets.UTF_8)).isEqualTo("HTTP/1.1 200 OK\r\n");
  }

  @Test
  void parse_error_keepsTheBody_andFindsHeadersInAnyCase() {
    ByteBuf in =
        bytes(
            "HTTP/1.1 400 Bad Request\r\nX-Amzn-RequestId: r\r\nContent-Length: 9\r\n"
                + "Connection: close\r\n\r\n{\"a\":\"b\"}");

    ResponseParser.Response r = ResponseParser.parse(in, false);

    assertThat(r).isEqualTo(new ResponseParser.Response(400, "{\"a\":\"b\"}", true, null, null));
    assertThat(in.isReadable()).isFalse();
  }

  @Test
  void parse_whole_keepsHeadersByLowerCaseName_andTheBody() {
    ByteBuf in =
        bytes(
            "HTTP/1.1 400 Bad Request\r\nX-Amzn-ErrorType: ThrottlingException\r\n"
                + "Content-Length: 9\r\nVia: a\r\nvia:  b \r\n\r\n{\"a\":\"b\"}");

    ResponseParser.Response r = ResponseParser.parse(in, true);

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.headers())
        .isEqualTo(
            Map.of(
                "x-amzn-errortype", "ThrottlingException", "content-length", "9", "via", "a, b"));
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":\"b\"}");
    assertThat(in.isReadable()).isFalse();
  }

  @Test
  void parse_incompleteHeadOrBody_readsNothing() {
    ByteBuf head = bytes("HTTP/1.1 200 OK\r\ncontent-len");
    ByteBuf body = bytes("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n{}");

    assertThat(ResponseParser.parse(head, true)).isNull();
    assertThat(ResponseParser.parse(body, true)).isNull();
    assertThat(head.readerIndex()).isZero();
    assertThat(body.readerIndex()).isZero();
  }

  @Test
  void parse_chunkedOrNoLength_isRefused() {
    assertThatThrownBy(
            () ->
                ResponseParser.parse(
                    bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), false))
        .hasMessageContaining("chunked");
    assertThatThrownBy(() -> ResponseParser.parse(bytes("HTTP/1.1 204 No Content\r\n\r\n"), false))
        .hasMessageContaining("Content-Length");
  }

  @Test
  void parse_notAResponse_isRefusedShowingItsStart() {
    assertThatThrownBy(() -> ResponseParser.parse(bytes("GET / HTTP/1.1\r\n\r\n"), false))
        .hasMessageContaining("not an HTTP response: GET / HTTP/1.1");
  }
}
