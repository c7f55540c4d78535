package io.meterline.server.store;

import io.meterline.server.domain.Dimension;
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

/** Products with their dimensions and signing keys; private keys are stored sealed. */
public final class ProductsTable {
  private static final String COLUMNS =
      "product_code, name, pricing, hourly_price, "
          + "monthly_price, seller_account_id, preview, saas, created_at";

  private final KeySealer sealer;

  public ProductsTable(KeySealer sealer) {
    this.sealer = sealer;
  }

  public void insert(Connection c, Product p) throws SQLException {
    Jdbc.update(
        c,
        "INSERT INTO products (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        p.productCode(),
        p.name(),
        p.pricing().name(),
        text(p.hourlyPrice()),
        text(p.monthlyPrice()),
        p.sellerAccountId(),
        p.preview(),
        p.saas(),
        p.createdAt());
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
    List<Product> products = new ArrayList<>(bare.size());
    for (Product p : bare) {
      products.add(
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
              keys.getOrDefault(p.productCode(), List.of())));
    }
    return products;
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
        new ArrayList<>());
  }

  private static String text(BigDecimal value) {
    return value == null ? null : value.toPlainString();
  }

  private static BigDecimal decimal(String text) {
    return text == null ? null : new BigDecimal(text);
  }
}
