SELECT CustomerNo FROM sales GROUP BY CustomerNo ORDER BY CustomerNo DESC LIMIT 2
