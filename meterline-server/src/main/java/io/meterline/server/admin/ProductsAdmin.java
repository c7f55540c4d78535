package io.meterline.server.admin;

import io.meterline.server.domain.Account;
import io.meterline.server.domain.Dimension;
import io.meterline.server.domain.Ids;
import io.meterline.server.domain.PriceList;
import io.meterline.server.domain.Pricing;
import io.meterline.server.domain.Product;
import io.meterline.server.domain.ProductKey;
import io.meterline.server.domain.UsageSource;
import io.meterline.server.licenses.Licenses;
import io.meterline.server.store.Keyset;
import io.meterline.server.store.StoreException;
import io.meterline.wire.crypto.Pem;
import java.math.BigDecimal;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Products: the server mints the code and an RSA-2048 key pair whose private half never leaves it;
 * rotation adds a version and retires the previous one, which keeps verifying.
 */
final class ProductsAdmin {
  static final Pattern PRODUCT_CODE = Pattern.compile("[-a-zA-Z0-9/=:_.@]{1,255}");
  static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");
  private static final Pattern NAME = Pattern.compile("[^\\p{Cntrl}]{1,255}");
  private static final Pattern UNIT = Pattern.compile("[^\\p{Cntrl}]{1,64}");
  private static final Pattern PRODUCT_ID = Pattern.compile("\\S{1,255}");

  /** AWS allows up to 24 dimensions per product (facts §6). */
  static final int MAX_DIMENSIONS = 24;

  private final AdminContext ctx;

  ProductsAdmin(AdminContext ctx) {
    this.ctx = ctx;
  }

  Map<String, Object> create(Body body) {
    body.only(
        "name",
        "pricing",
        "hourlyPrice",
        "monthlyPrice",
        "dimensions",
        "preview",
        "saas",
        "sellerAccountId",
        "productCode",
        "productId");
    String name = body.string("name", NAME, "1 to 255 printable characters");
    Pricing pricing = body.enumValue("pricing", Pricing.class);
    BigDecimal hourly = body.optionalMoney("hourlyPrice");
    BigDecimal monthly = body.optionalMoney("monthlyPrice");
    boolean contract = pricing == Pricing.CONTRACT;
    List<Dimension> dimensions =
        body.optionalList(
            "dimensions",
            d ->
                new Dimension(
                    d.only("name", "unit", "price")
                        .string("name", NAME, "1 to 255 printable characters"),
                    contract
                        ? contractUnit(d)
                        : d.optionalString("unit", UNIT, "1 to 64 printable characters"),
                    contract
                        ? orZero(d.optionalMoney("price"))
                        : require(d, "price", d.optionalMoney("price"))));
    boolean preview = body.bool("preview", false);
    boolean saas = body.bool("saas", false);
    String seller = body.optionalString("sellerAccountId", ACCOUNT_ID, "a 12-digit account id");
    String code =
        body.optionalString(
            "productCode", PRODUCT_CODE, "1 to 255 of the characters a-z A-Z 0-9 - / = : _ . @");
    String productId =
        body.optionalString("productId", PRODUCT_ID, "1 to 255 characters without spaces");
    if (productId != null && !contract) {
      throw AdminException.badField("productId", "productId applies only to CONTRACT pricing");
    }
    checkPricing(pricing, hourly, monthly, dimensions == null ? List.of() : dimensions, saas);

    Instant now = ctx.clock().instant();
    KeyPair pair = newKeyPair();
    Product product =
        new Product(
            code != null ? code : Ids.productCode(),
            name,
            pricing,
            hourly,
            monthly,
            dimensions == null ? List.of() : dimensions,
            preview,
            saas,
            seller != null ? seller : Ids.accountId(),
            now,
            List.of(new ProductKey(1, Pem.encode(pair.getPublic()), pair.getPrivate(), now, null)),
            contract ? (productId != null ? productId : Ids.uuid()) : null);
    try {
      ctx.write(
          c -> {
            if (ctx.tables().accounts().find(c, product.sellerAccountId()) == null) {
              ctx.tables()
                  .accounts()
                  .insert(
                      c,
                      new Account(product.sellerAccountId(), Ids.customerIdentifier(), now),
                      false);
            }
            if (product.productId() != null
                && ctx.tables().products().findCodeByProductId(c, product.productId()) != null) {
              throw AdminException.conflict(
                  "productId", "a product with the id " + product.productId() + " exists already");
            }
            ctx.tables().products().insert(c, product);
            return null;
          });
    } catch (StoreException e) {
      if (e.isUniqueViolation() && namesProductId(e)) {
        throw AdminException.conflict(
            "productId", "a product with the id " + product.productId() + " exists already");
      }
      if (e.isUniqueViolation()) {
        throw AdminException.conflict(
            "productCode", "a product with the code " + product.productCode() + " exists already");
      }
      throw e;
    }
    ctx.lookups().invalidateProduct(product.productCode());
    return Views.product(product);
  }

  Map<String, Object> get(String code) {
    return Views.product(find(code));
  }

  /** Products, newest first, in pages. */
  Map<String, Object> list(Map<String, String> query) {
    int limit = Paging.limit(query);
    Keyset after = Paging.after("products", query);
    return Paging.page(
        "products",
        ctx.read(c -> ctx.tables().products().list(c, after, limit + 1)),
        limit,
        p -> new Keyset(p.createdAt(), p.productCode()),
        Views::product);
  }

  /**
   * A price change (SPEC §3.2 "Price changes"): the prices given replace the current ones from now
   * on, the others keep their value; which subscriptions pay the new prices when is the billing
   * engine's rule. Answers the product with its price history.
   */
  Map<String, Object> changePrices(String code, Body body) {
    body.only("hourlyPrice", "monthlyPrice", "dimensions");
    BigDecimal hourly = body.optionalMoney("hourlyPrice");
    BigDecimal monthly = body.optionalMoney("monthlyPrice");
    List<Map.Entry<String, BigDecimal>> dimensions =
        body.optionalList(
            "dimensions",
            d ->
                Map.entry(
                    d.only("name", "price").string("name"),
                    require(d, "price", d.optionalMoney("price"))));
    if (hourly == null && monthly == null && dimensions == null) {
      throw AdminException.badRequest(
          "give at least one of hourlyPrice, monthlyPrice or dimensions: [{name, price}]");
    }
    Instant now = ctx.clock().instant();
    Product changed;
    try {
      changed =
          ctx.write(
              c -> {
                Product p = ctx.tables().products().find(c, code);
                if (p == null) {
                  throw AdminException.notFound(null, "no product has the code " + code);
                }
                PriceList prices = newPrices(p, hourly, monthly, dimensions, now);
                ctx.tables().products().insertPriceChange(c, code, p.priceHistory().size(), prices);
                return p.withPrices(prices);
              });
    } catch (StoreException e) {
      if (e.isUniqueViolation()) {
        throw AdminException.conflict(
            null,
            "the prices of "
                + code
                + " were changed at the same time by another request; read the product and retry");
      }
      throw e;
    }
    ctx.lookups().invalidateProduct(code);
    return Views.product(changed);
  }

  private static PriceList newPrices(
      Product p,
      BigDecimal hourly,
      BigDecimal monthly,
      List<Map.Entry<String, BigDecimal>> dimensions,
      Instant now) {
    if (hourly != null && p.pricing() != Pricing.HOURLY) {
      throw AdminException.badField(
          "hourlyPrice",
          "hourlyPrice applies only to HOURLY pricing; " + p.productCode() + " is " + p.pricing());
    }
    if (monthly != null && p.pricing() != Pricing.MONTHLY) {
      throw AdminException.badField(
          "monthlyPrice",
          "monthlyPrice applies only to MONTHLY pricing; "
              + p.productCode()
              + " is "
              + p.pricing());
    }
    Map<String, BigDecimal> prices = new java.util.TreeMap<>();
    p.dimensions().forEach(d -> prices.put(d.name(), d.price()));
    if (dimensions != null) {
      for (int i = 0; i < dimensions.size(); i++) {
        String name = dimensions.get(i).getKey();
        if (!prices.containsKey(name)) {
          throw AdminException.badField(
              "dimensions[" + i + "].name",
              "product " + p.productCode() + " has no dimension \"" + Body.clip(name) + "\"");
        }
        prices.put(name, dimensions.get(i).getValue());
      }
    }
    return new PriceList(
        now,
        hourly != null ? hourly : p.hourlyPrice(),
        monthly != null ? monthly : p.monthlyPrice(),
        prices);
  }

  Map<String, Object> rotateKey(String code) {
    KeyPair pair = newKeyPair();
    Instant now = ctx.clock().instant();
    Product rotated;
    try {
      rotated =
          ctx.write(
              c -> {
                Product p = ctx.tables().products().find(c, code);
                if (p == null) {
                  throw AdminException.notFound(null, "no product has the code " + code);
                }
                int current = p.currentKey().version();
                if (!ctx.tables().products().retireKey(c, code, current, now)) {
                  throw AdminException.conflict(
                      null,
                      "the key of "
                          + code
                          + " was rotated at the "
                          + "same time by another request; read the product and retry");
                }
                ctx.tables()
                    .products()
                    .insertKey(
                        c,
                        code,
                        new ProductKey(
                            current + 1,
                            Pem.encode(pair.getPublic()),
                            pair.getPrivate(),
                            now,
                            null));
                return ctx.tables().products().find(c, code);
              });
    } catch (StoreException e) {
      if (e.isUniqueViolation()) {
        throw AdminException.conflict(
            null,
            "the key of "
                + code
                + " was rotated at the same "
                + "time by another request; read the product and retry");
      }
      throw e;
    }
    ctx.lookups().invalidateProduct(code);
    Map<String, Object> view = Views.key(rotated.currentKey());
    view.put("productCode", code);
    return view;
  }

  // Which unique index refused the row: both stores name the index or its column.
  private static boolean namesProductId(StoreException e) {
    String message = String.valueOf(e.sqlCause() == null ? null : e.sqlCause().getMessage());
    return message.contains("product_id");
  }

  // A contract dimension's unit is one License Manager knows; Count unless said.
  private static String contractUnit(Body d) {
    String unit = d.optionalString("unit", UNIT, "1 to 64 printable characters");
    if (unit == null) {
      return "Count";
    }
    if (!Licenses.UNITS.contains(unit)) {
      throw AdminException.badField(
          d.path("unit"),
          "a CONTRACT dimension's unit is one of License Manager's: "
              + new TreeSet<>(Licenses.UNITS)
              + "; \""
              + Body.clip(unit)
              + "\" is not");
    }
    return unit;
  }

  private static BigDecimal orZero(BigDecimal price) {
    return price == null ? BigDecimal.ZERO : price;
  }

  private Product find(String code) {
    Product p = ctx.read(c -> ctx.tables().products().find(c, code));
    if (p == null) {
      throw AdminException.notFound(null, "no product has the code " + code);
    }
    return p;
  }

  private static void checkPricing(
      Pricing pricing,
      BigDecimal hourly,
      BigDecimal monthly,
      List<Dimension> dimensions,
      boolean saas) {
    if (pricing == Pricing.HOURLY && hourly == null) {
      throw AdminException.badField("hourlyPrice", "hourlyPrice is required for HOURLY pricing");
    }
    if (pricing != Pricing.HOURLY && hourly != null) {
      throw AdminException.badField("hourlyPrice", "hourlyPrice applies only to HOURLY pricing");
    }
    if (pricing == Pricing.MONTHLY && monthly == null) {
      throw AdminException.badField("monthlyPrice", "monthlyPrice is required for MONTHLY pricing");
    }
    if (pricing != Pricing.MONTHLY && monthly != null) {
      throw AdminException.badField("monthlyPrice", "monthlyPrice applies only to MONTHLY pricing");
    }
    if ((pricing == Pricing.CUSTOM || pricing == Pricing.CONTRACT) && dimensions.isEmpty()) {
      throw AdminException.badField(
          "dimensions", pricing + " pricing needs at least one dimension");
    }
    if (dimensions.size() > MAX_DIMENSIONS) {
      throw AdminException.badField(
          "dimensions",
          "a product has at most " + MAX_DIMENSIONS + " dimensions, this has " + dimensions.size());
    }
    Set<String> names = new HashSet<>();
    for (Dimension d : dimensions) {
      if (d.name().equals(UsageSource.TASK_TIME_DIMENSION)) {
        throw AdminException.badField(
            "dimensions",
            "\""
                + UsageSource.TASK_TIME_DIMENSION
                + "\" is the dimension of task time; name the dimension otherwise");
      }
      if (!names.add(d.name())) {
        throw AdminException.badField(
            "dimensions", "dimension \"" + d.name() + "\" is listed twice");
      }
    }
    if (saas && pricing.isTimeBased()) {
      throw AdminException.badField(
          "saas", "a SaaS product is priced CUSTOM, FREE or CONTRACT, not " + pricing);
    }
  }

  private static BigDecimal require(Body body, String field, BigDecimal value) {
    if (value == null) {
      throw AdminException.badField(body.path(field), body.path(field) + " is required");
    }
    return value;
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has RSA", e);
    }
  }
}
