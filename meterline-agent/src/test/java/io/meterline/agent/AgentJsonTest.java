package io.meterline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.client.EntitlementState;
import io.meterline.client.MeterStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The agent's status once a record was delivered and the entitlement lost: the instants in it are
 * written as ISO-8601 strings (a plain Jackson mapper refuses them, and the agent then answered
 * nothing at all).
 */
class AgentJsonTest {
  @Test
  void statusWithInstants_isWrittenWithIsoStrings() throws Exception {
    Instant delivered = Instant.parse("2026-12-07T10:00:02Z");
    Instant lost = Instant.parse("2026-12-07T11:00:05Z");
    MeterStatus status =
        new MeterStatus(
            delivered,
            2,
            4,
            1,
            0,
            0,
            0,
            0,
            "CustomerNotEntitledException: no subscription",
            new EntitlementState(
                EntitlementState.Mode.GRACE,
                "CustomerNotEntitledException: no subscription",
                lost));

    JsonNode json = AgentHttp.JSON.readTree(AgentHttp.JSON.writeValueAsString(status));

    assertThat(json.get("lastSuccess").asText()).isEqualTo("2026-12-07T10:00:02Z");
    assertThat(json.at("/entitlement/lostAt").asText()).isEqualTo("2026-12-07T11:00:05Z");
    assertThat(json.at("/entitlement/mode").asText()).isEqualTo("GRACE");
  }
}
