package io.meterline.server.entitlements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterline.server.testing.AdminClient;
import io.meterline.server.testing.ServerExtension;
import io.meterline.server.testing.ServiceClients;
import io.meterline.server.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.marketplaceentitlement.MarketplaceEntitlementClient;
import software.amazon.awssdk.services.marketplaceentitlement.model.Entitlement;
import software.amazon.awssdk.services.marketplaceentitlement.model.GetEntitlementFilterName;
import software.amazon.awssdk.services.marketplaceentitlement.model.GetEntitlementsResponse;
import software.amazon.awssdk.services.marketplaceentitlement.model.InvalidParameterException;
import software.amazon.awssdk.services.marketplaceentitlement.model.MarketplaceEntitlementException;

/**
 * GetEntitlements (SPEC §3.5; contracts-facts §4) through the official MarketplaceEntitlementClient
 * of the AWS SDK for Java 2.40.2, over real sockets: one entitlement per contract dimension of each
 * active subscription, the filters, paging, and who may ask.
 */
class GetEntitlementsTest {
  @RegisterExtension static final ServerExtension server = ServerExtension.withDefaults();

  private static String seller;
  private static String product;
  private static final String[] BUYERS = new String[3];
  private static MarketplaceEntitlementClient client;

  private static AdminClient admin() {
    return server.admin();
  }

  @BeforeAll
  static void contracts() {
    seller = ServerExtension.newAccountId();
    product = admin().customProduct(seller, "Hosts", "Users").get("productCode").asText();
    for (int i = 0; i < BUYERS.length; i++) {
      BUYERS[i] = server.buyer();
      admin().subscribe(product, BUYERS[i], "Hosts", 10 * (i + 1), "Users", 100 + i);
    }
    admin().subscribe(product, server.buyer()); // no contract: no entitlements
    client = entitlementClient(seller);
  }

  private static MarketplaceEntitlementClient entitlementClient(String account) {
    JsonNode key = admin().accessKey(account, "SELLER");
    return server.track(
        ServiceClients.entitlements(server.endpoint(), TestServer.keyCredentials(key)));
  }

  private static List<Entitlement> all(Map<GetEntitlementFilterName, List<String>> filter) {
    return client
        .getEntitlementsPaginator(b -> b.productCode(product).filter(filter).maxResults(2))
        .stream()
        .flatMap(page -> page.entitlements().stream())
        .toList();
  }

  @Test
  void everyContractDimensionOfEveryActiveSubscription_isAnEntitlement() {
    List<Entitlement> all = all(Map.of());
    assertThat(all).hasSize(6);
    Entitlement first =
        all.stream()
            .filter(
                e -> e.customerAWSAccountId().equals(BUYERS[1]) && e.dimension().equals("Hosts"))
            .findFirst()
            .orElseThrow();
    assertThat(first.productCode()).isEqualTo(product);
    assertThat(first.value().integerValue()).isEqualTo(20);
    assertThat(first.customerIdentifier())
        .isEqualTo(admin().get("/buyers/" + BUYERS[1]).get("customerIdentifier").asText());
    assertThat(first.expirationDate()).as("these contracts have no end").isNull();
  }

  @Test
  void filters_orWithinAKey_andAcrossKeys() {
    assertThat(all(Map.of(GetEntitlementFilterName.DIMENSION, List.of("Users"))))
        .extracting(e -> e.value().integerValue())
        .containsExactlyInAnyOrder(100, 101, 102);
    assertThat(
            all(
                Map.of(
                    GetEntitlementFilterName.CUSTOMER_AWS_ACCOUNT_ID,
                    List.of(BUYERS[0], BUYERS[2]),
                    GetEntitlementFilterName.DIMENSION,
                    List.of("Hosts"))))
        .extracting(e -> e.value().integerValue())
        .containsExactlyInAnyOrder(10, 30);
    String customer = admin().get("/buyers/" + BUYERS[2]).get("customerIdentifier").asText();
    assertThat(all(Map.of(GetEntitlementFilterName.CUSTOMER_IDENTIFIER, List.of(customer))))
        .hasSize(2)
        .allMatch(e -> e.customerAWSAccountId().equals(BUYERS[2]));
  }

  @Test
  void pages_ofAtMostMaxResults_visitEachEntitlementOnce() {
    GetEntitlementsResponse page =
        client.getEntitlements(b -> b.productCode(product).maxResults(4));
    assertThat(page.entitlements()).hasSize(4);
    assertThat(page.nextToken()).isNotBlank();
    GetEntitlementsResponse rest =
        client.getEntitlements(
            b -> b.productCode(product).maxResults(4).nextToken(page.nextToken()));
    assertThat(rest.entitlements()).hasSize(2);
    assertThat(rest.nextToken()).isNull();
    assertThat(
            java.util.stream.Stream.concat(
                    page.entitlements().stream(), rest.entitlements().stream())
                .map(e -> e.customerAWSAccountId() + "/" + e.dimension())
                .distinct())
        .hasSize(6);
  }

  @Test
  void anEndedSubscription_hasNoEntitlements() {
    String buyer = server.buyer();
    JsonNode s = admin().subscribe(product, buyer, "Hosts", 5);
    Map<GetEntitlementFilterName, List<String>> hers =
        Map.of(GetEntitlementFilterName.CUSTOMER_AWS_ACCOUNT_ID, List.of(buyer));
    assertThat(all(hers)).hasSize(1);
    admin().unsubscribe(s.get("subscriptionId").asText());
    assertThat(all(hers)).isEmpty();
  }

  @Test
  void badParameters_areInvalidParameterException_namingThem() {
    InvalidParameterException both =
        catchThrowableOfType(
            () ->
                client.getEntitlements(
                    b ->
                        b.productCode(product)
                            .filter(
                                Map.of(
                                    GetEntitlementFilterName.CUSTOMER_IDENTIFIER,
                                    List.of("x"),
                                    GetEntitlementFilterName.CUSTOMER_AWS_ACCOUNT_ID,
                                    List.of("y")))),
            InvalidParameterException.class);
    assertThat(both.awsErrorDetails().errorMessage()).contains("not both");
    assertThat(both.statusCode()).isEqualTo(400);
    InvalidParameterException tooMany =
        catchThrowableOfType(
            () -> client.getEntitlements(b -> b.productCode(product).maxResults(26)),
            InvalidParameterException.class);
    assertThat(tooMany.awsErrorDetails().errorMessage()).contains("MaxResults");
    InvalidParameterException unknown =
        catchThrowableOfType(
            () -> client.getEntitlements(b -> b.productCode("nosuchproduct0000000000000")),
            InvalidParameterException.class);
    assertThat(unknown.awsErrorDetails().errorMessage()).contains("ProductCode");
  }

  @Test
  void anotherSellersKeys_areRefused() {
    String otherSeller = ServerExtension.newAccountId();
    admin().customProduct(otherSeller, "Hosts");
    MarketplaceEntitlementClient other = entitlementClient(otherSeller);
    MarketplaceEntitlementException refused =
        catchThrowableOfType(
            () -> other.getEntitlements(b -> b.productCode(product)),
            MarketplaceEntitlementException.class);
    assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
  }
}
