package io.meterline.server.http;

/**
 * Stands in the request queue for a request whose body was too large to read, so that its 413 is
 * answered in order, after the replies to the requests before it.
 *
 * @param limitBytes the body limit the request exceeded
 */
record Oversized(int limitBytes) {}
