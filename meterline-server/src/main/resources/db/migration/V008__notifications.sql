-- Subscription notifications (SPEC §3.5): where a product's are sent, and an outbox of the
-- messages, written in the transaction of the change they announce and delivered from there, so
-- that none is lost to a crash. Times: due_at and created_at in service time, next_attempt_at and
-- delivered_at in real time (deliveries are retried on real time).
CREATE TABLE product_notifications (
  product_code TEXT PRIMARY KEY,
  url          TEXT NOT NULL,
  format       TEXT NOT NULL,
  updated_at   BIGINT NOT NULL
);

CREATE TABLE notifications (
  notification_id TEXT PRIMARY KEY,
  product_code    TEXT NOT NULL,
  subscription_id TEXT NOT NULL,
  aws_account_id  TEXT NOT NULL,
  action          TEXT NOT NULL,
  url             TEXT NOT NULL,
  format          TEXT NOT NULL,
  body            TEXT NOT NULL,
  created_at      BIGINT NOT NULL,
  due_at          BIGINT NOT NULL,
  status          TEXT NOT NULL,
  attempts        INTEGER NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  last_status     INTEGER,
  last_error      TEXT,
  delivered_at    BIGINT
);

CREATE INDEX notifications_due ON notifications (status, due_at);
CREATE INDEX notifications_by_product ON notifications (product_code, created_at);
