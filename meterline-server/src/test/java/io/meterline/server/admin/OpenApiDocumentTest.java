package io.meterline.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenApiDocumentTest {
  @Test
  void openApiDocument_describesExactlyTheRoutesTheServerHas() throws Exception {
    JsonNode doc;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("admin/openapi.json")) {
      doc = new ObjectMapper().readTree(in);
    }
    List<String> documented = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields();
    while (paths.hasNext()) {
      Map.Entry<String, JsonNode> path = paths.next();
      path.getValue()
          .fieldNames()
          .forEachRemaining(
              method ->
                  documented.add(
                      method.toUpperCase(Locale.ROOT)
                          + " "
                          + path.getKey().replaceAll("\\{[^}]+}", "{}")));
    }
    AdminApi api = new AdminApi("token", null, null, Runnable::run);
    assertThat(documented).containsExactlyInAnyOrderElementsOf(api.describeRoutes());
  }

  @Test
  void everyOperation_documentsItsSuccessAndTheUnauthorizedAnswer() throws Exception {
    JsonNode doc;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("admin/openapi.json")) {
      doc = new ObjectMapper().readTree(in);
    }
    doc.get("paths")
        .forEach(
            path ->
                path.forEach(
                    operation -> {
                      assertThat(operation.get("operationId")).isNotNull();
                      assertThat(operation.get("responses").has("401"))
                          .as(operation.toString())
                          .isTrue();
                      assertThat(operation.get("responses").fieldNames())
                          .toIterable()
                          .anyMatch(code -> code.startsWith("2"));
                    }));
  }
}
