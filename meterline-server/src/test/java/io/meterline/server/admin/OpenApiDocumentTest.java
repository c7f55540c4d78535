package io.meterline.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.server.testing.AdminClient;
import io.meterline.server.testing.TestServer;
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
    AdminApi api = new AdminApi("token", null, null, null, null, Runnable::run);
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

  @Test
  void everyDocumentedOperation_refusesAMissingOrWrongToken_beforeLookingAtTheRequest()
      throws Exception {
    JsonNode doc;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("admin/openapi.json")) {
      doc = new ObjectMapper().readTree(in);
    }
    try (TestServer server = TestServer.start()) {
      AdminClient admin = server.admin();
      int checked = 0;
      Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields();
      while (paths.hasNext()) {
        Map.Entry<String, JsonNode> path = paths.next();
        // Path parameters get a value that names nothing: a 404 would mean the token was let by.
        String concrete =
            path.getKey().substring("/admin/v1".length()).replaceAll("\\{[^}]+}", "nothing");
        Iterator<String> methods = path.getValue().fieldNames();
        while (methods.hasNext()) {
          String method = methods.next().toUpperCase(Locale.ROOT);
          Object body = method.equals("GET") || method.equals("DELETE") ? null : Map.of();
          for (String token : new String[] {null, "wrong-token", TestServer.ADMIN_TOKEN + "x"}) {
            AdminClient.Reply r = admin.send(method, concrete, body, token);
            assertThat(r.status())
                .as("%s %s with token %s", method, concrete, token)
                .isEqualTo(401);
            assertThat(r.body().get("error").asText()).isEqualTo("unauthorized");
          }
          checked++;
        }
      }
      assertThat(checked).as("operations checked").isGreaterThanOrEqualTo(15);
    }
  }
}
