package io.meterline.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseParserTest {
  private static ByteBuf bytes(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
  }

  @Test
  void parse_ok_consumesExactlyOneResponse() {
    ByteBuf in = bytes("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}HTTP/1.1 200 OK\r\n");

    ResponseParser.Response r = ResponseParser.parse(in);

    assertThat(r).isEqualTo(new ResponseParser.Response(200, null, false));
    assertThat(in.toString(StandardCharsets.UTF_8)).isEqualTo("HTTP/1.1 200 OK\r\n");
  }

  @Test
  void parse_error_keepsTheBody_andFindsHeadersInAnyCase() {
    ByteBuf in =
        bytes(
            "HTTP/1.1 400 Bad Request\r\nX-Amzn-RequestId: r\r\nContent-Length: 9\r\n"
                + "Connection: close\r\n\r\n{\"a\":\"b\"}");

    ResponseParser.Response r = ResponseParser.parse(in);

    assertThat(r).isEqualTo(new ResponseParser.Response(400, "{\"a\":\"b\"}", true));
    assertThat(in.isReadable()).isFalse();
  }

  @Test
  void parse_incompleteHeadOrBody_readsNothing() {
    ByteBuf head = bytes("HTTP/1.1 200 OK\r\ncontent-len");
    ByteBuf body = bytes("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n{}");

    assertThat(ResponseParser.parse(head)).isNull();
    assertThat(ResponseParser.parse(body)).isNull();
    assertThat(head.readerIndex()).isZero();
    assertThat(body.readerIndex()).isZero();
  }

  @Test
  void parse_chunkedOrNoLength_isRefused() {
    assertThatThrownBy(
            () ->
                ResponseParser.parse(
                    bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")))
        .hasMessageContaining("chunked");
    assertThatThrownBy(() -> ResponseParser.parse(bytes("HTTP/1.1 204 No Content\r\n\r\n")))
        .hasMessageContaining("Content-Length");
  }
}
