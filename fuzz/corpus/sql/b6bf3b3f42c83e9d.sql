SELECT CustomerNo, count(*) AS n FROM sales GROUP BY CustomerNo ORDER BY n DESC, CustomerNo NULLS FIRST LIMIT 10
