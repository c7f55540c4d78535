package io.meterline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * How the admin commands print what the server answers: a table for people (the columns that
 * matter), JSON as the server sent it, or CSV with the table's columns. A mixin of every command.
 */
final class Output {
  /** The formats. */
  enum Format {
    TABLE,
    JSON,
    CSV
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      converter = FormatConverter.class,
      description = "table (default), json or csv.")
  Format format = Format.TABLE;

  /** Reads a format case-insensitively, naming the valid ones otherwise. */
  static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
    @Override
    public Format convert(String value) {
      try {
        return Format.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "--output must be table, json or csv, was '" + value + "'");
      }
    }
  }

  /** A column: its heading and the field it shows (a JSON pointer such as {@code /status}). */
  record Column(String heading, String pointer) {}

  static Column col(String heading, String pointer) {
    return new Column(heading, pointer);
  }

  /** Prints items: a table or CSV of the columns, or the items as a JSON array. */
  void items(PrintWriter out, List<JsonNode> items, List<Column> columns) {
    if (format == Format.JSON) {
      ArrayNode array = JSON.createArrayNode();
      items.forEach(array::add);
      out.println(json(array));
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode item : items) {
      List<String> row = new ArrayList<>();
      for (Column c : columns) {
        JsonNode v = item.at(c.pointer());
        row.add(cell(v));
      }
      rows.add(row);
    }
    rows(out, columns.stream().map(Column::heading).toList(), rows);
  }

  private static String cell(JsonNode v) {
    if (v.isMissingNode() || v.isNull()) {
      return "";
    }
    if (v.isArray()) {
      List<String> parts = new ArrayList<>();
      v.forEach(e -> parts.add(e.isValueNode() ? e.asText() : e.toString()));
      return String.join(" ", parts);
    }
    return v.isValueNode() ? v.asText() : v.toString();
  }

  /** Prints one item: a table of one row or CSV, or the item as JSON. */
  void item(PrintWriter out, JsonNode item, List<Column> columns) {
    if (format == Format.JSON) {
      out.println(json(item));
    } else {
      items(out, List.of(item), columns);
    }
  }

  /** Prints rows with a heading: aligned columns for a table, CSV otherwise. */
  void rows(PrintWriter out, List<String> headings, List<List<String>> rows) {
    if (format == Format.CSV) {
      out.print(Csv.line(headings));
      rows.forEach(r -> out.print(Csv.line(r)));
      out.flush();
      return;
    }
    if (format == Format.JSON) {
      ArrayNode array = JSON.createArrayNode();
      for (List<String> row : rows) {
        var object = JSON.createObjectNode();
        for (int i = 0; i < headings.size(); i++) {
          object.put(headings.get(i), i < row.size() ? row.get(i) : "");
        }
        array.add(object);
      }
      out.println(json(array));
      return;
    }
    int[] widths = new int[headings.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headings.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], i < row.size() ? row.get(i).length() : 0);
      }
    }
    out.println(line(headings, widths));
    for (List<String> row : rows) {
      out.println(line(row, widths));
    }
    out.flush();
  }

  private static String line(List<String> cells, int[] widths) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < widths.length; i++) {
      String cell = i < cells.size() ? cells.get(i) : "";
      b.append(cell);
      if (i < widths.length - 1) {
        b.append(" ".repeat(widths[i] - cell.length() + 2));
      }
    }
    return b.toString().stripTrailing();
  }

  private static String json(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }
}
