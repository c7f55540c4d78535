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
import java.util.List;

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
    if (bare == null) {
      return null;
    }
    List<Dimension> dimensions =
        Jdbc.query(
            c,
            "SELECT name, unit, price FROM product_dimensions "
                + "WHERE product_code = ? ORDER BY position",
            rs ->
                new Dimension(
                    rs.getString("name"),
                    rs.getString("unit"),
                    new BigDecimal(rs.getString("price"))),
            productCode);
    List<ProductKey> keys =
        Jdbc.query(
            c,
            "SELECT version, public_key_pem, private_key_sealed, "
                + "created_at, retired_at FROM product_keys WHERE product_code = ? ORDER BY version",
            this::mapKey,
            productCode);
    return new Product(
        bare.productCode(),
        bare.name(),
        bare.pricing(),
        bare.hourlyPrice(),
        bare.monthlyPrice(),
        dimensions,
        bare.preview(),
        bare.saas(),
        bare.sellerAccountId(),
        bare.createdAt(),
        keys);
  }

  /** Every product code, in the order the products were created. */
  public List<String> listCodes(Connection c) throws SQLException {
    return Jdbc.query(
        c,
        "SELECT product_code FROM products ORDER BY created_at, product_code",
        rs -> rs.getString(1));
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
