SELECT length(ProductName) AS len, count(*) FROM sales GROUP BY 1 ORDER BY len
