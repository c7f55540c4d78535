package io.meterline.cli;

import java.util.ArrayList;
import java.util.List;

/** CSV as RFC 4180 writes it: quoted fields where needed, quotes doubled, CRLF line ends. */
final class Csv {
  private Csv() {}

  /** One line of fields. */
  static String line(List<String> fields) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      String f = fields.get(i) == null ? "" : fields.get(i);
      boolean quote =
          f.indexOf(',') >= 0
              || f.indexOf('"') >= 0
              || f.indexOf('\n') >= 0
              || f.indexOf('\r') >= 0;
      b.append(quote ? '"' + f.replace("\"", "\"\"") + '"' : f);
    }
    return b.append("\r\n").toString();
  }

  /** The rows of a CSV text, its header first; quoted fields may hold commas, quotes, breaks. */
  static List<List<String>> parse(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        row.add(field.toString());
        field.setLength(0);
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        row.add(field.toString());
        field.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
      } else {
        field.append(c);
      }
    }
    if (field.length() > 0 || !row.isEmpty()) {
      row.add(field.toString());
      rows.add(row);
    }
    return rows;
  }
}
