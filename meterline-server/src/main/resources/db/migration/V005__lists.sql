-- Lists of the admin API, newest first, paged by keyset (creation time, then id, both
-- descending): each index below serves one list or one of its filters, so a page at any depth
-- reads only its own rows.

-- Whether an account was created as a buyer; seller accounts are created with their products.
ALTER TABLE accounts ADD COLUMN buyer INTEGER NOT NULL DEFAULT 0;
UPDATE accounts SET buyer = 1
  WHERE aws_account_id NOT IN (SELECT seller_account_id FROM products);
CREATE INDEX accounts_buyers_newest ON accounts (buyer, created_at, aws_account_id);

CREATE INDEX products_newest ON products (created_at, product_code);

CREATE INDEX subscriptions_newest ON subscriptions (started_at, subscription_id);
CREATE INDEX subscriptions_of_account_newest
  ON subscriptions (aws_account_id, started_at, subscription_id);
CREATE INDEX subscriptions_of_product_newest
  ON subscriptions (product_code, started_at, subscription_id);

CREATE INDEX tasks_newest ON tasks (started_at, task_id);
CREATE INDEX tasks_of_account_newest ON tasks (aws_account_id, started_at, task_id);
