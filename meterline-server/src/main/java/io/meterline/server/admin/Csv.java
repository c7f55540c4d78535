package io.meterline.server.admin;

import java.util.List;

/**
 * A CSV answer of the admin API (RFC 4180): a header row, then the rows; a field holding a comma, a
 * quote or a line break is quoted, its quotes doubled; lines end with CRLF.
 */
record Csv(String text) {
  /** The CSV of these rows under this header; {@code null} fields are empty. */
  static Csv of(List<String> header, List<List<Object>> rows) {
    StringBuilder out = new StringBuilder();
    append(out, header);
    for (List<Object> row : rows) {
      append(out, row);
    }
    return new Csv(out.toString());
  }

  private static void append(StringBuilder out, List<?> fields) {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(field(fields.get(i)));
    }
    out.append("\r\n");
  }

  static String field(Object value) {
    if (value == null) {
      return "";
    }
    String text =
        value instanceof java.math.BigDecimal d ? d.toPlainString() : String.valueOf(value);
    boolean quote =
        text.indexOf(',') >= 0
            || text.indexOf('"') >= 0
            || text.indexOf('\n') >= 0
            || text.indexOf('\r') >= 0;
    return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
  }
}
