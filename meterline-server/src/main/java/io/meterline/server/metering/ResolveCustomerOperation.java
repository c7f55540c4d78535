package io.meterline.server.metering;

import io.meterline.server.auth.Caller;
import io.meterline.server.domain.Account;
import io.meterline.server.domain.Ids;
import io.meterline.server.domain.Product;
import io.meterline.server.domain.Subscription;
import io.meterline.server.store.Lookups;
import io.meterline.server.store.Tables;
import io.meterline.wire.ErrorCode;
import io.meterline.wire.model.ResolveCustomerRequest;
import io.meterline.wire.model.ResolveCustomerResult;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * ResolveCustomer: a SaaS registration token to the customer it was minted for. Tokens are looked
 * up by their hash (only hashes are stored), live four hours of service time, and resolve only for
 * the seller of their product (SPEC §1.1 "ResolveCustomer").
 */
final class ResolveCustomerOperation {
  private record Found(Subscription subscription, Product product, Account account) {}

  private final Lookups lookups;
  private final Clock clock;

  ResolveCustomerOperation(Lookups lookups, Clock clock) {
    this.lookups = lookups;
    this.clock = clock;
  }

  CompletableFuture<ResolveCustomerResult> resolve(Caller caller, ResolveCustomerRequest request) {
    PlatformRules.requireSeller(caller, "ResolveCustomer");
    Tables tables = lookups.tables();
    return lookups
        .read(
            c -> {
              Subscription s = tables.subscriptions().findByToken(c, request.registrationToken());
              return s == null
                  ? null
                  : new Found(
                      s,
                      tables.products().find(c, s.productCode()),
                      tables.accounts().find(c, s.awsAccountId()));
            })
        .thenApply(
            found -> {
              if (found == null || found.product() == null || found.account() == null) {
                throw ErrorCode.INVALID_TOKEN.exception("The registration token is not valid");
              }
              PlatformRules.requireOwningSeller(caller, found.product(), "ResolveCustomer");
              if (!clock.instant().isBefore(found.subscription().tokenExpiresAt())) {
                throw ErrorCode.EXPIRED_TOKEN.exception(
                    "The registration token expired at %s", found.subscription().tokenExpiresAt());
              }
              Subscription s = found.subscription();
              return new ResolveCustomerResult(
                  found.account().customerIdentifier(),
                  found.product().productCode(),
                  found.account().awsAccountId(),
                  // Newer models name the customer's license; older SDKs ignore the member.
                  s.contract().isEmpty() ? null : Ids.licenseArn(s.subscriptionId()));
            });
  }
}
