package io.meterline.bench;

/**
 * The benchmark cannot go on, for a reason its message gives the user (a server that cannot be
 * reached, refuses the admin token, or lacks what a scenario needs); printed without a stack trace.
 */
final class BenchAbort extends RuntimeException {
  private static final long serialVersionUID = 1L;

  BenchAbort(String message) {
    super(message, null, false, false);
  }
}
