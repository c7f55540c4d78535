package io.meterline.server.admin;

/**
 * A control-plane error: answered as {@code {error, message, field?}} with its status (SPEC §3
 * "Admin errors": 400 bad input naming the field, 401 token, 404, 409 conflict).
 */
public final class AdminException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String field;

  private AdminException(int status, String field, String message) {
    super(message, null, false, false);
    this.status = status;
    this.field = field;
  }

  /** 400: the named field of the request is missing or invalid. */
  public static AdminException badField(String field, String message) {
    return new AdminException(400, field, message);
  }

  /** 400: the request as a whole is invalid. */
  public static AdminException badRequest(String message) {
    return new AdminException(400, null, message);
  }

  /** 401: the bearer token is missing or wrong. */
  public static AdminException unauthorized(String message) {
    return new AdminException(401, null, message);
  }

  /** 404: what the path or the named field refers to does not exist. */
  public static AdminException notFound(String field, String message) {
    return new AdminException(404, field, message);
  }

  /** 405: the path exists but not with this method. */
  public static AdminException methodNotAllowed(String message) {
    return new AdminException(405, null, message);
  }

  /** 409: the request conflicts with the current state. */
  public static AdminException conflict(String field, String message) {
    return new AdminException(409, field, message);
  }

  public int status() {
    return status;
  }

  /** The request field at fault, or {@code null}. */
  public String field() {
    return field;
  }

  /** The short error name of the status. */
  public String error() {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 409 -> "conflict";
      default -> "error";
    };
  }
}
