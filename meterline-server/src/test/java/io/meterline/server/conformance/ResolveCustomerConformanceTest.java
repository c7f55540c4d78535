package io.meterline.server.conformance;

import static io.meterline.server.conformance.Harness.REGION;
import static io.meterline.server.conformance.ServiceErrors.expectError;
import static io.meterline.server.conformance.ServiceErrors.expectErrorCode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.marketplacemetering.MarketplaceMeteringClient;
import software.amazon.awssdk.services.marketplacemetering.model.ExpiredTokenException;
import software.amazon.awssdk.services.marketplacemetering.model.InvalidTokenException;
import software.amazon.awssdk.services.marketplacemetering.model.ResolveCustomerResponse;

/**
 * ResolveCustomer through the official SDK against a real server: SPEC §1.1 "ResolveCustomer",
 * "Authorization", and every error of the operation (facts §3.4).
 */
class ResolveCustomerConformanceTest {
  private static final String ACCESS_DENIED = "AccessDeniedException";

  @RegisterExtension static final Harness h = Harness.withDefaults();

  /** A buyer's subscription to a SaaS product, the token it minted and the seller's client. */
  private record Registration(
      String productCode,
      String seller,
      String buyer,
      String customerIdentifier,
      String token,
      MarketplaceMeteringClient sellerClient) {}

  private static Registration register() {
    String seller = Harness.newAccountId();
    String code = h.admin().saasProduct(seller, "Users").get("productCode").asText();
    JsonNode buyer = h.newBuyer();
    String account = buyer.get("awsAccountId").asText();
    JsonNode subscription = h.admin().subscribe(code, account);
    return new Registration(
        code,
        seller,
        account,
        buyer.get("customerIdentifier").asText(),
        subscription.get("registrationToken").asText(),
        h.keyClient(seller, "SELLER"));
  }

  /** ResolveCustomer of the registration's token by its seller. */
  private static ResolveCustomerResponse resolve(Registration r) {
    return resolve(r.sellerClient(), r.token());
  }

  /** ResolveCustomer of this token by this client. */
  private static ResolveCustomerResponse resolve(MarketplaceMeteringClient client, String token) {
    return client.resolveCustomer(b -> b.registrationToken(token));
  }

  @Test
  void resolveCustomer_freshToken_returnsCustomerProductAndAccount() {
    Registration r = register();

    ResolveCustomerResponse resolved = resolve(r);

    assertThat(resolved.responseMetadata().requestId()).isNotBlank().isNotEqualTo("UNKNOWN");
    assertThat(resolved.customerIdentifier()).isEqualTo(r.customerIdentifier());
    assertThat(resolved.productCode()).isEqualTo(r.productCode());
    assertThat(resolved.customerAWSAccountId()).isEqualTo(r.buyer());
  }

  @Test
  void resolveCustomer_tokenJustUnderFourHoursOld_stillResolves() {
    Registration r = register();
    h.admin().advanceClock("PT3H59M");

    ResolveCustomerResponse resolved = resolve(r);

    assertThat(resolved.customerAWSAccountId()).isEqualTo(r.buyer());
  }

  @Test
  void resolveCustomer_tokenFourHoursOld_isExpiredToken() {
    Registration r = register();
    h.admin().advanceClock("PT4H");

    expectError(ExpiredTokenException.class, 400, () -> resolve(r));
  }

  @ParameterizedTest
  @ValueSource(strings = {"garbage", "regtoken+EXAMPLE/abc==", "!!!", " x "})
  void resolveCustomer_unknownOrGarbledToken_isInvalidToken(String token) {
    Registration r = register();

    expectError(InvalidTokenException.class, 400, () -> resolve(r.sellerClient(), token));
  }

  @Test
  void resolveCustomer_wellFormedButNeverMintedToken_isInvalidToken() {
    Registration r = register();
    String lookalike = Base64.getEncoder().encodeToString(new byte[48]);

    expectError(InvalidTokenException.class, 400, () -> resolve(r.sellerClient(), lookalike));
  }

  @Test
  void resolveCustomer_otherSellersKey_isAccessDenied() {
    Registration r = register();
    String otherSeller = Harness.newAccountId();
    h.admin().saasProduct(otherSeller, "Users");
    MarketplaceMeteringClient other = h.keyClient(otherSeller, "SELLER");

    expectErrorCode(ACCESS_DENIED, 400, () -> resolve(other, r.token()));
  }

  @Test
  void resolveCustomer_buyerUserKey_isAccessDenied() {
    Registration r = register();
    MarketplaceMeteringClient buyerKey = h.keyClient(r.buyer(), "BUYER_USER");

    expectErrorCode(ACCESS_DENIED, 400, () -> resolve(buyerKey, r.token()));
  }

  @Test
  void resolveCustomer_taskCredentials_isAccessDenied() {
    Registration r = register();
    MarketplaceMeteringClient task = h.taskClient(h.admin().task(r.seller(), REGION, "ECS"));

    expectErrorCode(ACCESS_DENIED, 400, () -> resolve(task, r.token()));
  }

  @Test
  void resolveCustomer_emptyToken_isValidationExceptionNamingIt() {
    Registration r = register();

    var e = expectErrorCode("ValidationException", 400, () -> resolve(r.sellerClient(), ""));

    assertThat(e.awsErrorDetails().errorMessage()).contains("'registrationToken'");
  }
}
