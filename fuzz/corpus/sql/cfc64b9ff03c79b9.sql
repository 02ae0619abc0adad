SELECT CustomerNo IS NULL AS anon, count(*), sum(Quantity) FROM sales GROUP BY CustomerNo IS NULL
