package io.meterline.server.store;

/** The write queue is full: the server is at capacity and answers "retry later" at once. */
public final class StoreBusyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreBusyException() {
    super("the write queue is full", null, false, false);
  }
}
