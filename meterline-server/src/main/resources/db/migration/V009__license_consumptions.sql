-- License Manager checkouts (SPEC §3.5; contracts-facts §3): what each buyer has checked out of a
-- license, until when, and under which ClientToken. Times in service time (epoch ms); expires_at
-- is NULL for PERPETUAL (drawn down for good).
CREATE TABLE license_consumptions (
  consumption_token TEXT PRIMARY KEY,
  license_arn       TEXT NOT NULL,
  aws_account_id    TEXT NOT NULL,
  checkout_type     TEXT NOT NULL,
  entitlements      TEXT NOT NULL,
  client_token      TEXT NOT NULL,
  request_hash      TEXT NOT NULL,
  node_id           TEXT,
  issued_at         BIGINT NOT NULL,
  expires_at        BIGINT,
  checked_in_at     BIGINT
);

CREATE INDEX license_consumptions_by_license ON license_consumptions (license_arn);
CREATE UNIQUE INDEX license_consumptions_by_client_token
  ON license_consumptions (aws_account_id, client_token);
