-- The console charts one product's usage per hour and dimension over a month. Through the hour
-- index that read every entry of the month, wherever the table kept it (2.5 s for 1 M entries);
-- through this one it reads one product's. Entries land at the end of their product's hour run,
-- so a transaction's entries share a leaf. Holding dimension and quantity too would spare the
-- table reads, but spreads the entries over a run per dimension: twice the bytes written per
-- MeterUsage (docs/performance.md).
CREATE INDEX usage_records_by_product_hour ON usage_records (product_code, hour);
