SELECT CustomerNo, count(*) FROM sales GROUP BY CustomerNo ORDER BY CustomerNo LIMIT 3
