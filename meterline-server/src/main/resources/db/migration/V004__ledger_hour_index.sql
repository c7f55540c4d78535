-- The ledger's two secondary indexes, (product_code, hour) and (aws_account_id, hour), took
-- about a fifth of the bytes every MeterUsage transaction wrote: a record's entries landed beside
-- those of its product and of its account, spread over each index. One index on hour alone takes
-- each record at the end of its hour's run, so a transaction's entries share a page or two. The
-- ledger query reads the hours asked for and filters product and account there.
DROP INDEX usage_records_by_product_hour;
DROP INDEX usage_records_by_account_hour;
CREATE INDEX usage_records_by_hour ON usage_records (hour);
