package io.meterline.server.admin;

import io.meterline.server.auth.MasterKey;
import io.meterline.server.domain.AccessKey;
import io.meterline.server.domain.Account;
import io.meterline.server.domain.Ids;
import io.meterline.server.domain.KeyKind;
import io.meterline.server.store.Keyset;
import io.meterline.server.store.StoreException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Buyer accounts and long-term access keys. */
final class AccountsAdmin {
  private final AdminContext ctx;
  private final MasterKey masterKey;

  AccountsAdmin(AdminContext ctx, MasterKey masterKey) {
    this.ctx = ctx;
    this.masterKey = masterKey;
  }

  Map<String, Object> createBuyer(Body body) {
    body.only("awsAccountId");
    String accountId =
        body.string("awsAccountId", ProductsAdmin.ACCOUNT_ID, "a 12-digit account id");
    Account account = new Account(accountId, Ids.customerIdentifier(), ctx.clock().instant());
    try {
      ctx.write(
          c -> {
            ctx.tables().accounts().insert(c, account, true);
            return null;
          });
    } catch (StoreException e) {
      if (e.isUniqueViolation()) {
        throw AdminException.conflict(
            "awsAccountId",
            "account "
                + accountId
                + " exists "
                + "already; it can subscribe as it is (GET /admin/v1/buyers/"
                + accountId
                + ")");
      }
      throw e;
    }
    return Views.account(account);
  }

  /** Buyer accounts, newest first, in pages (seller accounts are not listed). */
  Map<String, Object> listBuyers(Map<String, String> query) {
    int limit = Paging.limit(query);
    Keyset after = Paging.after("buyers", query);
    return Paging.page(
        "buyers",
        ctx.read(c -> ctx.tables().accounts().listBuyers(c, after, limit + 1)),
        limit,
        a -> new Keyset(a.createdAt(), a.awsAccountId()),
        Views::account);
  }

  Map<String, Object> getBuyer(String accountId) {
    Account account = ctx.read(c -> ctx.tables().accounts().find(c, accountId));
    if (account == null) {
      throw AdminException.notFound(null, "no account " + accountId);
    }
    return Views.account(account);
  }

  Map<String, Object> createAccessKey(Body body) {
    body.only("awsAccountId", "kind");
    String accountId =
        body.string("awsAccountId", ProductsAdmin.ACCOUNT_ID, "a 12-digit account id");
    KeyKind kind = body.enumValue("kind", KeyKind.class);
    Instant now = ctx.clock().instant();
    AccessKey key = new AccessKey(Ids.longTermAccessKeyId(), accountId, kind, now);
    ctx.write(
        c -> {
          requireAccount(c, accountId);
          ctx.tables().accessKeys().insert(c, key);
          return null;
        });
    ctx.lookups().invalidateAccessKey(key.accessKeyId());
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("accessKeyId", key.accessKeyId());
    view.put("secretAccessKey", masterKey.longTermSecret(key.accessKeyId()));
    view.put("awsAccountId", accountId);
    view.put("kind", kind.name());
    view.put("createdAt", Views.iso(now));
    return view;
  }

  private void requireAccount(java.sql.Connection c, String accountId)
      throws java.sql.SQLException {
    if (ctx.tables().accounts().find(c, accountId) == null) {
      throw AdminException.notFound(
          "awsAccountId",
          "no account "
              + accountId
              + "; create it with POST /admin/v1/buyers or as a product's sellerAccountId");
    }
  }
}
