package io.meterline.server.http;

/**
 * Stands in the request queue for a request whose body did not fit in the server's body budget and
 * was dropped unread (see {@link BodyBudget}), so that its "busy" reply is answered in order.
 *
 * @param keepAlive whether the connection stays open after the reply
 */
record OverBudget(boolean keepAlive) {}
