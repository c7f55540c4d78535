package io.meterline.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterline.server.domain.LicenseConsumption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** License Manager checkouts: what is held of each license, until when. */
public final class LicenseConsumptionsTable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<LicenseConsumption.Taken>> TAKEN =
      new TypeReference<>() {};
  private static final String COLUMNS =
      "consumption_token, license_arn, aws_account_id, checkout_type, entitlements, "
          + "client_token, request_hash, node_id, issued_at, expires_at, checked_in_at";

  public void insert(Connection c, LicenseConsumption l) throws SQLException {
    Jdbc.update(
        c,
        "INSERT INTO license_consumptions ("
            + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        l.consumptionToken(),
        l.licenseArn(),
        l.awsAccountId(),
        l.checkoutType(),
        encode(l.entitlements()),
        l.clientToken(),
        l.requestHash(),
        l.nodeId(),
        l.issuedAt(),
        l.expiresAt(),
        l.checkedInAt());
  }

  public LicenseConsumption find(Connection c, String consumptionToken) throws SQLException {
    return Jdbc.queryOne(
        c,
        "SELECT " + COLUMNS + " FROM license_consumptions WHERE consumption_token = ?",
        LicenseConsumptionsTable::map,
        consumptionToken);
  }

  /** The checkout an account made with a ClientToken, or {@code null}. */
  public LicenseConsumption findByClientToken(Connection c, String awsAccountId, String clientToken)
      throws SQLException {
    return Jdbc.queryOne(
        c,
        "SELECT "
            + COLUMNS
            + " FROM license_consumptions WHERE aws_account_id = ? "
            + "AND client_token = ?",
        LicenseConsumptionsTable::map,
        awsAccountId,
        clientToken);
  }

  /** The checkouts of a license that may still hold something at this service time. */
  public List<LicenseConsumption> holding(Connection c, String licenseArn, Instant now)
      throws SQLException {
    return Jdbc.query(
        c,
        "SELECT "
            + COLUMNS
            + " FROM license_consumptions WHERE license_arn = ? "
            + "AND checked_in_at IS NULL AND (expires_at IS NULL OR expires_at > ?)",
        LicenseConsumptionsTable::map,
        licenseArn,
        now);
  }

  public void checkIn(Connection c, String consumptionToken, Instant at) throws SQLException {
    Jdbc.update(
        c,
        "UPDATE license_consumptions SET checked_in_at = ? WHERE consumption_token = ?",
        at,
        consumptionToken);
  }

  public void extend(Connection c, String consumptionToken, Instant expiresAt) throws SQLException {
    Jdbc.update(
        c,
        "UPDATE license_consumptions SET expires_at = ? WHERE consumption_token = ?",
        expiresAt,
        consumptionToken);
  }

  private static String encode(List<LicenseConsumption.Taken> taken) {
    try {
      return JSON.writeValueAsString(taken);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static LicenseConsumption map(ResultSet rs) throws SQLException {
    List<LicenseConsumption.Taken> taken;
    try {
      taken = JSON.readValue(rs.getString("entitlements"), TAKEN);
    } catch (JsonProcessingException e) {
      throw new SQLException("unreadable entitlements of a checkout", e);
    }
    return new LicenseConsumption(
        rs.getString("consumption_token"),
        rs.getString("license_arn"),
        rs.getString("aws_account_id"),
        rs.getString("checkout_type"),
        taken,
        rs.getString("client_token"),
        rs.getString("request_hash"),
        rs.getString("node_id"),
        Jdbc.instant(rs, "issued_at"),
        Jdbc.instant(rs, "expires_at"),
        Jdbc.instant(rs, "checked_in_at"));
  }
}
