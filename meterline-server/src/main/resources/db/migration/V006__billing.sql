-- Billing (SPEC §3.2). A product's price changes, one row per change with every price in force
-- after it; the prices a product was created with stay in products and product_dimensions.
CREATE TABLE product_price_changes (
  product_code     TEXT NOT NULL,
  version          INTEGER NOT NULL,
  changed_at       BIGINT NOT NULL,
  hourly_price     TEXT,
  monthly_price    TEXT,
  dimension_prices TEXT NOT NULL,
  PRIMARY KEY (product_code, version)
);

-- How far a running task's time is in the ledger: its whole hours are written as they pass, so
-- that invoices see them before the task stops.
ALTER TABLE tasks ADD COLUMN time_recorded_until BIGINT;
