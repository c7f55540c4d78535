package io.meterline.server.exchange;

import java.util.concurrent.CompletableFuture;

/** Answers requests; the future always completes normally, with the reply to send. */
@FunctionalInterface
public interface Handler {
  CompletableFuture<HttpReply> handle(HttpRequestView request);
}
