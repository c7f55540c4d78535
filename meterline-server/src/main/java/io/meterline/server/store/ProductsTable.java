package io.meterline.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.server.domain.Dimension;
import io.meterline.server.domain.PriceList;
import io.meterline.server.domain.Pricing;
import io.meterline.server.domain.Product;
import io.meterline.server.domain.ProductKey;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Products with their dimensions and signing keys; private keys are stored sealed. */
public final class ProductsTable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLUMNS =
      "product_code, name, pricing, hourly_price, "
          + "monthly_price, seller_account_id, preview, saas, created_at, product_id";

  private final KeySealer sealer;

  public ProductsTable(KeySealer sealer) {
    this.sealer = sealer;
  }

  /** The code of the product with this product id (SKU), or {@code null}. */
  public String findCodeByProductId(Connection c, String productId) throws SQLException {
    return Jdbc.queryOne(
        c,
        "SELECT product_code FROM products WHERE product_id = ?",
        rs -> rs.getString("product_code"),
        productId);
  }

  public void insert(Connection c, Product p) throws SQLException {
    Jdbc.update(
        c,
        "INSERT INTO products (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        p.productCode(),
        p.name(),
        p.pricing().name(),
        text(p.hourlyPrice()),
        text(p.monthlyPrice()),
        p.sellerAccountId(),
        p.preview(),
        p.saas(),
        p.createdAt(),
        p.productId());
    int position = 0;
    for (Dimension d : p.dimensions()) {
      Jdbc.update(
          c,
          "INSERT INTO product_dimensions (product_code, position, name, unit, price) "
              + "VALUES (?, ?, ?, ?, ?)",
          p.productCode(),
          position++,
          d.name(),
          d.unit(),
          d.price().toPlainString());
    }
    for (ProductKey k : p.keys()) {
      insertKey(c, p.productCode(), k);
    }
  }

  public void insertKey(Connection c, String productCode, ProductKey k) throws SQLException {
    Jdbc.update(
        c,
        "INSERT INTO product_keys (product_code, version, public_key_pem, "
            + "private_key_sealed, created_at, retired_at) VALUES (?, ?, ?, ?, ?, ?)",
        productCode,
        k.version(),
        k.publicKeyPem(),
        sealer.seal(k.privateKey()),
        k.createdAt(),
        k.retiredAt());
  }

  /**
   * Records a price change: the product's prices from {@code prices.since()} on.
   *
   * @param version the change's number, 1 for the first; taken already means another change raced
   *     this one (a unique violation)
   */
  public void insertPriceChange(Connection c, String productCode, int version, PriceList prices)
      throws SQLException {
    Jdbc.update(
        c,
        "INSERT INTO product_price_changes (product_code, version, changed_at, hourly_price, "
            + "monthly_price, dimension_prices) VALUES (?, ?, ?, ?, ?, ?)",
        productCode,
        version,
        prices.since(),
        text(prices.hourlyPrice()),
        text(prices.monthlyPrice()),
        encodePrices(prices.dimensions()));
  }

  /** Retires the current key version; {@code false} when that version was not current. */
  public boolean retireKey(Connection c, String productCode, int version, Instant at)
      throws SQLException {
    return Jdbc.update(
            c,
            "UPDATE product_keys SET retired_at = ? WHERE product_code = ? "
                + "AND version = ? AND retired_at IS NULL",
            at,
            productCode,
            version)
        == 1;
  }

  public Product find(Connection c, String productCode) throws SQLException {
    Product bare =
        Jdbc.queryOne(
            c,
            "SELECT " + COLUMNS + " FROM products " + "WHERE product_code = ?",
            ProductsTable::mapBare,
            productCode);
    return bare == null ? null : complete(c, List.of(bare)).get(0);
  }

  /** The products with these codes, by code; unknown codes are absent. */
  public Map<String, Product> findAll(Connection c, List<String> codes) throws SQLException {
    List<Product> bare = new ArrayList<>();
    for (List<String> chunk : Jdbc.chunks(codes.stream().distinct().toList())) {
      bare.addAll(
          Jdbc.query(
              c,
              "SELECT "
                  + COLUMNS
                  + " FROM products WHERE product_code IN "
                  + Jdbc.placeholders(chunk.size()),
              ProductsTable::mapBare,
              chunk.toArray()));
    }
    Map<String, Product> found = new HashMap<>();
    complete(c, bare).forEach(p -> found.put(p.productCode(), p));
    return found;
  }

  /** Products, newest first, after a position ({@code null} for the first page). */
  public List<Product> list(Connection c, Keyset after, int limit) throws SQLException {
    List<Object> args = new ArrayList<>();
    String sql =
        "SELECT "
            + COLUMNS
            + " FROM products WHERE 1 = 1"
            + Keyset.page(after, "created_at", "product_code", limit, args);
    return complete(c, Jdbc.query(c, sql, ProductsTable::mapBare, args.toArray()));
  }

  /** Every product code, in the order the products were created. */
  public List<String> listCodes(Connection c) throws SQLException {
    return Jdbc.query(
        c,
        "SELECT product_code FROM products ORDER BY created_at, product_code",
        rs -> rs.getString(1));
  }

  /** The products with their dimensions and keys, read for all of them at once. */
  private List<Product> complete(Connection c, List<Product> bare) throws SQLException {
    Map<String, List<Dimension>> dimensions = new HashMap<>();
    Map<String, List<ProductKey>> keys = new HashMap<>();
    List<String> codes = bare.stream().map(Product::productCode).toList();
    for (List<String> chunk : Jdbc.chunks(codes)) {
      String in = Jdbc.placeholders(chunk.size());
      Jdbc.query(
          c,
          "SELECT product_code, name, unit, price FROM product_dimensions "
              + "WHERE product_code IN "
              + in
              + " ORDER BY product_code, position",
          rs ->
              dimensions
                  .computeIfAbsent(rs.getString("product_code"), k -> new ArrayList<>())
                  .add(
                      new Dimension(
                          rs.getString("name"),
                          rs.getString("unit"),
                          new BigDecimal(rs.getString("price")))),
          chunk.toArray());
      Jdbc.query(
          c,
          "SELECT product_code, version, public_key_pem, private_key_sealed, created_at, "
              + "retired_at FROM product_keys WHERE product_code IN "
              + in
              + " ORDER BY product_code, version",
          rs ->
              keys.computeIfAbsent(rs.getString("product_code"), k -> new ArrayList<>())
                  .add(mapKey(rs)),
          chunk.toArray());
    }
    Map<String, List<PriceList>> changes = priceChanges(c, codes);
    List<Product> products = new ArrayList<>(bare.size());
    for (Product p : bare) {
      Product created =
          new Product(
              p.productCode(),
              p.name(),
              p.pricing(),
              p.hourlyPrice(),
              p.monthlyPrice(),
              dimensions.getOrDefault(p.productCode(), List.of()),
              p.preview(),
              p.saas(),
              p.sellerAccountId(),
              p.createdAt(),
              keys.getOrDefault(p.productCode(), List.of()),
              p.productId());
      for (PriceList change : changes.getOrDefault(p.productCode(), List.of())) {
        created = created.withPrices(change);
      }
      products.add(created);
    }
    return products;
  }

  private static Map<String, List<PriceList>> priceChanges(Connection c, List<String> codes)
      throws SQLException {
    Map<String, List<PriceList>> changes = new HashMap<>();
    for (List<String> chunk : Jdbc.chunks(codes)) {
      Jdbc.query(
          c,
          "SELECT product_code, changed_at, hourly_price, monthly_price, dimension_prices "
              + "FROM product_price_changes WHERE product_code IN "
              + Jdbc.placeholders(chunk.size())
              + " ORDER BY product_code, version",
          rs ->
              changes
                  .computeIfAbsent(rs.getString("product_code"), k -> new ArrayList<>())
                  .add(
                      new PriceList(
                          Jdbc.instant(rs, "changed_at"),
                          decimal(rs.getString("hourly_price")),
                          decimal(rs.getString("monthly_price")),
                          decodePrices(rs.getString("dimension_prices")))),
          chunk.toArray());
    }
    return changes;
  }

  private static String encodePrices(Map<String, BigDecimal> prices) {
    Map<String, String> text = new TreeMap<>();
    prices.forEach((name, price) -> text.put(name, price.toPlainString()));
    try {
      return JSON.writeValueAsString(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings always serializes", e);
    }
  }

  private static Map<String, BigDecimal> decodePrices(String json) {
    try {
      Map<String, BigDecimal> prices = new TreeMap<>();
      JSON.readTree(json)
          .fields()
          .forEachRemaining(e -> prices.put(e.getKey(), new BigDecimal(e.getValue().asText())));
      return prices;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored dimension prices are not JSON: " + json, e);
    }
  }

  private ProductKey mapKey(ResultSet rs) throws SQLException {
    return new ProductKey(
        rs.getInt("version"),
        rs.getString("public_key_pem"),
        sealer.unseal(rs.getString("private_key_sealed")),
        Jdbc.instant(rs, "created_at"),
        Jdbc.instant(rs, "retired_at"));
  }

  private static Product mapBare(ResultSet rs) throws SQLException {
    return new Product(
        rs.getString("product_code"),
        rs.getString("name"),
        Pricing.valueOf(rs.getString("pricing")),
        decimal(rs.getString("hourly_price")),
        decimal(rs.getString("monthly_price")),
        List.of(),
        rs.getInt("preview") == 1,
        rs.getInt("saas") == 1,
        rs.getString("seller_account_id"),
        Jdbc.instant(rs, "created_at"),
        new ArrayList<>(),
        rs.getString("product_id"));
  }

  private static String text(BigDecimal value) {
    return value == null ? null : value.toPlainString();
  }

  private static BigDecimal decimal(String text) {
    return text == null ? null : new BigDecimal(text);
  }
}
