package io.meterline.server.metering;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.meterline.server.auth.Caller;
import io.meterline.server.domain.Product;
import io.meterline.server.domain.ProductKey;
import io.meterline.server.domain.Task;
import io.meterline.server.ledger.Ledger;
import io.meterline.wire.ErrorCode;
import io.meterline.wire.crypto.Jws;
import io.meterline.wire.model.RegisterUsageRequest;
import io.meterline.wire.model.RegisterUsageResult;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * RegisterUsage: the entitlement check of a container task at start-up, answered with a PS256 JWT
 * over {@code productCode}, {@code publicKeyVersion}, {@code nonce} and {@code iat} (SPEC §1.1
 * "RegisterUsage"). Only a task's first call decides its entitlement; later calls get a fresh
 * signature and change nothing.
 */
final class RegisterUsageOperation {
  private static final JsonFactory JSON = new JsonFactory();

  private final Products products;
  private final Ledger ledger;
  private final Clock clock;
  private final Executor signing;

  RegisterUsageOperation(Products products, Ledger ledger, Clock clock, Executor signing) {
    this.products = products;
    this.ledger = ledger;
    this.clock = clock;
    this.signing = signing;
  }

  CompletableFuture<RegisterUsageResult> register(Caller caller, RegisterUsageRequest request) {
    Task task = PlatformRules.registerUsageTask(caller);
    return products
        .find(request.productCode(), p -> p.key(request.publicKeyVersion()).isPresent())
        .thenCompose(
            found -> {
              Product product = Products.require(found, request.productCode());
              Products.requireContainerProduct(product, "RegisterUsage");
              ProductKey key =
                  product
                      .key(request.publicKeyVersion())
                      .orElseThrow(
                          () ->
                              ErrorCode.INVALID_PUBLIC_KEY_VERSION.exception(
                                  "Product %s has no public key "
                                      + "version %d; the current version is %d",
                                  product.productCode(),
                                  request.publicKeyVersion(),
                                  product.currentKey().version()));
              return admit(task, product).thenApplyAsync(x -> sign(product, key, request), signing);
            });
  }

  private CompletableFuture<Void> admit(Task task, Product product) {
    return ledger
        .admit(task, product)
        .thenAccept(
            entitled -> {
              if (!entitled) {
                throw Entitlements.notEntitled(task.awsAccountId(), product.productCode());
              }
            });
  }

  private RegisterUsageResult sign(Product product, ProductKey key, RegisterUsageRequest request) {
    String payload =
        payload(
            product.productCode(),
            key.version(),
            request.nonce(),
            clock.instant().getEpochSecond());
    return new RegisterUsageResult(key.retiredAt(), Jws.signPs256(key.privateKey(), payload));
  }

  /** The claims: camelCase, version and iat as JSON numbers, the nonce echoed exactly. */
  static String payload(String productCode, int version, String nonce, long issuedAt) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("productCode", productCode);
      g.writeNumberField("publicKeyVersion", version);
      if (nonce != null) {
        g.writeStringField("nonce", nonce);
      }
      g.writeNumberField("iat", issuedAt);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory cannot fail", e);
    }
    return out.toString();
  }
}
