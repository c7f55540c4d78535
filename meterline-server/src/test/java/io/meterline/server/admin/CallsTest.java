package io.meterline.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.testing.AdminClient;
import io.meterline.server.testing.ServerExtension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.DuplicateRequestException;
import software.amazon.awssdk.services.marketplacemetering.model.MarketplaceMeteringException;
import software.amazon.awssdk.services.marketplacemetering.model.MeterUsageResponse;

/**
 * The call log through the admin API (SPEC §3.1): every data-plane call, accepted or refused, with
 * the request id the SDK saw, so that "why was this record refused?" has its answer.
 */
class CallsTest {
  @RegisterExtension static final ServerExtension server = ServerExtension.withDefaults();

  private static AdminClient admin() {
    return server.admin();
  }

  private static List<JsonNode> calls(String query) {
    List<JsonNode> items = new ArrayList<>();
    admin().get("/calls" + (query.isEmpty() ? "" : "?" + query)).get("items").forEach(items::add);
    return items;
  }

  private static JsonNode call(String requestId) {
    return calls("limit=1000").stream()
        .filter(c -> c.get("requestId").asText().equals(requestId))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no call " + requestId + " in the log"));
  }

  @Test
  void meterUsage_successAndRefusal_areLoggedWithTheRequestIdTheSdkSaw() {
    String code =
        admin().customProduct(ServerExtension.newAccountId(), "Hosts").get("productCode").asText();
    String buyer = server.buyer();
    admin().subscribe(code, buyer);
    JsonNode task = admin().task(buyer, "us-east-1", "FARGATE");
    MarketplaceMeteringClient client = server.taskClient(task);
    Instant now = server.now();

    MeterUsageResponse ok =
        client.meterUsage(
            b -> b.productCode(code).usageDimension("Hosts").usageQuantity(2).timestamp(now));
    DuplicateRequestException refused =
        org.junit.jupiter.api.Assertions.assertThrows(
            DuplicateRequestException.class,
            () ->
                client.meterUsage(
                    b ->
                        b.productCode(code)
                            .usageDimension("Hosts")
                            .usageQuantity(3)
                            .timestamp(now)));

    JsonNode logged = call(ok.responseMetadata().requestId());
    assertThat(logged.get("operation").asText()).isEqualTo("MeterUsage");
    assertThat(logged.get("outcome").asText()).isEqualTo("OK");
    assertThat(logged.get("awsAccountId").asText()).isEqualTo(buyer);
    assertThat(logged.get("taskId").asText()).isEqualTo(task.get("taskId").asText());
    assertThat(logged.get("productCode").asText()).isEqualTo(code);
    assertThat(logged.get("meteringRecordIds").get(0).asText()).isEqualTo(ok.meteringRecordId());
    JsonNode why = call(refused.requestId());
    assertThat(why.get("outcome").asText()).isEqualTo("DuplicateRequestException");
    assertThat(why.get("message").asText()).contains("different quantity");
    assertThat(why.has("meteringRecordIds")).isFalse();
    assertThat(Instant.parse(why.get("serviceTime").asText())).isEqualTo(now);
  }

  @Test
  void signatureFailure_isLogged_withTheAccountOfAKnownKey_andTheProductOfTheBody() {
    String seller = ServerExtension.newAccountId();
    String code = admin().saasProduct(seller, "Users").get("productCode").asText();
    JsonNode key = admin().accessKey(seller, "SELLER");
    MarketplaceMeteringClient forged =
        server.client(
            AwsBasicCredentials.create(key.get("accessKeyId").asText(), "not-the-secret-at-all"),
            "us-east-1");

    MarketplaceMeteringException e =
        (MarketplaceMeteringException)
            org.assertj.core.api.Assertions.catchThrowable(
                () -> forged.resolveCustomer(b -> b.registrationToken("x")));
    MarketplaceMeteringException batch =
        (MarketplaceMeteringException)
            org.assertj.core.api.Assertions.catchThrowable(
                () -> forged.batchMeterUsage(b -> b.productCode(code).usageRecords(List.of())));

    JsonNode logged = call(e.requestId());
    assertThat(logged.get("outcome").asText()).isEqualTo("InvalidSignatureException");
    assertThat(logged.get("awsAccountId").asText()).isEqualTo(seller);
    assertThat(logged.get("operation").asText()).isEqualTo("ResolveCustomer");
    assertThat(call(batch.requestId()).get("productCode").asText()).isEqualTo(code);
  }

  @Test
  void refusedTaskCredentials_areLogged_withTheTasksAccount() {
    String code =
        admin().customProduct(ServerExtension.newAccountId(), "Hosts").get("productCode").asText();
    String buyer = server.buyer();
    admin().subscribe(code, buyer);
    JsonNode task = admin().task(buyer, "us-east-1", "FARGATE");
    JsonNode credentials = task.get("credentials");
    MarketplaceMeteringClient forged =
        server.client(
            AwsSessionCredentials.create(
                credentials.get("accessKeyId").asText(),
                "not-the-secret-at-all",
                credentials.get("sessionToken").asText()),
            "us-east-1");
    MarketplaceMeteringClient stopped = server.taskClient(task);
    Instant now = server.now();

    MarketplaceMeteringException badSignature =
        (MarketplaceMeteringException)
            org.assertj.core.api.Assertions.catchThrowable(
                () ->
                    forged.meterUsage(
                        b ->
                            b.productCode(code)
                                .usageDimension("Hosts")
                                .usageQuantity(1)
                                .timestamp(now)));
    admin().stopTask(task.get("taskId").asText());
    MarketplaceMeteringException afterStop =
        (MarketplaceMeteringException)
            org.assertj.core.api.Assertions.catchThrowable(
                () ->
                    stopped.meterUsage(
                        b ->
                            b.productCode(code)
                                .usageDimension("Hosts")
                                .usageQuantity(1)
                                .timestamp(now)));

    JsonNode bad = call(badSignature.requestId());
    assertThat(bad.get("outcome").asText()).isEqualTo("InvalidSignatureException");
    assertThat(bad.get("awsAccountId").asText()).isEqualTo(buyer);
    assertThat(bad.get("taskId").asText()).isEqualTo(task.get("taskId").asText());
    JsonNode late = call(afterStop.requestId());
    assertThat(late.get("outcome").asText()).isEqualTo("UnrecognizedClientException");
    assertThat(late.get("awsAccountId").asText()).isEqualTo(buyer);
    assertThat(calls("awsAccountId=" + buyer))
        .extracting(c -> c.get("requestId").asText())
        .contains(badSignature.requestId(), afterStop.requestId());
  }

  @Test
  void filters_selectByProductAccountOperationAndOutcome() {
    String code =
        admin().customProduct(ServerExtension.newAccountId(), "Hosts").get("productCode").asText();
    String buyer = server.buyer();
    admin().subscribe(code, buyer);
    MarketplaceMeteringClient client =
        server.taskClient(admin().task(buyer, "us-east-1", "FARGATE"));
    Instant now = server.now();
    client.meterUsage(
        b -> b.productCode(code).usageDimension("Hosts").usageQuantity(1).timestamp(now));
    assertThatThrownBy(
            () ->
                client.meterUsage(
                    b ->
                        b.productCode(code)
                            .usageDimension("Cores")
                            .usageQuantity(1)
                            .timestamp(now)))
        .isInstanceOf(MarketplaceMeteringException.class);

    assertThat(calls("productCode=" + code)).hasSize(2);
    assertThat(calls("productCode=" + code + "&outcome=OK")).hasSize(1);
    assertThat(calls("productCode=" + code + "&outcome=InvalidUsageDimensionException")).hasSize(1);
    assertThat(calls("awsAccountId=" + buyer + "&operation=MeterUsage")).hasSize(2);
    assertThat(calls("awsAccountId=" + buyer + "&operation=RegisterUsage")).isEmpty();
    assertThat(calls("productCode=" + code + "&limit=1")).hasSize(1);
  }

  @Test
  void unknownParameterOrBadLimit_isRefused() {
    assertThat(admin().send("GET", "/calls?nextToken=x", null).expect(400).get("field").asText())
        .isEqualTo("nextToken");
    assertThat(admin().send("GET", "/calls?limit=5000", null).expect(400).get("field").asText())
        .isEqualTo("limit");
  }
}
