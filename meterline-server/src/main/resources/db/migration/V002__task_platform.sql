-- Platform emulation: the product a task was launched for, and when its newest credentials
-- expire (real time), by which a task whose process died without a stop is found.
ALTER TABLE tasks ADD COLUMN product_code TEXT;
ALTER TABLE tasks ADD COLUMN credentials_expire_at BIGINT;
CREATE INDEX tasks_running_by_credentials ON tasks (credentials_expire_at)
  WHERE stopped_at IS NULL;
