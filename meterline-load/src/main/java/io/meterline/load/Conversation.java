package io.meterline.load;

import io.netty.buffer.ByteBuf;

/**
 * What one connection sends, and what it does with the answers. The client calls it on the
 * connection's event loop only, so an instance per connection needs no locking; an instance shared
 * by several connections (such as {@link RequestSet#inOrder}) must be thread-safe.
 */
@FunctionalInterface
public interface Conversation {
  /**
   * The next request, as a buffer the client writes and so releases; {@code null} when this
   * connection has nothing more to send, which ends it early.
   */
  ByteBuf next();

  /**
   * Takes each answer, in the order of the requests (HTTP/1.1 answers a connection's requests in
   * turn); called only in a plan that {@linkplain LoadPlan#readingAnswers reads answers}.
   */
  default void answered(Answer answer) {}
}
