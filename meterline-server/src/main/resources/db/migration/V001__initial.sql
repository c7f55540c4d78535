-- Meterline schema, version 1. One text for SQLite and PostgreSQL: times are epoch
-- milliseconds (BIGINT), flags are 0/1 integers, money is decimal text. {{WITHOUT_ROWID}} is
-- SQLite's "WITHOUT ROWID" (the rows live in the primary-key B-tree, saving a second tree on
-- the write path, for tables of small rows) and nothing on PostgreSQL.

CREATE TABLE accounts (
  aws_account_id      TEXT PRIMARY KEY,
  customer_identifier TEXT NOT NULL UNIQUE,
  created_at          BIGINT NOT NULL
);

CREATE TABLE products (
  product_code      TEXT PRIMARY KEY,
  name              TEXT NOT NULL,
  pricing           TEXT NOT NULL,
  hourly_price      TEXT,
  monthly_price     TEXT,
  seller_account_id TEXT NOT NULL,
  preview           INTEGER NOT NULL,
  saas              INTEGER NOT NULL,
  created_at        BIGINT NOT NULL
);

CREATE TABLE product_dimensions (
  product_code TEXT NOT NULL,
  position     INTEGER NOT NULL,
  name         TEXT NOT NULL,
  unit         TEXT,
  price        TEXT NOT NULL,
  PRIMARY KEY (product_code, name)
);

CREATE TABLE product_keys (
  product_code       TEXT NOT NULL,
  version            INTEGER NOT NULL,
  public_key_pem     TEXT NOT NULL,
  private_key_sealed TEXT NOT NULL,
  created_at         BIGINT NOT NULL,
  retired_at         BIGINT,
  PRIMARY KEY (product_code, version)
);

CREATE TABLE subscriptions (
  subscription_id         TEXT PRIMARY KEY,
  product_code            TEXT NOT NULL,
  aws_account_id          TEXT NOT NULL,
  started_at              BIGINT NOT NULL,
  ended_at                BIGINT,
  registration_token_hash TEXT UNIQUE,
  token_expires_at        BIGINT,
  contract                TEXT NOT NULL
);
CREATE INDEX subscriptions_by_product_account ON subscriptions (product_code, aws_account_id);
-- At most one active subscription per buyer and product.
CREATE UNIQUE INDEX subscriptions_one_active ON subscriptions (product_code, aws_account_id)
  WHERE ended_at IS NULL;

CREATE TABLE tasks (
  task_id        TEXT PRIMARY KEY,
  task_arn       TEXT NOT NULL,
  aws_account_id TEXT NOT NULL,
  region         TEXT NOT NULL,
  platform       TEXT NOT NULL,
  cluster        TEXT NOT NULL,
  started_at     BIGINT NOT NULL,
  stopped_at     BIGINT
);

-- A task or pod admitted for a product at its first RegisterUsage or MeterUsage stays admitted.
CREATE TABLE task_admissions (
  task_id      TEXT NOT NULL,
  product_code TEXT NOT NULL,
  admitted_at  BIGINT NOT NULL,
  PRIMARY KEY (task_id, product_code)
) {{WITHOUT_ROWID}};

CREATE TABLE access_keys (
  access_key_id  TEXT PRIMARY KEY,
  aws_account_id TEXT NOT NULL,
  kind           TEXT NOT NULL,
  created_at     BIGINT NOT NULL
);

-- The usage ledger. scope is the identity usage is deduplicated on: task/<id> for MeterUsage,
-- customer/<account> for BatchMeterUsage; one record per scope, product, dimension and hour.
CREATE TABLE usage_records (
  record_id      TEXT PRIMARY KEY,
  scope          TEXT NOT NULL,
  product_code   TEXT NOT NULL,
  dimension      TEXT NOT NULL,
  hour           BIGINT NOT NULL,
  aws_account_id TEXT NOT NULL,
  quantity       BIGINT NOT NULL,
  fingerprint    TEXT NOT NULL,
  allocations    TEXT,
  source         TEXT NOT NULL,
  task_id        TEXT,
  usage_time     BIGINT NOT NULL,
  recorded_at    BIGINT NOT NULL,
  CONSTRAINT usage_records_dedup UNIQUE (scope, product_code, dimension, hour)
);
CREATE INDEX usage_records_by_product_hour ON usage_records (product_code, hour);
CREATE INDEX usage_records_by_account_hour ON usage_records (aws_account_id, hour);

-- MeterUsage ClientTokens per caller identity; record_id is the answer a retry gets back.
CREATE TABLE client_tokens (
  scope       TEXT NOT NULL,
  token       TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  record_id   TEXT,
  created_at  BIGINT NOT NULL,
  PRIMARY KEY (scope, token)
) {{WITHOUT_ROWID}};
