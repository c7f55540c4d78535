-- CONTRACT products (SPEC §3.5): a product's id (the SKU License Manager knows it by), and a
-- subscription's contract end (service time, epoch ms; NULL for a contract without an end) and its
-- earlier versions (JSON: [{since, until, endsAt, lines}], oldest first; NULL when never amended).
ALTER TABLE products ADD COLUMN product_id TEXT;
ALTER TABLE subscriptions ADD COLUMN contract_ends_at BIGINT;
ALTER TABLE subscriptions ADD COLUMN contract_history TEXT;
CREATE UNIQUE INDEX products_by_product_id ON products (product_id);
